import CDF
import Foundation
import GRDB
import Metrics

/// The `Store` in one SQLite database in WAL mode (GRDB), the default: `--db PATH`.
public final class SQLiteStore: Store {
    private let pool: DatabasePool
    /// Checkpoints the WAL off the committing thread; lives as long as `pool`.
    let checkpointer: WALCheckpointer
    public let path: String

    /// Opens (creating it and its folder if needed) and migrates the database at `path`.
    public init(path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        pool = try DatabasePool(path: path, configuration: configuration)
        self.path = path
        // Each commit is on disk before it returns: GRDB leaves a pool's writer at NORMAL,
        // where a crash of the machine (not only of the server) may take back the last
        // commits, items readers already had (docs/ENGINE.md, "The store").
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try StoreMigrations.migrator.migrate(pool)
        let checkpointer = WALCheckpointer(path: path)
        try pool.writeWithoutTransaction { db in checkpointer.install(on: db) }
        self.checkpointer = checkpointer
    }

    /// Whether the database answers.
    public func isReachable() async -> Bool {
        (try? await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    /// Whether the database is in WAL mode.
    public func journalMode() async throws -> String {
        try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// The writer's `PRAGMA synchronous`: 2 (FULL) when each commit is on disk before it returns.
    public func writerSynchronous() async throws -> Int {
        try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        try await pool.read(body)
    }

    /// A write transaction, its time recorded (`pushcast_store_write_seconds` in `/metrics`).
    func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        let started = ContinuousClock.now
        defer { Self.writeTimer.record(duration: ContinuousClock.now - started) }
        return try await pool.write(body)
    }

    /// A write transaction on the calling thread, its time recorded as `write`'s. A check
    /// records on the publish thread (docs/ENGINE.md): GRDB runs the transaction there, in
    /// place, when its writer is free, with no hop to the writer's queue and back; when the
    /// writer is busy (a batch of cursors, the hourly pruning), the publish thread waits for
    /// it, as the check would have.
    private func writeInPlace<T>(_ body: (Database) throws -> T) throws -> T {
        let started = ContinuousClock.now
        defer { Self.writeTimer.record(duration: ContinuousClock.now - started) }
        return try pool.write(body)
    }

    private static let writeTimer = Metrics.Timer(label: "pushcast_store_write_seconds")

    // MARK: - Channels

    public func channels() async throws -> [ChannelRecord] {
        try await pool.read { db in try ChannelRecord.order(Column("id")).fetchAll(db) }
    }

    public func channel(_ id: String) async throws -> ChannelRecord? {
        try await pool.read { db in try ChannelRecord.fetchOne(db, key: id) }
    }

    /// Each channel's last good manifest, by channel id.
    public func manifests() async throws -> [String: StoredManifest] {
        try await pool.read { db in
            var manifests: [String: StoredManifest] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT channel, source, leftOut FROM manifest") {
                manifests[row["channel"]] = StoredManifest(source: [UInt8](row["source"] as Data), leftOut: row["leftOut"])
            }
            return manifests
        }
    }

    public func manifest(_ channel: String) async throws -> StoredManifest? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT source, leftOut FROM manifest WHERE channel = ?", arguments: [channel]).map {
                StoredManifest(source: [UInt8]($0["source"] as Data), leftOut: $0["leftOut"])
            }
        }
    }

    /// Records a channel's status, diagnostics and (when given) its new last good manifest,
    /// keeping its log position.
    public func saveChannel(id: String, _ save: ChannelSave, now: Date) async throws {
        let diagnosticsJSON = try save.diagnosticsJSON()
        try await write { db in try Self.save(save, diagnosticsJSON: diagnosticsJSON, channel: id, now: now, in: db) }
    }

    /// Writes `save` for channel `id` inside the caller's transaction: two statements,
    /// compiled once, and nothing read first.
    private static func save(_ save: ChannelSave, diagnosticsJSON: String, channel id: String, now: Date, in db: Database)
        throws
    {
        try db.cachedStatement(
            sql: """
                INSERT INTO channel (id, file, status, diagnostics, updatedAt) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET file = excluded.file, status = excluded.status,
                  diagnostics = excluded.diagnostics, updatedAt = excluded.updatedAt
                """
        ).execute(arguments: [id, save.file, save.status, diagnosticsJSON, now.timeIntervalSince1970])
        guard let manifest = save.manifest else { return }
        try db.cachedStatement(
            sql: """
                INSERT INTO manifest (channel, source, leftOut) VALUES (?, ?, ?)
                ON CONFLICT (channel) DO UPDATE SET source = excluded.source, leftOut = excluded.leftOut
                """
        ).execute(arguments: [id, Data(manifest.source), manifest.leftOut])
    }

    /// Removes a channel that never logged an item (its manifest never loaded, or its file
    /// name was never a valid id); false, and nothing removed, when it has a log.
    public func forgetChannel(id: String) async throws -> Bool {
        try await write { db in
            try ChannelRecord.filter(Column("id") == id && Column("lastSeq") == 0).deleteAll(db) > 0
        }
    }

    public func claimCheck(channel: String, holder: String, until: Date, now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE channel SET checkLeaseUntil = ?, checkLeaseHolder = ?
                    WHERE id = ? AND (checkLeaseUntil IS NULL OR checkLeaseUntil <= ? OR checkLeaseHolder = ?)
                    """,
                arguments: [until.timeIntervalSince1970, holder, channel, now.timeIntervalSince1970, holder])
            return db.changesCount > 0
        }
    }

    // MARK: - The item log

    /// Saves the channel when `saving` says so, applies the check's `ChangePlan` and numbers
    /// its entries with the channel's next sequence numbers, all in one transaction. Returns
    /// what was appended. Every statement is compiled once (cached) and binds its values
    /// directly: this runs for every change.
    public func record(_ observations: [ItemObservation], channel: String, saving: ChannelSave?, now: Date) async throws
        -> [LogEntry]
    {
        let diagnosticsJSON = try saving?.diagnosticsJSON()
        return try writeInPlace { db in
            if let saving, let diagnosticsJSON {
                try Self.save(saving, diagnosticsJSON: diagnosticsJSON, channel: channel, now: now, in: db)
            }
            guard var lastSeq = try Self.lastSeq(of: channel, in: db) else { return [] }
            let states = try Self.states(of: observations.map(\.item.id), channel: channel, in: db)
            let loggedAt = now.timeIntervalSince1970
            let plan = try ChangePlan(observations, known: states, channel: channel, loggedAt: loggedAt)
            let saveState = try db.cachedStatement(
                sql: """
                    INSERT INTO itemState (channel, itemID, revision, lastmod, contentHash, etag, lastModified)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (channel, itemID) DO UPDATE SET revision = excluded.revision, lastmod = excluded.lastmod,
                      contentHash = excluded.contentHash, etag = excluded.etag, lastModified = excluded.lastModified
                    """)
            for state in plan.states {
                try saveState.execute(arguments: [
                    state.channel, state.itemID, state.revision, state.lastmod, state.contentHash, state.etag,
                    state.lastModified,
                ])
            }
            let append = try db.cachedStatement(
                sql: """
                    INSERT INTO itemLog (channel, seq, event, itemID, revision, title, abstract, href, local, lastmod,
                      section, precache, contentType, contentHash, contentSize, content, loggedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            var appended = plan.entries
            for index in appended.indices {
                lastSeq += 1
                appended[index].seq = lastSeq
                let entry = appended[index]
                try append.execute(arguments: [
                    entry.channel, entry.seq, entry.event.rawValue, entry.itemID, entry.revision, entry.title, entry.abstract,
                    entry.href, entry.local, entry.lastmod, entry.section, entry.precache, entry.contentType,
                    entry.contentHash, entry.contentSize, entry.content, entry.loggedAt,
                ])
            }
            try db.cachedStatement(
                sql: "UPDATE channel SET lastSeq = ?, lastCheck = ?, lastChange = coalesce(?, lastChange) WHERE id = ?"
            ).execute(arguments: [lastSeq, loggedAt, appended.isEmpty ? nil : loggedAt, channel])
            return appended
        }
    }

    /// Entries after `seq`, oldest first.
    public func entries(channel: String, after seq: Int64, limit: Int) async throws -> [LogEntry] {
        try await pool.read { db in
            try LogEntry.filter(Column("channel") == channel && Column("seq") > seq).order(Column("seq"))
                .limit(limit).fetchAll(db)
        }
    }

    /// The newest `limit` items, each as its newest entry (an item edited three times is
    /// one headline, not three), newest first: what a feed, a page or a snapshot lists.
    public func latestItems(channel: String, limit: Int) async throws -> [LogEntry] {
        try await pool.read { db in
            try LogEntry.fetchAll(
                db,
                sql: """
                    SELECT * FROM itemLog WHERE channel = ? AND seq IN
                      (SELECT MAX(seq) FROM itemLog WHERE channel = ? GROUP BY itemID)
                    ORDER BY seq DESC LIMIT ?
                    """, arguments: [channel, channel, limit])
        }
    }

    public func entry(channel: String, seq: Int64) async throws -> LogEntry? {
        try await pool.read { db in try LogEntry.fetchOne(db, key: ["channel": channel, "seq": seq]) }
    }

    /// What is known of the items `items` of a channel, by identity.
    public func itemStates(channel: String, items: [String]) async throws -> [String: ItemState] {
        try await pool.read { db in try Self.states(of: items, channel: channel, in: db) }
    }

    /// The states of `items`, found by the table's key: what a check costs follows the items
    /// its manifest lists, not every item the channel ever had. A compiled statement takes up
    /// to `statesPerLookup` identities at a time, so that a manifest of any length is a few
    /// steps of one cursor each, not a cursor per item; its width is the next power of two
    /// (the last identity repeated to fill it), so that the usual check, which observes one
    /// new item (`SettledItems`), binds one identity, not 32 that SQLite sorts first.
    private static func states(of items: [String], channel: String, in db: Database) throws -> [String: ItemState] {
        guard let last = items.last else { return [:] }
        var states: [String: ItemState] = [:]
        states.reserveCapacity(items.count)
        var arguments: [(any DatabaseValueConvertible)?] = []
        arguments.reserveCapacity(statesPerLookup + 1)
        for start in stride(from: 0, to: items.count, by: statesPerLookup) {
            let count = min(statesPerLookup, items.count - start)
            let width = count <= 1 ? 1 : 1 << (Int.bitWidth - (count - 1).leadingZeroBitCount)
            arguments.removeAll(keepingCapacity: true)
            arguments.append(channel)
            for item in items[start..<(start + count)] { arguments.append(item) }
            for _ in count..<width { arguments.append(last) }
            // The existential form: the generic one maps through a key path the runtime
            // instantiates at every call.
            let lookup = try db.cachedStatement(sql: statesLookups[width.trailingZeroBitCount])
            let found = try ItemState.fetchCursor(lookup, arguments: StatementArguments(arguments))
            while let state = try found.next() { states[state.itemID] = state }
        }
        return states
    }

    /// The channel's last sequence number (0 before its first item), nil for a channel the
    /// store does not know. The statement is compiled once per connection.
    static func lastSeq(of channel: String, in db: Database) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT lastSeq FROM channel WHERE id = ?"), arguments: [channel])
    }

    private static let statesPerLookup = 32
    /// The lookups by width: 1, 2, 4 … `statesPerLookup` identities.
    private static let statesLookups = (0...statesPerLookup.trailingZeroBitCount).map { power in
        """
        SELECT \(ItemState.columns) FROM itemState
        WHERE channel = ? AND itemID IN (\(repeatElement("?", count: 1 << power).joined(separator: ", ")))
        """
    }

    /// How many subscribers each channel has.
    public func subscriberCounts() async throws -> [String: Int] {
        try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT channel, COUNT(*) AS n FROM subscription GROUP BY channel")
            return Dictionary(rows.map { ($0["channel"] as String, $0["n"] as Int) }, uniquingKeysWith: +)
        }
    }

    /// Deletes log entries that are both outside the newest `keepItems` of their channel and
    /// older than `keepSeconds` (SPEC §4: at least the last N items or D days are kept).
    /// Returns how many were deleted. Sequence numbers are never reused.
    @discardableResult
    public func prune(keepItems: Int, keepSeconds: Double, now: Date) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: """
                    DELETE FROM itemLog
                    WHERE loggedAt < ?
                      AND seq <= (SELECT lastSeq FROM channel WHERE channel.id = itemLog.channel) - ?
                    """, arguments: [now.timeIntervalSince1970 - keepSeconds, keepItems])
            return db.changesCount
        }
    }

    /// The bounds of each channel's log, read at one moment (a channel never logged is
    /// `first` nil, `last` 0).
    public func logBounds(_ channels: [String]) async throws -> [String: LogBounds] {
        try await pool.read { db in
            // Compiled once per reader connection: every stream opening with `since` asks.
            let firstSeq = try db.cachedStatement(sql: "SELECT MIN(seq) FROM itemLog WHERE channel = ?")
            var bounds: [String: LogBounds] = [:]
            for channel in channels {
                let last = try Self.lastSeq(of: channel, in: db) ?? 0
                let first = try Int64.fetchOne(firstSeq, arguments: [channel])
                bounds[channel] = LogBounds(first: first, last: last)
            }
            return bounds
        }
    }
}
