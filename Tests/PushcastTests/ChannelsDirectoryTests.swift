import CDF
import Foundation
import Pushcast
import Testing

/// A temporary `channels/` folder with an outside neighbour, removed afterwards.
final class TemporaryChannels {
    let base: URL
    let channels: URL
    let outside: URL

    init() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("pushcast-\(UUID().uuidString)")
        channels = base.appendingPathComponent("channels")
        outside = base.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: channels, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: base)
    }

    @discardableResult
    func write(_ text: String, to relativePath: String, in folder: URL? = nil) throws -> URL {
        let url = (folder ?? channels).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url
    }

    func link(_ relativePath: String, to destination: URL) throws {
        try FileManager.default.createSymbolicLink(
            at: channels.appendingPathComponent(relativePath), withDestinationURL: destination)
    }
}

@Suite("The channels folder")
struct ChannelsDirectoryTests {
    @Test func localContentMayNotLeaveThroughSymbolicLinks() throws {
        let folder = try TemporaryChannels()
        try folder.write("<p>ok</p>", to: "news/ok.html")
        let secret = try folder.write("secret", to: "secret.html", in: folder.outside)
        try folder.link("news/escape.html", to: secret)
        try folder.link("elsewhere", to: folder.outside)
        try folder.link("news/alias.html", to: folder.channels.appendingPathComponent("news/ok.html"))
        try folder.write(
            """
            <?xml version="1.0"?>
            <CHANNEL>
              <LOGO HREF="elsewhere/secret.html" STYLE="ICON"/>
              <ITEM HREF="news/ok.html"/>
              <ITEM HREF="news/escape.html"/>
              <ITEM HREF="elsewhere/secret.html"/>
              <ITEM HREF="news/alias.html"/>
              <ITEM HREF="news/gone.html"/>
              <ITEM HREF="news"/>
            </CHANNEL>
            """, to: "news.cdf")
        let directory = try ChannelsDirectory(path: folder.channels.path)
        let loaded = directory.loadManifest(
            at: folder.channels.appendingPathComponent("news.cdf").path, displayPath: "channels/news.cdf")
        let manifest = loaded.manifest
        #expect(manifest.ok)
        #expect(loaded.leftOut == ["news/escape.html", "elsewhere/secret.html"])
        // What the store keeps gives the same channel back, without reading the folder again.
        let stored = try StoredManifest(source: loaded.source, leftOut: loaded.leftOut)
        #expect(try stored.channel(displayPath: "channels/news.cdf", limits: ParseLimits()) == manifest.channel)
        #expect(manifest.channel?.items.map(\.href) == ["news/ok.html", "news/alias.html", "news/gone.html", "news"])
        let outside = manifest.diagnostics.filter { $0.code == .hrefOutsideChannels }
        #expect(outside.count == 3)  // two items and the logo
        #expect(outside.allSatisfy { $0.severity == .error })
        #expect(outside.filter { $0.message.hasPrefix("ITEM") }.map(\.line) == [5, 6])
        let missing = manifest.diagnostics.filter { $0.code == .missingFile }
        // A file that is not there (yet), or a folder where a file should be: a warning.
        #expect(missing.map(\.line) == [8, 9])
        #expect(missing.allSatisfy { $0.severity == .warning && $0.column == 3 })
    }

    @Test func locate() throws {
        let folder = try TemporaryChannels()
        try folder.write("x", to: "a/b.html")
        let directory = try ChannelsDirectory(path: folder.channels.path)
        guard case .file(let path) = directory.locate("a/b.html") else {
            Issue.record("a/b.html not found")
            return
        }
        #expect(path.hasSuffix("/channels/a/b.html"))
        #expect(directory.locate("a/missing.html") == .missing)
        #expect(directory.locate("a/b.html/c") == .missing)
        #expect(directory.locate("a") == .notAFile)
        #expect(directory.locate("a/") == .notAFile)
        #expect(directory.locate("") == .outside)
        #expect(directory.locate("../outside") == .outside)
        // Through `.`, `..` or a link that stays inside: the real path of the file.
        #expect(directory.locate("a/./b.html") == .file(path))
        #expect(directory.locate("a/../a/b.html") == .file(path))
        try folder.link("c", to: folder.channels.appendingPathComponent("a"))
        #expect(directory.locate("c/b.html") == .file(path))
        try folder.link("a/d.html", to: folder.channels.appendingPathComponent("a/b.html"))
        #expect(directory.locate("a/d.html") == .file(path))
        try folder.link("a/e.html", to: folder.channels.appendingPathComponent("a/missing.html"))
        #expect(directory.locate("a/e.html") == .missing)
        // One pass over many paths looks each plain folder up once, and finds what each path
        // on its own finds: a link, a file taken for a folder, a missing one are never taken
        // for plain folders.
        try folder.link("outside", to: folder.outside)
        try folder.write("secret", to: "s.html", in: folder.outside)
        let paths = [
            "a/b.html", "a/b.html/c", "c/b.html", "outside/s.html", "a/missing.html", "a/d.html", "a", "x/y.html", "a/./b.html",
        ]
        var seen = ChannelsDirectory.SeenFolders()
        for _ in 0..<2 {
            for path in paths { #expect(directory.locate(path, seen: &seen) == directory.locate(path), "\(path)") }
        }
        #expect(directory.locate("outside/s.html") == .outside)
    }

    @Test func unreadableAndOversizeFiles() throws {
        let folder = try TemporaryChannels()
        let directory = try ChannelsDirectory(path: folder.channels.path)
        let missing = directory.loadManifest(at: folder.channels.appendingPathComponent("none.cdf").path, displayPath: "none.cdf")
            .manifest
        #expect(!missing.ok && missing.diagnostics.map(\.code) == [.unreadable])
        #expect(missing.diagnostics.first?.message == "cannot read the file: there is no such file; check its name and folder")
        let aFolder = directory.loadManifest(at: folder.channels.path, displayPath: "folder.cdf").manifest
        #expect(aFolder.diagnostics.map(\.message) == ["cannot read the file: it is a folder, not a file"])
        let big = folder.channels.appendingPathComponent("big.cdf")
        try Data(count: 3 << 20).write(to: big)
        let tooLarge = directory.loadManifest(at: big.path, displayPath: "big.cdf").manifest
        #expect(tooLarge.diagnostics.map(\.code) == [.tooLarge])
        #expect(tooLarge.diagnostics.first?.message.contains("\(3 << 20) bytes") == true)
        #expect(throws: ChannelsDirectoryError.self) { try ChannelsDirectory(path: big.path) }
        #expect(throws: ChannelsDirectoryError.self) { try ChannelsDirectory(path: "/no/such/folder") }
    }
}
