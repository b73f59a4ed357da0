import Foundation
import Testing

@testable import Pushcast

/// What the watcher reports, and when: bursts wait for a quiet time, except that a manifest
/// renamed into place ends its burst at once.
@Suite("The directory watcher")
struct DirectoryWatcherTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("watcher-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The next batch, or nil after `seconds`.
    static func next(_ watcher: DirectoryWatcher, within seconds: Double) async -> DirectoryWatcher.Batch? {
        await withTaskGroup(of: DirectoryWatcher.Batch?.self) { group in
            group.addTask {
                var iterator = watcher.changes.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    @Test func aManifestRenamedIntoPlaceEndsTheBurstAtOnce() async throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        // A quiet time far longer than the test waits: only the rename can end the burst.
        let watcher = try DirectoryWatcher(root: root.path, debounce: 600)
        defer { watcher.stop() }
        try Data("<p>new</p>".utf8).write(to: root.appendingPathComponent("story.html"))
        try Data("<CHANNEL/>".utf8).write(to: root.appendingPathComponent(".news.cdf.tmp"))
        try FileManager.default.moveItem(
            at: root.appendingPathComponent(".news.cdf.tmp"), to: root.appendingPathComponent("news.cdf"))
        let batch = try #require(await Self.next(watcher, within: 10))
        #expect(batch.paths.isSuperset(of: ["story.html", "news.cdf"]))
    }

    @Test func filesWrittenInPlaceWaitForTheQuietTime() async throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let watcher = try DirectoryWatcher(root: root.path, debounce: 0.3)
        defer { watcher.stop() }
        // Two files and a manifest written in place, and a content file renamed: one burst.
        try Data("a".utf8).write(to: root.appendingPathComponent("a.html"))
        try Data("b".utf8).write(to: root.appendingPathComponent("b.html"))
        try Data("<CHANNEL/>".utf8).write(to: root.appendingPathComponent("news.cdf"))
        try Data("c".utf8).write(to: root.appendingPathComponent(".c.tmp"))
        try FileManager.default.moveItem(at: root.appendingPathComponent(".c.tmp"), to: root.appendingPathComponent("c.html"))
        let batch = try #require(await Self.next(watcher, within: 10))
        #expect(batch.paths.isSuperset(of: ["a.html", "b.html", "news.cdf", "c.html"]))
    }
}
