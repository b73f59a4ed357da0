import CDF
import Foundation
import class PostgresNIO.PostgresClient
import struct PostgresNIO.PostgresQuery
import Pushcast
import Testing

/// The store's contract (`Store`): every test runs on SQLite and on PostgreSQL. The
/// PostgreSQL cases need `PUSHCAST_TEST_POSTGRES` (set by Tests/support/with-postgres.sh,
/// which `make test` runs; without it they are left out, and `theContractRunsOnPostgreSQL`
/// is skipped saying so); each gets a fresh database of its own, so tests run side by side.
@Suite("The store")
struct StoreTests {
    /// Which implementation a case runs on.
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }

        /// The stores this run can check: PostgreSQL when a database is given.
        static var available: [Kind] { postgresURL == nil ? [.sqlite] : allCases }
        static var postgresURL: String? { ProcessInfo.processInfo.environment["PUSHCAST_TEST_POSTGRES"] }
    }

    @Test(
        .enabled(
            if: Kind.postgresURL != nil,
            "PUSHCAST_TEST_POSTGRES is unset, so the contract runs on SQLite only: `make test` runs it on PostgreSQL too."))
    func theContractRunsOnPostgreSQL() async throws {
        try await withStore(.postgres) { store in #expect(await store.isReachable()) }
    }

    func makeSQLiteStore() throws -> (SQLiteStore, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        return (try SQLiteStore(path: folder.appendingPathComponent("nested/db.sqlite").path), folder)
    }

    /// Runs `body` with one store of `kind`, on a fresh database.
    func withStore(_ kind: Kind, _ body: (any Store) async throws -> Void) async throws {
        try await withStores(kind, count: 1) { stores in try await body(stores[0]) }
    }

    /// Runs `body` with `count` stores of `kind` on one fresh database, as `count` nodes would
    /// open it (each its own connections; the PostgreSQL ones migrate it at once).
    func withStores(_ kind: Kind, count: Int, _ body: ([any Store]) async throws -> Void) async throws {
        switch kind {
        case .sqlite:
            let (first, folder) = try makeSQLiteStore()
            defer { try? FileManager.default.removeItem(at: folder) }
            try await body([first] + (1..<count).map { _ in try SQLiteStore(path: first.path) })
        case .postgres:
            let url = try #require(Kind.postgresURL, "PUSHCAST_TEST_POSTGRES names the database to test on.")
            var address = try PostgresAddress(url: url)
            address.database = try await Self.createDatabase(at: address)
            let stores = (0..<count).map { _ in PostgresStore(address: address) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for store in stores { group.addTask { await store.run() } }
                defer { group.cancelAll() }
                try await withThrowingTaskGroup(of: Void.self) { migrations in
                    for store in stores { migrations.addTask { try await store.migrate() } }
                    try await migrations.waitForAll()
                }
                try await body(stores)
            }
        }
    }

    /// Creates an empty database beside `address`'s, named for this case; the throwaway
    /// cluster goes with all of them.
    static func createDatabase(at address: PostgresAddress) async throws -> String {
        let name = "store_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let client = PostgresClient(
            configuration: .init(
                host: address.host, port: address.port, username: address.user, password: address.password,
                database: address.database, tls: .disable))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        return name
    }

    func observation(_ id: String, lastmod: String) -> ItemObservation {
        ItemObservation(item: Item(id: id, href: id, local: true, title: id, lastmod: Timestamp(lastmod: lastmod)))
    }

    @Test func aPostgresURLItCannotUseIsRefusedInWords() throws {
        let address = try PostgresAddress(url: "postgresql://ann:p%40ss@db.example:6543/feeds")
        #expect(address.host == "db.example" && address.port == 6543 && address.database == "feeds")
        #expect(address.user == "ann" && address.password == "p@ss")
        #expect(try PostgresAddress(url: "postgres://db.example/pushcast").port == 5432)
        for url in ["postgres:///pushcast", "mysql://db.example/pushcast", "postgres://db.example/", "postgres:/db.example/x"] {
            #expect(throws: PostgresAddress.Invalid.self) { try PostgresAddress(url: url) }
        }
        // A mistyped URL is taken for PostgreSQL, and refused, never for an SQLite file's path.
        #expect(PostgresAddress.isPostgresURL("postgres:/db.example/x") && PostgresAddress.isPostgresURL("postgresql:x"))
        #expect(!PostgresAddress.isPostgresURL(".pushcast/pushcast.sqlite"))
        let refusal = #expect(throws: PostgresAddress.Invalid.self) { try PostgresAddress(url: "postgres://db.example") }
        #expect(refusal?.description == "postgres://db.example names no database; end it with the database's name, as in postgres://user@db.example/pushcast.")
    }

    /// Nothing listens where it points: it says so at once rather than waiting for a connection.
    @Test func aPostgresStoreWhoseDatabaseIsDownIsUnreachable() async throws {
        let store = PostgresStore(address: try PostgresAddress(url: "postgres://postgres@127.0.0.1:1/pushcast"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await store.run() }
            defer { group.cancelAll() }
            let started = ContinuousClock.now
            #expect(await store.isReachable() == false)
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    @Test func walModeFullSyncAndItsFolderAreCreated() async throws {
        let (store, folder) = try makeSQLiteStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try await store.journalMode() == "wal")
        // FULL: a commit, an item readers may get at once, survives a crash of the machine.
        #expect(try await store.writerSynchronous() == 2)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("nested/db.sqlite").path))
        #expect(await store.isReachable())
    }

    @Test(arguments: Kind.available) func aCheckLogsOldestFirstAndAnItemWaitsForItsFile(_ kind: Kind) async throws {
        try await withStore(kind) { store in
            try await store.saveChannel(id: "news", file: "news.cdf", status: .ok, diagnostics: [], manifest: .titled("News"))
            var waiting = observation("late", lastmod: "2026-01-02")
            waiting.awaitingFile = true
            let undated = ItemObservation(item: Item(id: "undated", href: "undated", local: true, title: "undated"))
            let first = try await store.record(
                [observation("now", lastmod: "2026-01-03"), undated, waiting, observation("old", lastmod: "2026-01-01")],
                channel: "news")
            #expect(first.map(\.itemID) == ["undated", "old", "now"])
            // Its file came: logged once, as new.
            waiting.awaitingFile = false
            waiting.content = ObservedContent(hash: "h", type: "text/html", size: 1, bytes: Data("x".utf8))
            let second = try await store.record([waiting], channel: "news")
            #expect(second.map(\.seq) == [4] && second.map(\.event) == [.new])
            // A known item whose file goes away is not taken for changed.
            waiting.awaitingFile = true
            waiting.content = nil
            #expect(try await store.record([waiting], channel: "news").isEmpty)
        }
    }

    @Test(arguments: Kind.available) func sequencesAreGapFreeAndNeverReused(_ kind: Kind) async throws {
        try await withStore(kind) { store in
            try await store.saveChannel(id: "news", file: "news.cdf", status: .ok, diagnostics: [], manifest: .titled("News"))
            try await store.saveChannel(id: "other", file: "other.cdf", status: .ok, diagnostics: [], manifest: .titled("News"))
            let first = try await store.record(
                [observation("a", lastmod: "2026-01-01"), observation("b", lastmod: "2026-01-01")], channel: "news")
            #expect(first.map(\.seq) == [1, 2] && first.map(\.event) == [.new, .new])
            // Unchanged: nothing. Another channel: its own numbers.
            #expect(try await store.record([observation("a", lastmod: "2026-01-01")], channel: "news").isEmpty)
            #expect(try await store.record([observation("a", lastmod: "2026-01-01")], channel: "other").map(\.seq) == [1])
            let second = try await store.record(
                [observation("a", lastmod: "2026-01-02"), observation("c", lastmod: "2026-01-02")], channel: "news")
            #expect(second.map(\.seq) == [3, 4] && second.map(\.event) == [.updated, .new] && second.map(\.revision) == [2, 1])
            #expect(try await store.entries(channel: "news", after: 1, limit: 10).map(\.seq) == [2, 3, 4])
            #expect(try await store.latestItems(channel: "news", limit: 2).map(\.seq) == [4, 3])
            // Each item once, as its newest entry: a's first entry (1) is behind its update (3).
            #expect(try await store.latestItems(channel: "news", limit: 10).map(\.seq) == [4, 3, 2])

            // Pruning keeps the newest N (here 1) or the recent ones; numbers are never reused,
            // and a pruned item is still known, so it does not come back as new.
            let later = Date().addingTimeInterval(40 * 86_400)
            #expect(try await store.prune(keepItems: 1, keepSeconds: 30 * 86_400, now: later) == 3)
            #expect(try await store.logBounds(["news", "none"]) == ["news": LogBounds(first: 4, last: 4), "none": LogBounds(first: nil, last: 0)])
            #expect(try await store.record([observation("a", lastmod: "2026-01-02")], channel: "news").isEmpty)
            #expect(try await store.record([observation("d", lastmod: "2026-01-01")], channel: "news").map(\.seq) == [5])
            #expect(try await store.channel("news")?.lastSeq == 5)
        }
    }

    /// A check reads the states of the items it observes only; an item that left the manifest
    /// is still known when it comes back, whatever its identity's characters.
    @Test(arguments: Kind.available) func anItemBackInTheManifestIsStillKnown(_ kind: Kind) async throws {
        try await withStore(kind) { store in
            try await store.saveChannel(id: "news", file: "news.cdf", status: .ok, diagnostics: [], manifest: .titled("News"))
            let odd = "a \"quoted\", back\\slashed,\n multi-line ü 😀 id"
            let history = (1...30).map { observation("old-\($0)", lastmod: "2026-01-01") } + [observation(odd, lastmod: "2026-01-01")]
            #expect(try await store.record(history, channel: "news").count == 31)
            // The manifest now lists two items only; the others are history.
            #expect(try await store.record([observation("new", lastmod: "2026-01-02")], channel: "news").map(\.itemID) == ["new"])
            #expect(try await store.itemStates(channel: "news", items: ["old-7", odd, "never"]).keys.sorted() == ["a \"quoted\", back\\slashed,\n multi-line ü 😀 id", "old-7"].sorted())
            // Back, unchanged: nothing; back with a newer LASTMOD: updated, revision 2.
            #expect(try await store.record([observation("old-7", lastmod: "2026-01-01"), observation(odd, lastmod: "2026-01-01")], channel: "news").isEmpty)
            let back = try await store.record([observation("old-7", lastmod: "2026-01-03"), observation(odd, lastmod: "2026-01-01")], channel: "news")
            #expect(back.map(\.itemID) == ["old-7"] && back.map(\.event) == [.updated] && back.map(\.revision) == [2])
            #expect(try await store.itemStates(channel: "news", items: []).isEmpty)
        }
    }

    /// A long manifest's states are found however many lookups they take: checked again
    /// unchanged, it logs nothing (an item whose state was missed would be logged as new).
    @Test(arguments: Kind.available) func aLongManifestCheckedAgainLogsNothing(_ kind: Kind) async throws {
        try await withStore(kind) { store in
            try await store.saveChannel(id: "news", file: "news.cdf", status: .ok, diagnostics: [], manifest: .titled("News"))
            let long = (1...101).map { observation("item-\($0)", lastmod: "2026-01-01") }
            #expect(try await store.record(long, channel: "news").count == 101)
            #expect(try await store.record(long.reversed(), channel: "news").isEmpty)
            let asked = long.map(\.item.id) + ["never", "item-1"]
            #expect(try await store.itemStates(channel: "news", items: asked).count == 101)
        }
    }

    @Test(arguments: Kind.available) func pruningKeepsRecentEntriesWhateverTheirNumber(_ kind: Kind) async throws {
        try await withStore(kind) { store in
            try await store.saveChannel(id: "news", file: "news.cdf", status: .ok, diagnostics: [], manifest: .titled("News"))
            _ = try await store.record((0..<5).map { observation("i\($0)", lastmod: "2026-01-01") }, channel: "news")
            #expect(try await store.prune(keepItems: 1, keepSeconds: 30 * 86_400) == 0)
            #expect(try await store.entries(channel: "news", after: 0, limit: 10).count == 5)
        }
    }

    @Test(arguments: Kind.available) func lastGoodManifestSurvivesARejection(_ kind: Kind) async throws {
        try await withStore(kind) { store in
            try await store.saveChannel(id: "news", file: "news.cdf", status: .ok, diagnostics: [], manifest: .titled("Good"))
            let problem = Diagnostic(.error, .notWellFormed, "broken", file: "news.cdf", line: 3, column: 4)
            try await store.saveChannel(id: "news", file: "news.cdf", status: .error, diagnostics: [problem], manifest: nil)
            let record = try #require(try await store.channel("news"))
            #expect(try record.status == .error && record.decodedDiagnostics() == [problem])
            let stored = try #require(try await store.manifest("news"))
            #expect(stored == .titled("Good"))
            #expect(try await store.manifests() == ["news": .titled("Good")])
            #expect(try stored.channel(displayPath: "channels/news.cdf", limits: ParseLimits())?.title == "Good")
            // A manifest stored again replaces the last; the row goes with a channel forgotten.
            try await store.saveChannel(id: "news", file: "news.cdf", status: .ok, diagnostics: [], manifest: .titled("Better"))
            #expect(try await store.manifest("news") == .titled("Better"))
            #expect(try await store.forgetChannel(id: "news"))
            #expect(try await store.manifests().isEmpty)
            #expect(try await store.manifest("news") == nil)
        }
    }

    @Test(arguments: Kind.available) func aManifestChangeAndWhatItLogsCommitTogether(_ kind: Kind) async throws {
        try await withStore(kind) { store in
            let save = ChannelSave(file: "news.cdf", status: .ok, diagnostics: [], manifest: .titled("News"))
            // A channel the store never saw: saved, then logged, in one transaction.
            let first = try await store.record([observation("a", lastmod: "2026-01-01")], channel: "news", saving: save)
            #expect(first.map(\.seq) == [1])
            #expect(try await store.channel("news")?.status == .ok)
            #expect(try await store.manifest("news") == .titled("News"))
            // Saved again with nothing to log: the manifest moves, the log stays.
            var newer = save
            newer.manifest = .titled("Newer")
            #expect(try await store.record([], channel: "news", saving: newer).isEmpty)
            #expect(try await store.manifest("news") == .titled("Newer"))
            #expect(try await store.channel("news")?.lastSeq == 1)
        }
    }

    @Test(arguments: Kind.available) func cursorsMoveForwardOnlyAllInOneWrite(_ kind: Kind) async throws {
        try await withStore(kind) { store in
            try await store.createSubscriber(id: "s1", name: "one", tokenHash: "h")
            try await store.createSubscriber(id: "s2", name: "two", tokenHash: "h")
            for subscriber in ["s1", "s2"] { _ = try await store.subscribe(subscriber, to: "news", initialItems: 0) }
            let s1 = SubscriptionKey(subscriber: "s1", channel: "news")
            let s2 = SubscriptionKey(subscriber: "s2", channel: "news")
            try await store.advanceCursors([s1: 5, s2: 3, SubscriptionKey(subscriber: "gone", channel: "news"): 9])
            try await store.advanceCursors([s1: 4])
            #expect(try await store.subscriptions(of: "s1").map(\.cursor) == [5])
            #expect(try await store.subscriptions(of: "s2").map(\.cursor) == [3])
        }
    }

    @Test(arguments: Kind.available) func subscriptionsStartBeforeTheNewestItemsAndKeepOnlyTheTokensHash(_ kind: Kind) async throws {
        try await withStore(kind) { store in
            try await store.saveChannel(id: "news", file: "news.cdf", status: .ok, diagnostics: [], manifest: .titled("News"))
            _ = try await store.record((0..<5).map { observation("i\($0)", lastmod: "2026-01-01") }, channel: "news")
            #expect(try await store.forgetChannel(id: "news") == false)
            try await store.createSubscriber(id: "s1", name: "one", tokenHash: "9f86d0")
            #expect(try await store.subscriber("s1")?.tokenHash == "9f86d0")
            let (subscription, created) = try await store.subscribe("s1", to: "news", initialItems: 2)
            #expect(created && subscription.cursor == 3)
            try await store.advanceCursors([SubscriptionKey(subscriber: "s1", channel: "news"): 4])
            let (again, createdAgain) = try await store.subscribe("s1", to: "news", initialItems: 2)
            #expect(!createdAgain && again.cursor == 4)
            #expect(try await store.subscriberCounts() == ["news": 1])
            #expect(try await store.unsubscribe("s1", from: "news"))
            #expect(try await store.unsubscribe("s1", from: "news") == false)
            #expect(try await store.subscriptions(of: "s1").isEmpty)
        }
    }

    /// Two nodes see the same file change at once: it is logged once, and the numbers stay gap-free.
    @Test(arguments: Kind.available) func twoNodesRecordingTheSameChangeLogItOnce(_ kind: Kind) async throws {
        try await withStores(kind, count: 2) { stores in
            try await stores[0].saveChannel(id: "news", file: "news.cdf", status: .ok, diagnostics: [], manifest: .titled("News"))
            for round in 1...20 {
                let seen = [observation("a", lastmod: "2026-01-\(String(format: "%02d", round))")]
                async let first = stores[0].record(seen, channel: "news")
                async let second = stores[1].record(seen, channel: "news")
                let logged = try await first + second
                #expect(logged.map(\.seq) == [Int64(round)], "round \(round)")
            }
            #expect(try await stores[1].entries(channel: "news", after: 0, limit: 100).map(\.seq) == Array(1...20))
            #expect(try await stores[0].itemStates(channel: "news", items: ["a"])["a"]?.revision == 20)
        }
    }

    @Test(arguments: Kind.available) func eachScheduledCheckIsClaimedByOneNode(_ kind: Kind) async throws {
        try await withStores(kind, count: 2) { stores in
            try await stores[0].saveChannel(id: "news", file: "news.cdf", status: .ok, diagnostics: [], manifest: .titled("News"))
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            let nodes = ["node-a", "node-b"]
            for round in 1...10 {
                let at = now.addingTimeInterval(Double(round - 1) * 900)
                async let first = stores[0].claimCheck(channel: "news", holder: nodes[0], until: at.addingTimeInterval(899), now: at)
                async let second = stores[1].claimCheck(channel: "news", holder: nodes[1], until: at.addingTimeInterval(899), now: at)
                let taken = try await [first, second].filter { $0 }.count
                #expect(taken == 1, "round \(round): \(taken) nodes took the check")
            }
            // Held until just before the next due time, then free again.
            let later = now.addingTimeInterval(10 * 900)
            try #require(try await stores[0].claimCheck(channel: "news", holder: nodes[0], until: later.addingTimeInterval(899), now: later))
            #expect(try await !stores[1].claimCheck(channel: "news", holder: nodes[1], until: later, now: later.addingTimeInterval(898)))
            // Its holder takes it again (a retry after a failed check); another node only once it ran out.
            #expect(try await stores[0].claimCheck(channel: "news", holder: nodes[0], until: later.addingTimeInterval(899), now: later.addingTimeInterval(60)))
            #expect(try await stores[1].claimCheck(channel: "news", holder: nodes[1], until: later, now: later.addingTimeInterval(899)))
            #expect(try await !stores[0].claimCheck(channel: "gone", holder: nodes[0], until: later, now: now))
        }
    }
}

extension StoredManifest {
    /// A one-line manifest with the title `title`, as a file would hold it.
    static func titled(_ title: String) -> StoredManifest {
        StoredManifest(source: Array("<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>\(title)</TITLE></CHANNEL>\n".utf8), leftOut: "[]")
    }
}
