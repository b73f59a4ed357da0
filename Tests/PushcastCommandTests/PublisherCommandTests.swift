import Foundation
import Testing

/// `pushcast new` and `pushcast item add`, run as the real executable against real files,
/// and a real `pushcast serve` pushing what they write (docs/PUBLISHING.md).
@Suite("pushcast new and item add")
struct PublisherCommandTests {
    static let hostileTitle = "Q&A: <b>\"Ports\" & 'Ships'</b> in Zürich ☃ ]]> &amp;"

    /// A fresh folder holding an empty `channels/`.
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("publish-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("channels"), withIntermediateDirectories: true)
        return folder
    }

    static func pushcast(_ arguments: [String], in folder: URL) async throws -> ProcessOutcome {
        try await ProcessRunner.run(
            ProcessRunner.pushcast, arguments, in: folder.path,
            environment: ["PUSHCAST_SERVER": "http://127.0.0.1:8080", "PUSHCAST_CHANNELS": "channels"])
    }

    /// `pushcast validate --json` on one manifest: its report, after checking the exit status.
    static func validate(_ manifest: String, in folder: URL, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        let outcome = try await pushcast(["validate", "--json", manifest], in: folder)
        #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)", sourceLocation: sourceLocation)
        return try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
    }

    static func items(_ report: [String: Any]) -> [[String: Any]] {
        (report["channel"] as? [String: Any])?["items"] as? [[String: Any]] ?? []
    }

    /// Every path under `folder`, hidden files included, sorted.
    static func tree(_ folder: URL) -> [String] {
        (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).sorted()
    }

    // MARK: - The guide

    /// The fenced blocks of docs/PUBLISHING.md: language, text, and the prose before it.
    static func guideBlocks() throws -> [(language: String, body: String, prose: String)] {
        let guide = try String(contentsOf: ValidateCommandTests.repository.appendingPathComponent("docs/PUBLISHING.md"), encoding: .utf8)
        var blocks: [(String, String, String)] = []
        var language: String?
        var body: [Substring] = []
        var prose: [Substring] = []
        for line in guide.split(separator: "\n", omittingEmptySubsequences: false) {
            if let open = language {
                if line == "```" {
                    blocks.append((open, body.joined(separator: "\n") + "\n", prose.joined(separator: "\n")))
                    language = nil
                    body = []
                    prose = []
                } else {
                    body.append(line)
                }
            } else if line.hasPrefix("```") {
                language = String(line.dropFirst(3))
            } else {
                prose.append(line)
            }
        }
        return blocks
    }

    @Test func everyExampleInTheGuideIsReal() async throws {
        let blocks = try Self.guideBlocks()
        let walk = try Self.folder()
        defer { try? FileManager.default.removeItem(at: walk) }
        let path = URL(fileURLWithPath: ProcessRunner.pushcast).deletingLastPathComponent().path
        var shells = 0
        for (index, block) in blocks.enumerated() where block.language == "sh" {
            let outcome = try await ProcessRunner.run(
                "/bin/sh", ["-e", "-c", block.body], in: walk.path,
                environment: [
                    "PATH": path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                    "PUSHCAST_SERVER": "http://127.0.0.1:8080", "PUSHCAST_CHANNELS": "channels",
                ])
            #expect(outcome.status == 0, "sh block \(index): \(outcome.standardOutput)\(outcome.standardError)")
            // A text block right after a sh block is what it prints.
            if index + 1 < blocks.count, blocks[index + 1].language == "text" {
                #expect(outcome.standardOutput == blocks[index + 1].body, "sh block \(index) printed:\n\(outcome.standardOutput)")
            }
            shells += 1
        }
        #expect(shells >= 2)
        let walked = try await Self.validate("channels/harbor-news.cdf", in: walk)
        #expect(walked["mode"] as? String == "strict" && (walked["diagnostics"] as? [Any])?.isEmpty == true, "\(walked)")
        #expect(Self.items(walked).map { $0["href"] as? String } == [
            "harbor-news/welcome.html", "harbor-news/ferry.html", "https://tides.example.org/harbor",
        ])
        #expect(Self.items(walked).last?["title"] as? String == "Tide Tables & Harbour Charts")

        // Each xml block is a whole manifest, saved under the last channels/NAME.cdf named before it.
        let manifests = blocks.filter { $0.language == "xml" }
        #expect(manifests.count >= 2)
        for block in manifests {
            let folder = try Self.folder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let named = block.prose.matches(of: /channels\/([a-z0-9._-]+\.cdf)/).last.map { String($0.1) }
            let name = try #require(named, "no channels/NAME.cdf before the block:\n\(block.body)")
            try Data(block.body.utf8).write(to: folder.appendingPathComponent("channels/\(name)"))
            let first = try await Self.validate("channels/\(name)", in: folder)
            // The content files it names, then it must validate without a single diagnostic.
            let channel = first["channel"] as? [String: Any] ?? [:]
            let logos = (channel["logos"] as? [[String: Any]] ?? []) + Self.items(first)
            for local in logos where local["local"] as? Bool == true {
                let file = folder.appendingPathComponent("channels/" + (local["href"] as? String ?? ""))
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data("<p>content</p>".utf8).write(to: file)
            }
            let report = try await Self.validate("channels/\(name)", in: folder)
            #expect(report["mode"] as? String == "strict", "\(name)")
            #expect((report["diagnostics"] as? [Any])?.isEmpty == true, "\(name): \(report["diagnostics"] ?? "")")
            #expect(Self.items(report).count >= 2)
        }
    }

    // MARK: - Pushed once

    @Test func eachAddedItemIsPushedExactlyOnce() async throws {
        let server = try await ServerProcess(folder: try ServerProcess.makeFolder())
        let origin = try await OriginServer()
        let folder = server.folder
        let created = try await Self.pushcast(["new", "news", "--channels", "channels", "--title", "Harbor & <News>"], in: folder)
        #expect(created.status == 0, "\(created.standardError)")
        #expect(created.standardOutput.contains("wrote channels/news.cdf") && created.standardOutput.contains("pushcast item add channels/news.cdf"))
        try await server.waitUntil("the welcome item") { try await server.items("news").count == 1 }
        let stream = try await StreamClient(server.baseURL + "/channels/news/stream")
        try await stream.waitUntil("the snapshot") { $0.received.count == 1 }

        let story = folder.appendingPathComponent("story one.html")
        try Data("<p>Ferries run late.</p>".utf8).write(to: story)
        let byFile = try await Self.pushcast(
            ["item", "add", "channels/news.cdf", "--title", Self.hostileTitle, "--abstract", "Ünïcode & <tags>", "--file", story.path],
            in: folder)
        #expect(byFile.status == 0, "\(byFile.standardError)")
        #expect(FileManager.default.contents(atPath: server.channels.appendingPathComponent("news/story one.html").path) == Data("<p>Ferries run late.</p>".utf8))
        try server.write("<p>Charts.</p>", to: "news/charts.html")
        let byPath = try await Self.pushcast(["item", "add", "channels/news.cdf", "--title", "Charts", "--href", "news/charts.html"], in: folder)
        #expect(byPath.status == 0, "\(byPath.standardError)")
        let byURL = try await Self.pushcast(
            ["item", "add", "channels/news.cdf", "--title", "Tides", "--href", origin.baseURL + "/page", "--id", "tides"], in: folder)
        #expect(byURL.status == 0, "\(byURL.standardError)")

        try await server.waitUntil("three more items") { try await server.items("news").count >= 4 }
        try await stream.waitUntil("three items on the stream") { $0.items.count >= 3 }
        try await Task.sleep(for: .seconds(2))  // room for a duplicate to show up
        let log = try await server.items("news")
        #expect(log.map { $0["event"] as? String } == ["new", "new", "new", "new"], "\(log)")
        #expect(log.map { $0["seq"] as? Int } == [1, 2, 3, 4])
        #expect(log.map { $0["title"] as? String } == ["Welcome to Harbor & <News>", Self.hostileTitle, "Charts", "Tides"])
        #expect(log[1]["abstract"] as? String == "Ünïcode & <tags>")
        #expect(stream.items.map(\.seq) == [2, 3, 4])
        #expect(stream.items.map { StreamEndToEndTests.json($0)["event"] as? String } == ["new", "new", "new"])
        #expect(StreamEndToEndTests.json(stream.items[2])["content"] as? String == "first version")

        let report = try await Self.validate("channels/news.cdf", in: folder)
        #expect(report["mode"] as? String == "strict" && (report["diagnostics"] as? [Any])?.isEmpty == true, "\(report)")
        #expect(Self.items(report).map { $0["id"] as? String } == ["news/welcome.html", "news/story one.html", "news/charts.html", "tides"])
        #expect(Self.tree(server.channels).filter { $0.contains(".tmp") }.isEmpty)
    }

    // MARK: - Refusals

    @Test func itemAddRefusesAndChangesNothing() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try await Self.pushcast(["new", "news"], in: folder).status == 0)
        try Data("<p>old</p>".utf8).write(to: folder.appendingPathComponent("channels/news/old.html"))
        try Data("<p>new</p>".utf8).write(to: folder.appendingPathComponent("new.html"))
        let manifest = folder.appendingPathComponent("channels/news.cdf")
        let before = try Data(contentsOf: manifest)
        let tree = Self.tree(folder)

        func refused(_ arguments: [String], _ message: String, status: Int32 = 1, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let outcome = try await Self.pushcast(["item", "add", "channels/news.cdf", "--title", "T"] + arguments, in: folder)
            #expect(outcome.status == status, "\(arguments): \(outcome.standardOutput)", sourceLocation: sourceLocation)
            #expect(outcome.standardError.contains(message), "\(arguments): \(outcome.standardError)", sourceLocation: sourceLocation)
            #expect(!outcome.standardError.contains("Error(") && !outcome.standardError.contains("errno"), sourceLocation: sourceLocation)
            #expect(try Data(contentsOf: manifest) == before, "\(arguments) changed the manifest", sourceLocation: sourceLocation)
            #expect(Self.tree(folder) == tree, "\(arguments) left files behind", sourceLocation: sourceLocation)
        }
        try await refused(["--file", "missing.html"], "There is no file at missing.html")
        try await refused(["--href", "news/welcome.html"], "already has an item with this identity")
        try await refused(["--href", "news/welcome.html", "--id", "other"], "already points to news/welcome.html")
        try await refused(["--href", "news/old.html", "--id", "news/welcome.html"], "already has an item with this identity")
        try await refused(["--file", "channels/news/old.html"], "already exists and was not overwritten")
        try await refused(["--href", "news/nowhere.html"], "is not a file in the channels folder")
        try await refused(["--href", "javascript:alert(1)"], "left out")
        try await refused(["--href", "../outside.html"], "left out")
        try await refused(["--href", "news/old.html", "--abstract", "bell \u{07}"], "control character")
        try await refused(["--href", "news/old.html", "--lastmod", "yesterday"], "--lastmod takes", status: 2)
        try await refused([], "--href or --file", status: 2)
        // A refused --file copy is taken back.
        try await refused(["--file", "new.html", "--id", "news/welcome.html"], "already has an item with this identity")

        // A manifest that does not parse, or only after legacy repair, is not edited.
        for (name, text) in [
            ("broken", "<html><body>not a channel</body></html>"),
            ("legacy", "<Channel><Title>Old</TITLE><ITEM HREF=\"broken/a.html\"></ITEM></Channel>"),
            ("latin", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<CHANNEL><TITLE>Caf</TITLE></CHANNEL>\n"),
        ] {
            let path = folder.appendingPathComponent("channels/\(name).cdf")
            try Data(text.utf8).write(to: path)
            let outcome = try await Self.pushcast(["item", "add", "channels/\(name).cdf", "--title", "T", "--file", "new.html"], in: folder)
            #expect(outcome.status == 1 && outcome.standardError.contains("Nothing was changed"), "\(name): \(outcome.standardError)")
            #expect(try Data(contentsOf: path) == Data(text.utf8))
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("channels/\(name)/new.html").path))
        }
        #expect(try await Self.pushcast(["item", "add", "channels/none.cdf", "--title", "T", "--href", "x.html"], in: folder).standardError
            .contains("There is no manifest at channels/none.cdf"))
    }

    @Test func newRefusesAndNeverOverwrites() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try await Self.pushcast(["new", "news"], in: folder).status == 0)
        let before = Self.tree(folder)
        let manifest = try Data(contentsOf: folder.appendingPathComponent("channels/news.cdf"))
        for (arguments, message) in [
            (["new", "news"], "channels/news.cdf already exists"),
            (["new", "My News!"], "for example 'my-news'"),
            (["new", "sport.cdf"], "for example 'sport'"),
            (["new", "Ünï News"], "for example 'uni-news'"),
            (["new", "sport", "--channels", "nowhere"], "There is no folder nowhere"),
            (["new", "sport", "--title", "a\u{1B}[31m"], "control character"),
        ] {
            let outcome = try await Self.pushcast(arguments, in: folder)
            #expect(outcome.status == 1 && outcome.standardError.contains(message), "\(arguments): \(outcome.standardError)")
            #expect(Self.tree(folder) == before, "\(arguments) wrote something")
        }
        try FileManager.default.moveItem(
            at: folder.appendingPathComponent("channels/news.cdf"), to: folder.appendingPathComponent("channels/News.xml"))
        #expect(try await Self.pushcast(["new", "news"], in: folder).standardError.contains("channels/News.xml already exists"))
        #expect(try Data(contentsOf: folder.appendingPathComponent("channels/News.xml")) == manifest)
    }

    /// The rest of the manifest is kept byte for byte, and the new ITEM is indented like its
    /// neighbours, at the end of the top-level channel.
    @Test func theRestOfTheManifestIsKeptByteForByte() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let samples = ValidateCommandTests.repository.appendingPathComponent("channels")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("channels"))
        try FileManager.default.copyItem(at: samples, to: folder.appendingPathComponent("channels"))
        let path = folder.appendingPathComponent("channels/worldnews.cdf")
        let original = try String(contentsOf: path, encoding: .utf8)
        let outcome = try await Self.pushcast(
            ["item", "add", "channels/worldnews.cdf", "--title", "Late", "--href", "worldnews/index.html", "--id", "late",
             "--lastmod", "2026-11-24T10:00"], in: folder)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let edited = try String(contentsOf: path, encoding: .utf8)
        let added = "\t<ITEM ID=\"late\" HREF=\"worldnews/index.html\" LASTMOD=\"2026-11-24T10:00\">\n\t\t<TITLE>Late</TITLE>\n\t</ITEM>\n"
        #expect(edited == original.replacingOccurrences(of: "\t</CHANNEL>\n</CHANNEL>", with: "\t</CHANNEL>\n" + added + "</CHANNEL>"))
        let report = try await Self.validate("channels/worldnews.cdf", in: folder)
        #expect(Self.items(report).last?["id"] as? String == "late" && (Self.items(report).last?["section"] as? [Any])?.isEmpty == true)
    }

    /// Runs that overlap take turns on the manifest: none loses another's item. (The
    /// manifest is long, so each run reads and checks it long enough for runs to overlap.)
    @Test func concurrentAddsLoseNothing() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let filler = (0..<3000).map { "\t<ITEM HREF=\"https://example.org/old/\($0)\"><TITLE>Old \($0)</TITLE></ITEM>\n" }
        try Data(("<CHANNEL>\n" + filler.joined() + "</CHANNEL>\n").utf8).write(to: folder.appendingPathComponent("channels/news.cdf"))
        let statuses = try await withThrowingTaskGroup(of: Int32.self) { group in
            for index in 0..<8 {
                group.addTask {
                    try await Self.pushcast(["item", "add", "channels/news.cdf", "--title", "N\(index)", "--href", "https://example.org/\(index)"], in: folder).status
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 0, count: 8))
        let titles = Self.items(try await Self.validate("channels/news.cdf", in: folder)).compactMap { $0["title"] as? String }
        #expect(titles.count == 3008 && Set(titles.suffix(8)) == Set((0..<8).map { "N\($0)" }), "\(titles.suffix(9))")
    }
}
