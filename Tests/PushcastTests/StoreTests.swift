import CDF
import Foundation
import Pushcast
import Testing

/// The store's contract (`Store`), on SQLite.
@Suite("The store")
struct StoreTests {
    func makeSQLiteStore() throws -> (SQLiteStore, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        return (try SQLiteStore(path: folder.appendingPathComponent("nested/db.sqlite").path), folder)
    }

    func makeStore() throws -> (any Store, URL) {
        try makeSQLiteStore()
    }

    func observation(_ id: String, lastmod: String) -> ItemObservation {
        ItemObservation(item: Item(id: id, href: id, local: true, title: id, lastmod: Timestamp(lastmod: lastmod)))
    }

    @Test func walModeAndItsFolderAreCreated() async throws {
        let (store, folder) = try makeSQLiteStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try await store.journalMode() == "wal")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("nested/db.sqlite").path))
        #expect(await store.isReachable())
    }

    @Test func aCheckLogsOldestFirstAndAnItemWaitsForItsFile() async throws {
        let (store, folder) = try makeStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await store.saveChannel(id: "news", file: "news.cdf", status: .ok, diagnostics: [], manifest: Channel())
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

    @Test func sequencesAreGapFreeAndNeverReused() async throws {
        let (store, folder) = try makeStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await store.saveChannel(id: "news", file: "news.cdf", status: .ok, diagnostics: [], manifest: Channel())
        try await store.saveChannel(id: "other", file: "other.cdf", status: .ok, diagnostics: [], manifest: Channel())
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

    @Test func pruningKeepsRecentEntriesWhateverTheirNumber() async throws {
        let (store, folder) = try makeStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await store.saveChannel(id: "news", file: "news.cdf", status: .ok, diagnostics: [], manifest: Channel())
        _ = try await store.record((0..<5).map { observation("i\($0)", lastmod: "2026-01-01") }, channel: "news")
        #expect(try await store.prune(keepItems: 1, keepSeconds: 30 * 86_400) == 0)
        #expect(try await store.entries(channel: "news", after: 0, limit: 10).count == 5)
    }

    @Test func lastGoodManifestSurvivesARejection() async throws {
        let (store, folder) = try makeStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await store.saveChannel(id: "news", file: "news.cdf", status: .ok, diagnostics: [], manifest: Channel(title: "Good"))
        let problem = Diagnostic(.error, .notWellFormed, "broken", file: "news.cdf", line: 3, column: 4)
        try await store.saveChannel(id: "news", file: "news.cdf", status: .error, diagnostics: [problem], manifest: nil)
        let record = try #require(try await store.channel("news"))
        #expect(try record.status == .error && record.decodedDiagnostics() == [problem])
        #expect(try record.decodedManifest()?.title == "Good")
    }

    @Test func cursorsMoveForwardOnlyAllInOneWrite() async throws {
        let (store, folder) = try makeStore()
        defer { try? FileManager.default.removeItem(at: folder) }
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
