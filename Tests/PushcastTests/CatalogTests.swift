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
        for name in ["news", "old"] {
            try "<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>From the file</TITLE></CHANNEL>"
                .write(to: channels.appendingPathComponent("\(name).cdf"), atomically: true, encoding: .utf8)
        }
        let store = try SQLiteStore(path: folder.appendingPathComponent("db.sqlite").path)
        for name in ["news", "old"] {
            try await store.saveChannel(id: name, file: "\(name).cdf", status: .ok, diagnostics: [], manifest: .titled("Stored"))
        }
        // Another version of Pushcast stored them differently, or read manifests differently.
        try await store.write { db in
            try db.execute(sql: "UPDATE manifest SET leftOut = '{\"title\": 42}' WHERE channel = 'news'")
            try db.execute(sql: "UPDATE manifest SET source = X'3C3F786D6C' WHERE channel = 'old'")
            try db.execute(sql: "UPDATE channel SET diagnostics = 'not json' WHERE id = 'news'")
        }
        let recorder = LogRecorder()
        let catalog = Catalog(
            directory: try ChannelsDirectory(path: channels.path), displayFolder: "channels", store: store,
            limits: ParseLimits(), logger: Logger(label: "test") { _ in recorder })
        try await Self.checked(catalog.start(), by: catalog, in: store)
        #expect(await catalog.entry("news")?.channel?.title == "From the file")
        #expect(await catalog.entry("old")?.channel?.title == "From the file")
        let lines = recorder.lines.withLock { $0 }
        let said = lines.filter { $0.contains("could not be read") && $0.contains("channel=news") }
        #expect(said.count == 2, "\(lines)")
        // The reason in words; the decoder's own text only in the debug line after it.
        #expect(said.allSatisfy { $0.contains("reason=stored data is not in the form this version of Pushcast reads") })
        #expect(said.allSatisfy { !$0.contains("DecodingError") && !$0.contains("typeMismatch") })
        #expect(lines.filter { $0.contains("does not load in this version of Pushcast") && $0.contains("channel=old") }.count == 1)
        // And the store holds the manifests as this version writes them, once checked.
        for name in ["news", "old"] {
            let stored = try #require(try await store.manifest(name))
            #expect(try stored.channel(displayPath: "channels/\(name).cdf", limits: ParseLimits())?.title == "From the file")
        }
    }

    @Test func theLastGoodManifestComesBackAfterARestartWithoutTheItemsLeftOut() async throws {
        let folder = try TemporaryChannels()
        try folder.write("<p>ok</p>", to: "news/ok.html")
        let secret = try folder.write("secret", to: "secret.html", in: folder.outside)
        try folder.link("news/escape.html", to: secret)
        try folder.write(
            """
            <?xml version="1.0"?>
            <CHANNEL><TITLE>Good</TITLE><ITEM HREF="news/ok.html"/><ITEM HREF="news/escape.html"/></CHANNEL>
            """, to: "news.cdf")
        let store = try SQLiteStore(path: folder.outside.appendingPathComponent("db.sqlite").path)
        func started() async throws -> Catalog {
            let catalog = Catalog(
                directory: try ChannelsDirectory(path: folder.channels.path), displayFolder: "channels", store: store,
                limits: ParseLimits(), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            try await Self.checked(catalog.start(), by: catalog, in: store)
            return catalog
        }
        let first = try await started()
        let good = try #require(await first.entry("news")?.channel)
        #expect(good.items.map(\.href) == ["news/ok.html"])
        // Broken while no server runs: the next start serves the last good version, as it was.
        try folder.write("<?xml version=\"1.0\"?>\n<!DOCTYPE CHANNEL [<!ENTITY e \"boom\">]>\n<CHANNEL><TITLE>&e;</TITLE></CHANNEL>", to: "news.cdf")
        let second = try await started()
        #expect(await second.entry("news")?.status == .error)
        #expect(await second.entry("news")?.channel == good)
    }

    @Test func aLoadReachesTheStoreWithItsCheckOrWithTheRejectionBeforeIt() async throws {
        let folder = try TemporaryChannels()
        try folder.write("<p>a</p>", to: "a.html")
        let good = "<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>Good</TITLE><ITEM HREF=\"a.html\"/></CHANNEL>"
        try folder.write(good, to: "news.cdf")
        let store = try SQLiteStore(path: folder.outside.appendingPathComponent("db.sqlite").path)
        let catalog = Catalog(
            directory: try ChannelsDirectory(path: folder.channels.path), displayFolder: "channels", store: store,
            limits: ParseLimits(), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        #expect(try await catalog.start() == ["news"])
        // Loaded, not yet written: the check writes it, in the transaction that logs its items.
        let save = try #require(await catalog.forCheck("news")?.unsaved)
        #expect(try await store.channel("news") == nil)
        let logged = try await store.record(
            [ItemObservation(item: Item(id: "a.html", href: "a.html", local: true, title: "a"))], channel: "news", saving: save)
        await catalog.saved(save, id: "news")
        #expect(logged.map(\.seq) == [1])
        #expect(try await store.channel("news")?.status == .ok)
        #expect(try await store.manifest("news") == save.manifest)
        #expect(await catalog.forCheck("news")?.unsaved == nil)
        // A load whose check has not come yet, then a rejection: the rejection is written at
        // once, with that load's manifest as the last good one.
        try folder.write(good.replacingOccurrences(of: "Good", with: "Better"), to: "news.cdf")
        #expect(try await catalog.reload(file: "news.cdf") == ["news"])
        let better = try #require(await catalog.forCheck("news")?.unsaved)
        try folder.write("<?xml version=\"1.0\"?>\n<!DOCTYPE CHANNEL [<!ENTITY e \"x\">]>\n<CHANNEL/>", to: "news.cdf")
        #expect(try await catalog.reload(file: "news.cdf") == [])
        #expect(try await store.channel("news")?.status == .error)
        #expect(try await store.manifest("news") == better.manifest)
        #expect(await catalog.forCheck("news")?.unsaved == nil)
        // A check that wrote an older load leaves a newer one to be written.
        try folder.write(good, to: "news.cdf")
        _ = try await catalog.reload(file: "news.cdf")
        await catalog.saved(better, id: "news")
        #expect(await catalog.forCheck("news")?.unsaved?.status == .ok)
        // Meanwhile the store's older row, read back (a node's own notification, heard late),
        // does not take the channel back: this node's check writes the newer load.
        let stale = try #require(try await store.channel("news"))
        #expect(await catalog.adopt(stale, manifest: try await store.manifest("news"), id: "news") == .unchanged)
        let entry = await catalog.entry("news")
        #expect(entry?.status == .ok && entry?.channel?.title == "Good")
    }

    /// What the checks that follow a start do with the loads it made, as `ChannelChecker` does:
    /// each load is written with its check's (here empty) log append.
    static func checked(_ ids: Set<String>, by catalog: Catalog, in store: any Store) async throws {
        for id in ids {
            guard let save = await catalog.forCheck(id)?.unsaved else { continue }
            _ = try await store.record([], channel: id, saving: save)
            await catalog.saved(save, id: id)
        }
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
