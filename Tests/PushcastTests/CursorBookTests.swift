import Foundation
import Logging
import Testing

@testable import Pushcast

/// Subscribers' cursors, written in batches (SPEC §4): one transaction for every
/// confirmation gathered, only ever forward, and a failed write kept and written later.
@Suite("Cursor book")
struct CursorBookTests {
    @Test func confirmationsAreWrittenTogetherForwardOnlyAndKeptWhenAWriteFails() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cursors-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("db.sqlite").path)
        for subscriber in ["s1", "s2"] {
            try await store.createSubscriber(id: subscriber, name: subscriber, tokenHash: "h")
            _ = try await store.subscribe(subscriber, to: "a", initialItems: 0)
        }
        let book = CursorBook(store: store, logger: Logger(label: "test"))
        book.confirm([.init(subscriber: "s1", channel: "a", seq: 3)])
        book.confirm([.init(subscriber: "s1", channel: "a", seq: 2), .init(subscriber: "s2", channel: "a", seq: 7)])  // s1 stays at 3
        #expect(book.pendingCount == 2)
        await book.flush()
        #expect(book.pendingCount == 0)
        #expect(try await store.subscriptions(of: "s1").map(\.cursor) == [3])
        #expect(try await store.subscriptions(of: "s2").map(\.cursor) == [7])

        // The table goes away: the write fails, and the cursors wait for the next batch.
        try await store.write { db in try db.execute(sql: "ALTER TABLE subscription RENAME TO away") }
        book.confirm([.init(subscriber: "s1", channel: "a", seq: 9)])
        await book.flush()
        #expect(book.pendingCount == 1)
        try await store.write { db in try db.execute(sql: "ALTER TABLE away RENAME TO subscription") }
        book.confirm([.init(subscriber: "s2", channel: "a", seq: 8)])
        await book.flush()
        #expect(book.pendingCount == 0)
        #expect(try await store.subscriptions(of: "s1").map(\.cursor) == [9])
        #expect(try await store.subscriptions(of: "s2").map(\.cursor) == [8])
    }

    @Test func runWritesWhatIsConfirmedAndAFailedBatchAgainWithoutBeingAsked() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cursors-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("db.sqlite").path)
        try await store.createSubscriber(id: "s1", name: "s1", tokenHash: "h")
        _ = try await store.subscribe("s1", to: "a", initialItems: 0)
        let book = CursorBook(store: store, logger: Logger(label: "test"), interval: .milliseconds(10))
        let running = Task { await book.run() }
        defer { running.cancel() }
        func cursor(reaches seq: Int64) async throws -> Bool {
            for _ in 0..<200 {
                if try await store.subscriptions(of: "s1").map(\.cursor) == [seq] { return true }
                try await Task.sleep(for: .milliseconds(10))
            }
            return false
        }
        book.confirm([.init(subscriber: "s1", channel: "a", seq: 3)])
        #expect(try await cursor(reaches: 3))
        // Rung again by the next confirmation after a batch.
        book.confirm([.init(subscriber: "s1", channel: "a", seq: 5)])
        #expect(try await cursor(reaches: 5))
        // A batch that fails is written again once the store answers, with no new confirmation.
        try await store.write { db in try db.execute(sql: "ALTER TABLE subscription RENAME TO away") }
        book.confirm([.init(subscriber: "s1", channel: "a", seq: 8)])
        try await Task.sleep(for: .milliseconds(100))
        #expect(book.pendingCount == 1)
        try await store.write { db in try db.execute(sql: "ALTER TABLE away RENAME TO subscription") }
        #expect(try await cursor(reaches: 8))
        #expect(book.pendingCount == 0)
    }
}
