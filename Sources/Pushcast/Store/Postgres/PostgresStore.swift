import CDF
import Foundation
import Logging
import PostgresNIO

/// The `Store` in a PostgreSQL database (`--db postgres://…`), shared by several nodes:
/// every rule of `Store` holds with several writers, because each write takes the rows it
/// decides on (the channel's row `FOR UPDATE` before the change rule) in its transaction.
/// Its `run()` must be running for any query to be answered.
public final class PostgresStore: Store {
    let client: PostgresClient
    let logger: Logger
    public let address: PostgresAddress

    /// A store on the database at `address`; nothing connects until `run()` runs.
    public init(address: PostgresAddress, logger: Logger = Logger(label: "pushcast.postgres")) {
        self.address = address
        self.logger = logger
        var configuration = address.configuration
        configuration.options.maximumConnections = 10
        // The client's own log (each failed connection, in its words) stays out of the server's.
        client = PostgresClient(configuration: configuration)
    }

    /// Keeps the store's connections until the task running it is cancelled (or the service
    /// group shuts down gracefully).
    public func run() async {
        await client.run()
    }

    /// Brings the schema up to date (`PostgresMigrations`); needs `run()` running.
    public func migrate() async throws {
        try await PostgresMigrations.migrate(client, logger: logger)
    }

    /// Whether the database answers within `reachableWithin`: while it is down, a query
    /// waits for a connection (the client keeps retrying), so the question has a deadline.
    public func isReachable() async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { [client, logger] in
                (try? await client.query("SELECT 1", logger: logger).decode(Int.self).first { _ in true }) == 1
            }
            group.addTask {
                try? await Task.sleep(for: Self.reachableWithin)
                return false
            }
            let answer = await group.next() ?? false
            group.cancelAll()
            return answer
        }
    }

    /// How long `isReachable` waits for the database's answer.
    static let reachableWithin = Duration.seconds(2)

    // MARK: - Channels

    public func channels() async throws -> [ChannelRecord] {
        try await PostgresRecords.channels(
            client.query("SELECT \(unescaped: PostgresRecords.channelColumns) FROM channel ORDER BY id", logger: logger))
    }

    public func channel(_ id: String) async throws -> ChannelRecord? {
        try await PostgresRecords.channels(
            client.query("SELECT \(unescaped: PostgresRecords.channelColumns) FROM channel WHERE id = \(id)", logger: logger)
        ).first
    }

    /// Each channel's last good manifest, by channel id.
    public func manifests() async throws -> [String: StoredManifest] {
        var manifests: [String: StoredManifest] = [:]
        for try await (channel, source, leftOut) in try await client.query(
            #"SELECT channel, source, "leftOut" FROM manifest"#, logger: logger
        ).decode((String, ByteBuffer, String).self) {
            manifests[channel] = StoredManifest(source: Array(source.readableBytesView), leftOut: leftOut)
        }
        return manifests
    }

    public func manifest(_ channel: String) async throws -> StoredManifest? {
        try await client.query(
            #"SELECT source, "leftOut" FROM manifest WHERE channel = \#(channel)"#, logger: logger
        ).decode((ByteBuffer, String).self).first { _ in true }.map {
            StoredManifest(source: Array($0.0.readableBytesView), leftOut: $0.1)
        }
    }

    /// Records a channel's status, diagnostics and (when given) its new last good manifest,
    /// keeping its log position.
    public func saveChannel(id: String, _ save: ChannelSave, now: Date) async throws {
        try await client.query(try Self.saving(save, channel: id, now: now), logger: logger)
    }

    /// The statement that writes `save` for channel `id`: one statement, so its transaction's
    /// commit (its own, or the log's) notifies the other nodes. The manifest's row is written
    /// after the channel's (a data-modifying WITH sees no other's rows, but its foreign key is
    /// checked at the statement's end).
    static func saving(_ save: ChannelSave, channel id: String, now: Date) throws -> PostgresQuery {
        let diagnosticsJSON = try save.diagnosticsJSON()
        return """
            WITH saved AS (
              INSERT INTO channel (id, file, status, diagnostics, "updatedAt")
              VALUES (\(id), \(save.file), \(save.status.rawValue), \(diagnosticsJSON), \(now.timeIntervalSince1970))
              ON CONFLICT (id) DO UPDATE SET file = EXCLUDED.file, status = EXCLUDED.status,
                diagnostics = EXCLUDED.diagnostics, "updatedAt" = EXCLUDED."updatedAt"
              RETURNING id),
            kept AS (
              INSERT INTO manifest (channel, source, "leftOut")
              SELECT id, \(save.manifest.map { ByteBuffer(bytes: $0.source) }), \(save.manifest?.leftOut) FROM saved
              WHERE \(save.manifest != nil)
              ON CONFLICT (channel) DO UPDATE SET source = EXCLUDED.source, "leftOut" = EXCLUDED."leftOut")
            SELECT pg_notify(\(PostgresListener.channelChannel), id) FROM saved
            """
    }

    /// Takes the lease in one statement: of two nodes at once, the second waits for the first's
    /// row lock, then finds the lease taken.
    public func claimCheck(channel: String, holder: String, until: Date, now: Date) async throws -> Bool {
        try await client.query(
            """
            UPDATE channel SET "checkLeaseUntil" = \(until.timeIntervalSince1970), "checkLeaseHolder" = \(holder)
            WHERE id = \(channel)
              AND ("checkLeaseUntil" IS NULL OR "checkLeaseUntil" <= \(now.timeIntervalSince1970) OR "checkLeaseHolder" = \(holder))
            RETURNING id
            """, logger: logger
        ).decode(String.self).first { _ in true } != nil
    }

    /// Removes a channel that never logged an item; false, and nothing removed, when it has a log.
    public func forgetChannel(id: String) async throws -> Bool {
        try await client.query(
            """
            WITH gone AS (DELETE FROM channel WHERE id = \(id) AND "lastSeq" = 0 RETURNING id)
            SELECT id, pg_notify(\(PostgresListener.channelChannel), id)::text FROM gone
            """, logger: logger
        ).decode((String, String).self).first { _ in true } != nil
    }
}
