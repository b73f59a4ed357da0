import Foundation
import GRDB

/// Subscribers, their subscriptions and delivery cursors (SPEC §4).
extension SQLiteStore {
    public func createSubscriber(id: String, name: String, tokenHash: String, now: Date) async throws {
        try await write { db in
            try SubscriberRecord(id: id, name: name, tokenHash: tokenHash, createdAt: now.timeIntervalSince1970).insert(db)
        }
    }

    // Every subscriber stream asks these two as it opens: their statements are compiled once
    // per reader connection (GRDB's query interface compiles a request each time it runs).

    public func subscriber(_ id: String) async throws -> SubscriberRecord? {
        try await read { db in
            try SubscriberRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM subscriber WHERE id = ?"), arguments: [id])
        }
    }

    public func subscriptions(of subscriber: String) async throws -> [SubscriptionRecord] {
        try await read { db in
            try SubscriptionRecord.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM subscription WHERE subscriber = ? ORDER BY channel"),
                arguments: [subscriber])
        }
    }

    /// Subscribes; a new subscription starts `initialItems` before the channel's last seq,
    /// so the newest items are pending at once. Returns the subscription and whether it is new.
    public func subscribe(_ subscriber: String, to channel: String, initialItems: Int, now: Date) async throws
        -> (SubscriptionRecord, created: Bool)
    {
        try await write { db in
            if let existing = try SubscriptionRecord.fetchOne(db, key: ["subscriber": subscriber, "channel": channel]) {
                return (existing, false)
            }
            let lastSeq = try Self.lastSeq(of: channel, in: db) ?? 0
            let record = SubscriptionRecord(
                subscriber: subscriber, channel: channel, cursor: max(0, lastSeq - Int64(initialItems)),
                createdAt: now.timeIntervalSince1970)
            try record.insert(db)
            return (record, true)
        }
    }

    /// Returns whether there was such a subscription.
    public func unsubscribe(_ subscriber: String, from channel: String) async throws -> Bool {
        try await write { db in
            try SubscriptionRecord.deleteOne(db, key: ["subscriber": subscriber, "channel": channel])
        }
    }

    /// Moves cursors forward (never back), all in one transaction: each sequence has reached
    /// its subscriber (`CursorBook`). A cursor of a subscription that is gone is no cursor.
    public func advanceCursors(_ cursors: [SubscriptionKey: Int64]) async throws {
        try await write { db in
            let update = try db.cachedStatement(
                sql: "UPDATE subscription SET cursor = MAX(cursor, ?) WHERE subscriber = ? AND channel = ?")
            for (key, seq) in cursors {
                try update.execute(arguments: [seq, key.subscriber, key.channel])
            }
        }
    }
}
