import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Pull and push versus pull over real sockets (SPEC §3 table, §5 `compare`): the RSS feed
/// and its conditional GET, OPML, `/stats`, `/metrics`, and `pushcast compare`.
@Suite("pushcast serve: RSS, OPML, stats and compare")
struct FeedEndToEndTests {
    static let hostile = "Fish & chips <b>bold</b> ]]> \u{1}\u{8}bell \"quoted\""

    @Test func rssFeedIsValidEscapedAndConditional() async throws {
        let server = try await PageEndToEndTests.headlinesServer(["First", Self.hostile])
        let feed = try await server.request("/channels/heads/rss")
        #expect(feed.status == 200 && feed.headers["content-type"] == "application/rss+xml; charset=utf-8")
        let etag = try #require(feed.headers["etag"])
        let modified = try #require(feed.headers["last-modified"])
        #expect(etag.hasPrefix("\"") && !etag.hasPrefix("W/"))
        let xml = String(decoding: feed.body, as: UTF8.self)
        // Well-formed, whatever the titles held: a real XML parser reads it to the end.
        let document = try XMLDocument(data: feed.body)
        let items = try document.nodes(forXPath: "/rss/channel/item")
        #expect(items.count == 2)
        let log = try await server.items("heads")
        // The title as logged (the parser replaced the control characters), escaped by the writer.
        let title = try #require(log.last?["title"] as? String)
        #expect(title.hasPrefix("Fish & chips <b>bold</b> ]]> "))
        #expect(try document.nodes(forXPath: "/rss/channel/item[1]/title").first?.stringValue == title)
        #expect(xml.contains("Fish &amp; chips &lt;b&gt;bold&lt;/b&gt; ]]&gt; "))
        #expect(!xml.contains("\u{1}") && !xml.contains("\u{8}"))
        let guids = try document.nodes(forXPath: "/rss/channel/item/guid").compactMap(\.stringValue)
        #expect(guids == log.reversed().map { "\($0["id"] as? String ?? "")#\($0["seq"] as? Int ?? 0)" })
        #expect(xml.contains("<guid isPermaLink=\"false\">"))

        // 304 on either conditional header; HEAD answers the headers alone.
        #expect(try await server.request("/channels/heads/rss", headers: ["If-None-Match": etag]).status == 304)
        #expect(try await server.request("/channels/heads/rss", headers: ["If-Modified-Since": modified]).status == 304)
        let head = try await server.request("/channels/heads/rss", method: "HEAD")
        #expect(head.status == 200 && head.body.isEmpty && head.headers["etag"] == etag)

        // A change: a new ETag and a 200 for the old one.
        try await PageEndToEndTests.setHeadlines(server, ["First", Self.hostile, "Third"])
        let changed = try await server.request("/channels/heads/rss", headers: ["If-None-Match": etag])
        #expect(changed.status == 200 && changed.headers["etag"] != etag)
        #expect(String(decoding: changed.body, as: UTF8.self).contains("<title>Third</title>"))
        #expect(try await server.request("/channels/nope/rss").status == 404)
    }

    @Test func anItemEditedTwiceIsOneFeedItemAtItsNewestRevision() async throws {
        let server = try await PageEndToEndTests.headlinesServer(["First", "Second"])
        for text in ["<p>again</p>", "<p>and again</p>"] {
            let before = try await server.items("heads").count
            try server.write(text, to: "heads/0.html")
            try await server.waitUntil("the edit logged") { try await server.items("heads").count == before + 1 }
        }
        let document = try XMLDocument(data: try await server.request("/channels/heads/rss").body)
        let guids = try document.nodes(forXPath: "/rss/channel/item/guid").compactMap(\.stringValue)
        #expect(guids == ["heads/0.html#4", "heads/1.html#2"])
    }

    @Test func opmlListsEveryFeed() async throws {
        let server = try await PageEndToEndTests.headlinesServer(["One"])
        try server.write("<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>Second &amp; last</TITLE></CHANNEL>", to: "second.cdf")
        try await server.waitUntil("second loaded") { try await server.channel("second")?["status"] as? String == "ok" }
        let opml = try await server.request("/opml")
        #expect(opml.status == 200 && opml.headers["content-type"] == "text/x-opml; charset=utf-8")
        let document = try XMLDocument(data: opml.body)
        let outlines = try document.nodes(forXPath: "/opml/body/outline").compactMap { $0 as? XMLElement }
        #expect(outlines.map { $0.attribute(forName: "xmlUrl")?.stringValue } == [
            server.baseURL + "/channels/heads/rss", server.baseURL + "/channels/second/rss",
        ])
        #expect(outlines.map { $0.attribute(forName: "type")?.stringValue } == ["rss", "rss"])
        #expect(outlines.last?.attribute(forName: "title")?.stringValue == "Second & last")
    }

    @Test func statsAndMetricsCountWhatIsServed() async throws {
        let server = try await PageEndToEndTests.headlinesServer(["One"])
        let stream = try await StreamClient(server.baseURL + "/channels/heads/stream?since=1")
        let before = try await Self.transport("rss", server)
        let feed = try await server.request("/channels/heads/rss")
        _ = try await server.request("/channels/heads/rss", headers: ["If-None-Match": feed.headers["etag"] ?? ""])
        try await PageEndToEndTests.setHeadlines(server, ["One", "Two"])
        try await stream.waitUntil("the new item") { $0.items.count == 1 }
        _ = try await server.request("/channels/heads/rss")

        let rss = try await Self.transport("rss", server)
        #expect(rss["requests"] as? Int == (before["requests"] as? Int ?? 0) + 2)
        #expect(rss["notModified"] as? Int == (before["notModified"] as? Int ?? 0) + 1)
        #expect((rss["bytesSent"] as? Int ?? 0) >= feed.body.count)
        // Both items were logged while the server ran; each counts its delay to the first RSS answer once.
        #expect((rss["firstSeenMs"] as? [String: Any])?["count"] as? Int == 2)
        let push = try await Self.transport("stream", server)
        #expect(push["open"] as? Int == 1 && push["itemsSent"] as? Int == 1 && push["requests"] as? Int == 1)
        let latency = try #require(push["latencyMs"] as? [String: Any])
        #expect(latency["count"] as? Int == 1 && (latency["p50"] as? Double ?? -1) >= 0)

        let metrics = try await server.request("/metrics")
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = String(decoding: metrics.body, as: UTF8.self)
        try Self.expectPrometheusText(text)
        #expect(text.contains("pushcast_open_streams{transport=\"stream\"} 1"))
        #expect(text.contains("pushcast_requests_total{transport=\"rss\",answer=\"not_modified\"} 1"))
        #expect(text.contains("pushcast_checks_total{channel=\"heads\",result=\"ok\"}"))
        #expect(text.contains("pushcast_store_write_seconds_count"))

        let page = try await server.request("/stats.html")
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(page.status == 200 && html.contains("<h1>Push versus pull</h1>") && html.contains("<svg class=\"chart\""))
        #expect(!html.contains("<script"))
    }

    static func transport(_ name: String, _ server: ServerProcess) async throws -> [String: Any] {
        let transports = try await server.json("/stats")["transports"] as? [[String: Any]] ?? []
        return try #require(transports.first { $0["transport"] as? String == name })
    }

    /// Every line a comment (`# HELP`/`# TYPE` with a known type) or `name{labels} value`.
    static func expectPrometheusText(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let sample = try Regex(#"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*")*\})? (NaN|[+-]?Inf|[-+0-9.eE]+)$"#)
        let type = try Regex(#"^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped)$"#)
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# HELP ") { continue }
            let ok = line.hasPrefix("# TYPE ") ? line.wholeMatch(of: type) != nil : line.wholeMatch(of: sample) != nil
            #expect(ok, "not Prometheus text: \(line)", sourceLocation: sourceLocation)
        }
    }

    @Test func compareRunsPushAndPullSideBySide() async throws {
        let server = try await ServerProcess(folder: try ServerProcess.makeFolder(), arguments: [])
        let outcome = try await ProcessRunner.run(
            ProcessRunner.pushcast,
            ["compare", "demo", "--publish-demo", "--channels", server.channels.path, "--duration", "4", "--poll-interval", "0.5",
             "--pollers", "2", "--server", server.baseURL],
            environment: ["NO_COLOR": "1"], timeout: 60)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let lines = outcome.standardOutput.split(separator: "\n").map(String.init)
        let push = try #require(lines.first { $0.hasPrefix("push (stream)") })
        let pull = try #require(lines.first { $0.hasPrefix("pull (RSS, 0.5 s)") })
        #expect(push.contains(" ms") && pull.contains(" ms"), "\(outcome.standardOutput)")
        #expect(outcome.standardOutput.contains("2 RSS pollers every 0.5 s"))
        // The scratch channel is gone again: the server retires it.
        #expect(!FileManager.default.fileExists(atPath: server.channels.appendingPathComponent("demo.cdf").path))
        try await server.waitUntil("demo retired") { try await server.channel("demo")?["status"] as? String == "retired" }
        let usage = try await ProcessRunner.run(ProcessRunner.pushcast, ["compare", "demo", "--pollers", "0"], environment: [:], timeout: 30)
        #expect(usage.status == 2)
    }
}
