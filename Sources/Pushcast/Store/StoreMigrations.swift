import GRDB

/// The store's schema, as numbered migrations. A migration is never edited once it has
/// landed: a change to the schema is a new migration.
enum StoreMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: channels, item log, item state, subscribers") { db in
            try db.execute(
                sql: """
                    CREATE TABLE channel (
                        id TEXT PRIMARY KEY NOT NULL,
                        file TEXT NOT NULL,
                        status TEXT NOT NULL,
                        diagnostics TEXT NOT NULL DEFAULT '[]',
                        manifest TEXT,
                        lastSeq INTEGER NOT NULL DEFAULT 0,
                        lastChange REAL,
                        lastCheck REAL,
                        updatedAt REAL NOT NULL
                    );
                    CREATE TABLE itemLog (
                        channel TEXT NOT NULL REFERENCES channel(id),
                        seq INTEGER NOT NULL,
                        event TEXT NOT NULL,
                        itemID TEXT NOT NULL,
                        revision INTEGER NOT NULL,
                        title TEXT,
                        abstract TEXT,
                        href TEXT NOT NULL,
                        local INTEGER NOT NULL,
                        lastmod TEXT,
                        section TEXT NOT NULL,
                        precache INTEGER NOT NULL,
                        contentType TEXT,
                        contentHash TEXT,
                        contentSize INTEGER,
                        content BLOB,
                        loggedAt REAL NOT NULL,
                        PRIMARY KEY (channel, seq)
                    ) WITHOUT ROWID;
                    CREATE INDEX itemLogByItem ON itemLog(channel, itemID, seq);
                    CREATE TABLE itemState (
                        channel TEXT NOT NULL REFERENCES channel(id),
                        itemID TEXT NOT NULL,
                        revision INTEGER NOT NULL,
                        lastmod TEXT,
                        contentHash TEXT,
                        etag TEXT,
                        lastModified TEXT,
                        PRIMARY KEY (channel, itemID)
                    ) WITHOUT ROWID;
                    CREATE TABLE subscriber (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        tokenHash TEXT NOT NULL,
                        createdAt REAL NOT NULL
                    );
                    CREATE TABLE subscription (
                        subscriber TEXT NOT NULL REFERENCES subscriber(id) ON DELETE CASCADE,
                        channel TEXT NOT NULL,
                        cursor INTEGER NOT NULL DEFAULT 0,
                        createdAt REAL NOT NULL,
                        PRIMARY KEY (subscriber, channel)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v2: who holds a channel's scheduled check") { db in
            try db.execute(sql: "ALTER TABLE channel ADD COLUMN checkLeaseUntil REAL")
            try db.execute(sql: "ALTER TABLE channel ADD COLUMN checkLeaseHolder TEXT")
        }
        migrator.registerMigration("v3: the last good manifest kept as its file's bytes, beside the channel") { db in
            // The JSON of v1 is not kept: every manifest is read again from its file at start,
            // and stored anew when it loads.
            try db.execute(
                sql: """
                    CREATE TABLE manifest (
                        channel TEXT PRIMARY KEY NOT NULL REFERENCES channel(id) ON DELETE CASCADE,
                        source BLOB NOT NULL,
                        leftOut TEXT NOT NULL DEFAULT '[]'
                    ) WITHOUT ROWID;
                    ALTER TABLE channel DROP COLUMN manifest;
                    """)
        }
        return migrator
    }
}
