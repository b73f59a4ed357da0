import Foundation
import PostgresNIO

/// Subscribers, their subscriptions and delivery cursors (SPEC §4) on PostgreSQL: tokens as
/// hashes only; a cursor only moves forward (`GREATEST`), whichever node writes it.
extension PostgresStore {
    public func createSubscriber(id: String, name: String, tokenHash: String, now: Date) async throws {
        try await client.query(
            #"INSERT INTO subscriber (id, name, "tokenHash", "createdAt") VALUES (\#(id), \#(name), \#(tokenHash), \#(now.timeIntervalSince1970))"#,
            logger: logger)
    }

    public func subscriber(_ id: String) async throws -> SubscriberRecord? {
        try await client.query(#"SELECT id, name, "tokenHash", "createdAt" FROM subscriber WHERE id = \#(id)"#, logger: logger)
            .decode((String, String, String, Double).self)
            .first { _ in true }
            .map { SubscriberRecord(id: $0.0, name: $0.1, tokenHash: $0.2, createdAt: $0.3) }
    }

    public func subscriptions(of subscriber: String) async throws -> [SubscriptionRecord] {
        try await PostgresRecords.subscriptions(
            client.query(
                """
                SELECT \(unescaped: PostgresRecords.subscriptionColumns) FROM subscription
                WHERE subscriber = \(subscriber) ORDER BY channel
                """, logger: logger))
    }

    /// Subscribes; a new subscription starts `initialItems` before the channel's last seq,
    /// so the newest items are pending at once. Returns the subscription and whether it is new.
    public func subscribe(_ subscriber: String, to channel: String, initialItems: Int, now: Date) async throws
        -> (SubscriptionRecord, created: Bool)
    {
        try await client.withTransaction(logger: logger) { connection in
            let inserted = try await PostgresRecords.subscriptions(
                connection.query(
                    """
                    INSERT INTO subscription (subscriber, channel, cursor, "createdAt")
                    VALUES (\(subscriber), \(channel),
                            GREATEST(0, COALESCE((SELECT "lastSeq" FROM channel WHERE id = \(channel)), 0) - \(Int64(initialItems))),
                            \(now.timeIntervalSince1970))
                    ON CONFLICT (subscriber, channel) DO NOTHING
                    RETURNING \(unescaped: PostgresRecords.subscriptionColumns)
                    """, logger: logger))
            if let record = inserted.first { return (record, true) }
            let existing = try await PostgresRecords.subscriptions(
                connection.query(
                    """
                    SELECT \(unescaped: PostgresRecords.subscriptionColumns) FROM subscription
                    WHERE subscriber = \(subscriber) AND channel = \(channel)
                    """, logger: logger))
            guard let record = existing.first else { throw SubscriptionVanished() }
            return (record, false)
        }
    }

    /// Returns whether there was such a subscription.
    public func unsubscribe(_ subscriber: String, from channel: String) async throws -> Bool {
        try await client.query(
            "DELETE FROM subscription WHERE subscriber = \(subscriber) AND channel = \(channel) RETURNING channel",
            logger: logger
        ).decode(String.self).first { _ in true } != nil
    }

    /// Moves cursors forward (never back), in one statement: each sequence has reached its
    /// subscriber (`CursorBook`). A cursor of a subscription that is gone is no cursor.
    public func advanceCursors(_ cursors: [SubscriptionKey: Int64]) async throws {
        guard !cursors.isEmpty else { return }
        let moves = Array(cursors)
        try await client.query(
            """
            UPDATE subscription SET cursor = GREATEST(subscription.cursor, moved.seq)
            FROM unnest(\(moves.map(\.key.subscriber))::text[], \(moves.map(\.key.channel))::text[], \(moves.map(\.value))::bigint[])
              AS moved(subscriber, channel, seq)
            WHERE subscription.subscriber = moved.subscriber AND subscription.channel = moved.channel
            """, logger: logger)
    }

    /// A subscription removed by another node between its insert being refused and its reading.
    struct SubscriptionVanished: Error, CustomStringConvertible {
        var description: String { "The subscription was removed while it was being made: subscribe again." }
    }
}
