import Logging
import PostgresNIO

/// The PostgreSQL store's schema, as numbered migrations recorded in `storeMigration`: the
/// same tables and columns as SQLite's (`StoreMigrations`). A migration is never edited once
/// it has landed: a change to the schema is a new migration.
enum PostgresMigrations {
    /// Each migration's number, name and statements, in order.
    static let all: [(number: Int, name: String, statements: [String])] = [
        (
            1, "channels, item log, item state, subscribers",
            [
                """
                CREATE TABLE channel (
                    id TEXT PRIMARY KEY NOT NULL,
                    file TEXT NOT NULL,
                    status TEXT NOT NULL,
                    diagnostics TEXT NOT NULL DEFAULT '[]',
                    manifest TEXT,
                    "lastSeq" BIGINT NOT NULL DEFAULT 0,
                    "lastChange" DOUBLE PRECISION,
                    "lastCheck" DOUBLE PRECISION,
                    "updatedAt" DOUBLE PRECISION NOT NULL
                )
                """,
                """
                CREATE TABLE "itemLog" (
                    channel TEXT NOT NULL REFERENCES channel(id),
                    seq BIGINT NOT NULL,
                    event TEXT NOT NULL,
                    "itemID" TEXT NOT NULL,
                    revision BIGINT NOT NULL,
                    title TEXT,
                    abstract TEXT,
                    href TEXT NOT NULL,
                    local BOOLEAN NOT NULL,
                    lastmod TEXT,
                    section TEXT NOT NULL,
                    precache BOOLEAN NOT NULL,
                    "contentType" TEXT,
                    "contentHash" TEXT,
                    "contentSize" BIGINT,
                    content BYTEA,
                    "loggedAt" DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (channel, seq)
                )
                """,
                #"CREATE INDEX "itemLogByItem" ON "itemLog"(channel, "itemID", seq)"#,
                """
                CREATE TABLE "itemState" (
                    channel TEXT NOT NULL REFERENCES channel(id),
                    "itemID" TEXT NOT NULL,
                    revision BIGINT NOT NULL,
                    lastmod TEXT,
                    "contentHash" TEXT,
                    etag TEXT,
                    "lastModified" TEXT,
                    PRIMARY KEY (channel, "itemID")
                )
                """,
                """
                CREATE TABLE subscriber (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    "tokenHash" TEXT NOT NULL,
                    "createdAt" DOUBLE PRECISION NOT NULL
                )
                """,
                """
                CREATE TABLE subscription (
                    subscriber TEXT NOT NULL REFERENCES subscriber(id) ON DELETE CASCADE,
                    channel TEXT NOT NULL,
                    cursor BIGINT NOT NULL DEFAULT 0,
                    "createdAt" DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (subscriber, channel)
                )
                """,
            ]
        ),
        (
            2, "who holds a channel's scheduled check",
            [
                #"ALTER TABLE channel ADD COLUMN "checkLeaseUntil" DOUBLE PRECISION"#,
                #"ALTER TABLE channel ADD COLUMN "checkLeaseHolder" TEXT"#,
            ]
        ),
        (
            3, "the last good manifest kept as its file's bytes, beside the channel",
            [
                """
                CREATE TABLE manifest (
                    channel TEXT PRIMARY KEY NOT NULL REFERENCES channel(id) ON DELETE CASCADE,
                    source BYTEA NOT NULL,
                    "leftOut" TEXT NOT NULL DEFAULT '[]'
                )
                """,
                "ALTER TABLE channel DROP COLUMN manifest",
            ]
        ),
    ]

    /// Applies the migrations this database lacks, in one transaction. Nodes starting at
    /// once take turns (an advisory lock), so each migration runs once.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS "storeMigration" (
                    number INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, "appliedAt" TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            var applied = Set<Int>()
            for try await number in try await connection.query(#"SELECT number FROM "storeMigration""#, logger: logger)
                .decode(Int.self)
            {
                applied.insert(number)
            }
            for migration in all where !applied.contains(migration.number) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    #"INSERT INTO "storeMigration" (number, name) VALUES (\#(migration.number), \#(migration.name))"#,
                    logger: logger)
            }
        }
    }

    /// The advisory lock migrations take ("pushcast" in ASCII).
    private static let lockKey: Int64 = 0x70_75_73_68_63_61_73_74
}
