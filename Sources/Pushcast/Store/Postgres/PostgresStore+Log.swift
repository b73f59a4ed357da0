import CDF
import Foundation
import PostgresNIO

/// The item log on PostgreSQL: `record` holds the channel's row from the change rule's
/// reading to the append, so two nodes recording the same change take turns and the second
/// sees it as unchanged; sequence numbers come from that row, in the same transaction, and
/// the other nodes are notified at its commit.
extension PostgresStore {
    /// Saves the channel when `saving` says so, applies the check's `ChangePlan` under the
    /// channel's row lock and numbers its entries with the channel's next sequence numbers,
    /// all in one transaction. Returns what was appended.
    public func record(_ observations: [ItemObservation], channel: String, saving: ChannelSave?, now: Date) async throws
        -> [LogEntry]
    {
        let loggedAt = now.timeIntervalSince1970
        let saveChannel = try saving.map { try Self.saving($0, channel: channel, now: now) }
        return try await client.withTransaction(logger: logger) { connection in
            if let saveChannel { try await connection.query(saveChannel, logger: logger) }
            // Another node recording this channel waits here until this transaction ends.
            let locked = try await connection.query(
                "SELECT id FROM channel WHERE id = \(channel) FOR UPDATE", logger: logger
            ).decode(String.self).first { _ in true }
            guard locked != nil else { return [] }
            let states = try await PostgresRecords.states(
                connection.query(Self.statesQuery(of: observations.map(\.item.id), channel: channel), logger: logger))
            let plan = try ChangePlan(observations, known: states, channel: channel, loggedAt: loggedAt)
            for state in plan.states { try await save(state, on: connection) }
            var appended = plan.entries
            // One update takes the batch's numbers: the last one is returned.
            let lastSeq = try await connection.query(
                """
                UPDATE channel SET "lastSeq" = "lastSeq" + \(Int64(appended.count)), "lastCheck" = \(loggedAt),
                  "lastChange" = CASE WHEN \(appended.isEmpty) THEN "lastChange" ELSE \(loggedAt) END
                WHERE id = \(channel) RETURNING "lastSeq"
                """, logger: logger
            ).decode(Int64.self).first { _ in true } ?? 0
            for index in appended.indices {
                appended[index].seq = lastSeq - Int64(appended.count - 1 - index)
                try await insert(appended[index], on: connection)
            }
            if !appended.isEmpty {
                // Sent at commit, to every node's listener: a hint to read the log up to here.
                try await connection.query(
                    "SELECT pg_notify(\(PostgresListener.logChannel), \(channel + ":" + String(lastSeq)))", logger: logger)
            }
            return appended
        }
    }

    private func save(_ state: ItemState, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO "itemState" (\(unescaped: PostgresRecords.stateColumns))
            VALUES (\(state.channel), \(state.itemID), \(state.revision), \(state.lastmod), \(state.contentHash),
                    \(state.etag), \(state.lastModified))
            ON CONFLICT (channel, "itemID") DO UPDATE SET revision = EXCLUDED.revision, lastmod = EXCLUDED.lastmod,
              "contentHash" = EXCLUDED."contentHash", etag = EXCLUDED.etag, "lastModified" = EXCLUDED."lastModified"
            """, logger: logger)
    }

    private func insert(_ entry: LogEntry, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO "itemLog" (\(unescaped: PostgresRecords.entryColumns))
            VALUES (\(entry.channel), \(entry.seq), \(entry.event.rawValue), \(entry.itemID), \(entry.revision),
                    \(entry.title), \(entry.abstract), \(entry.href), \(entry.local), \(entry.lastmod), \(entry.section),
                    \(entry.precache), \(entry.contentType), \(entry.contentHash), \(entry.contentSize), \(entry.content),
                    \(entry.loggedAt))
            """, logger: logger)
    }

    /// Entries after `seq`, oldest first.
    public func entries(channel: String, after seq: Int64, limit: Int) async throws -> [LogEntry] {
        try await PostgresRecords.entries(
            client.query(
                """
                SELECT \(unescaped: PostgresRecords.entryColumns) FROM "itemLog"
                WHERE channel = \(channel) AND seq > \(seq) ORDER BY seq LIMIT \(limit)
                """, logger: logger))
    }

    /// The newest `limit` items, each as its newest entry, newest first.
    public func latestItems(channel: String, limit: Int) async throws -> [LogEntry] {
        try await PostgresRecords.entries(
            client.query(
                """
                SELECT \(unescaped: PostgresRecords.entryColumns) FROM "itemLog" WHERE channel = \(channel) AND seq IN
                  (SELECT MAX(seq) FROM "itemLog" WHERE channel = \(channel) GROUP BY "itemID")
                ORDER BY seq DESC LIMIT \(limit)
                """, logger: logger))
    }

    public func entry(channel: String, seq: Int64) async throws -> LogEntry? {
        try await PostgresRecords.entries(
            client.query(
                "SELECT \(unescaped: PostgresRecords.entryColumns) FROM \"itemLog\" WHERE channel = \(channel) AND seq = \(seq)",
                logger: logger)
        ).first
    }

    /// What is known of the items `items` of a channel, by identity.
    public func itemStates(channel: String, items: [String]) async throws -> [String: ItemState] {
        try await PostgresRecords.states(client.query(Self.statesQuery(of: items, channel: channel), logger: logger))
    }

    /// The states of `items`, each found by the table's key (see `SQLiteStore.states`).
    private static func statesQuery(of items: [String], channel: String) -> PostgresQuery {
        "SELECT \(unescaped: PostgresRecords.stateColumns) FROM \"itemState\" WHERE channel = \(channel) AND \"itemID\" = ANY(\(items))"
    }

    /// How many subscribers each channel has.
    public func subscriberCounts() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for try await (channel, count) in try await client.query(
            "SELECT channel, COUNT(*) FROM subscription GROUP BY channel", logger: logger
        ).decode((String, Int).self) {
            counts[channel] = count
        }
        return counts
    }

    /// Deletes, in one statement (so one transaction), the entries both outside the newest
    /// `keepItems` of their channel and older than `keepSeconds` (SPEC §4); a channel's first
    /// kept sequence is its lowest remaining one, so it moves with the delete. Returns how many went.
    @discardableResult
    public func prune(keepItems: Int, keepSeconds: Double, now: Date) async throws -> Int {
        try await client.query(
            """
            WITH gone AS (
              DELETE FROM "itemLog" USING channel
              WHERE channel.id = "itemLog".channel AND "itemLog"."loggedAt" < \(now.timeIntervalSince1970 - keepSeconds)
                AND "itemLog".seq <= channel."lastSeq" - \(Int64(keepItems))
              RETURNING 1)
            SELECT COUNT(*) FROM gone
            """, logger: logger
        ).decode(Int.self).first { _ in true } ?? 0
    }

    /// The bounds of each channel's log, read in one statement (a channel never logged is
    /// `first` nil, `last` 0).
    public func logBounds(_ channels: [String]) async throws -> [String: LogBounds] {
        var bounds = Dictionary(channels.map { ($0, LogBounds(first: nil, last: 0)) }, uniquingKeysWith: { a, _ in a })
        for try await (id, last, first) in try await client.query(
            """
            SELECT id, "lastSeq", (SELECT MIN(seq) FROM "itemLog" WHERE "itemLog".channel = channel.id)
            FROM channel WHERE id = ANY(\(channels))
            """, logger: logger
        ).decode((String, Int64, Int64?).self) {
            bounds[id] = LogBounds(first: first, last: last)
        }
        return bounds
    }
}
