import CDF
import Foundation
import Testing

@testable import Pushcast

/// Rendered entries kept for replays, within a byte limit, and the log read back through
/// them (`RenderedLog`): rendered once, shared.
@Suite("Recent entries and the rendered log")
struct RecentEntriesTests {
    static let renderer = PartRenderer(publicURL: "")

    @Test func aRunIsGivenOnlyWhenEveryEntryIsKeptAndTheOldestGoFirst() {
        let entries = (1...10).map { Self.renderer.render(HubTests.entry("a", Int64($0))) }
        let recent = RecentEntries(byteLimit: entries[4...].reduce(0) { $0 + $1.byteCount })
        recent.insert(entries)
        // Four went: the oldest.
        #expect(recent.entry(of: "a", seq: 4) == nil && recent.entry(of: "a", seq: 5) === entries[4])
        #expect(recent.run(of: "a", after: 4, through: 10)?.map(\.seq) == Array(5...10))
        #expect(recent.run(of: "a", after: 3, through: 10) == nil)
        #expect(recent.run(of: "b", after: 0, through: 1) == nil)
        #expect(recent.run(of: "a", after: 10, through: 10)?.isEmpty == true)
        #expect(recent.bytes <= recent.byteLimit)
    }

    @Test func aPageIsReadAndRenderedOnceForEveryReplay() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("db.sqlite").path)
        try await store.saveChannel(id: "a", file: "a.cdf", status: .ok, diagnostics: [], manifest: nil)
        let observations = (1...450).map { ItemObservation(item: Item(id: "i\($0)", href: "http://example.com/\($0)", local: false)) }
        _ = try await store.record(observations, channel: "a")
        let hub = Hub(configuration: HubConfiguration())
        let log = RenderedLog(store: store, hub: hub)
        // Many streams ask for the same page at once, then again: the same buffers each time.
        let pages = try await withThrowingTaskGroup(of: [RenderedEntry].self) { group in
            for _ in 0..<50 { group.addTask { try await log.page(of: "a", after: 10, through: 450) } }
            return try await group.reduce(into: [[RenderedEntry]]()) { $0.append($1) }
        }
        #expect(pages.allSatisfy { $0.map(\.seq) == Array(11...210) })
        #expect(pages.allSatisfy { $0[0] === pages[0][0] })
        let again = try await log.page(of: "a", after: 10, through: 450)
        #expect(again[199] === pages[0][199])
        // The last page stops at `through`.
        #expect(try await log.page(of: "a", after: 410, through: 440).map(\.seq) == Array(411...440))
    }
}
