import CDF
import Foundation
import Logging
import Synchronization
import Testing

@testable import Pushcast

/// Keeps what is logged, for tests that a failure is said.
final class LogRecorder: LogHandler, @unchecked Sendable {
    let lines = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        lines.withLock { $0.append("\(event.level) \(event.message) \(fields)") }
    }
}

/// What the catalog remembers across restarts (SPEC §1, DESIGN.md step 2).
@Suite("Catalog")
struct CatalogTests {
    @Test func aStoredManifestThatNoLongerDecodesIsSaidAndReadAgainFromItsFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let channels = folder.appendingPathComponent("channels")
        try FileManager.default.createDirectory(at: channels, withIntermediateDirectories: true)
        try "<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>From the file</TITLE></CHANNEL>"
            .write(to: channels.appendingPathComponent("news.cdf"), atomically: true, encoding: .utf8)
        let store = try SQLiteStore(path: folder.appendingPathComponent("db.sqlite").path)
        try await store.saveChannel(id: "news", file: "news.cdf", status: .ok, diagnostics: [], manifest: Channel(title: "Stored"))
        // Another version of Pushcast stored it differently.
        try await store.write { db in
            try db.execute(sql: "UPDATE channel SET manifest = '{\"title\": 42}', diagnostics = 'not json'")
        }
        let recorder = LogRecorder()
        let catalog = Catalog(
            directory: try ChannelsDirectory(path: channels.path), displayFolder: "channels", store: store,
            limits: ParseLimits(), logger: Logger(label: "test") { _ in recorder })
        _ = try await catalog.start()
        #expect(await catalog.entry("news")?.channel?.title == "From the file")
        let said = recorder.lines.withLock { $0 }.filter { $0.contains("could not be read") && $0.contains("channel=news") }
        #expect(said.count == 2, "\(recorder.lines.withLock { $0 })")
        // The reason in words; the decoder's own text only in the debug line after it.
        #expect(said.allSatisfy { $0.contains("reason=stored data is not in the form this version of Pushcast reads") })
        #expect(said.allSatisfy { !$0.contains("DecodingError") && !$0.contains("typeMismatch") })
        // And the store holds the manifest as this version writes it.
        #expect(try await store.channel("news")?.decodedManifest()?.title == "From the file")
    }

    @Test func aChangedFileReachesTheChannelsThatUseItAsWrittenOrThroughALink() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let channels = folder.appendingPathComponent("channels")
        try FileManager.default.createDirectory(at: channels.appendingPathComponent("news"), withIntermediateDirectories: true)
        try "<p>a</p>".write(to: channels.appendingPathComponent("news/a.html"), atomically: true, encoding: .utf8)
        try "<p>b</p>".write(to: channels.appendingPathComponent("news/b.html"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            at: channels.appendingPathComponent("alias"), withDestinationURL: channels.appendingPathComponent("news"))
        for (name, href) in [("direct", "news/a.html"), ("linked", "alias/a.html"), ("other", "news/b.html")] {
            try "<?xml version=\"1.0\"?>\n<CHANNEL><ITEM HREF=\"\(href)\"/></CHANNEL>"
                .write(to: channels.appendingPathComponent("\(name).cdf"), atomically: true, encoding: .utf8)
        }
        let store = try SQLiteStore(path: folder.appendingPathComponent("db.sqlite").path)
        let catalog = Catalog(
            directory: try ChannelsDirectory(path: channels.path), displayFolder: "channels", store: store,
            limits: ParseLimits(), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        _ = try await catalog.start()
        #expect(await catalog.channels(using: ["news/a.html"]) == ["direct", "linked"])
        #expect(await catalog.channels(using: ["alias/a.html"]) == ["direct", "linked"])
        #expect(await catalog.channels(using: ["news/b.html", "news/none.html"]) == ["other"])
        #expect(await catalog.channels(using: ["news/none.html"]) == [])
    }
}
