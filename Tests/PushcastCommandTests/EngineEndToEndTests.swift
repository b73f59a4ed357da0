import Foundation
import Testing

/// The engine behind `pushcast serve`, end to end: the real binary on port 0, a temporary
/// channels folder and database, files changed on disk, the JSON API read back (SPEC §2, §4).
@Suite("pushcast serve: change detection and the log")
struct EngineEndToEndTests {
    static func manifest(_ items: [(href: String, lastmod: String)], title: String = "News", extra: String = "") -> String {
        let body = items.map { "  <ITEM HREF=\"\($0.href)\" LASTMOD=\"\($0.lastmod)\"><TITLE>\($0.href)</TITLE></ITEM>" }
        return "<?xml version=\"1.0\"?>\n<CHANNEL>\n  <TITLE>\(title)</TITLE>\n\(extra)\(body.joined(separator: "\n"))\n</CHANNEL>\n"
    }

    func seqs(_ server: ServerProcess, _ id: String) async throws -> [Int] {
        try await server.items(id).compactMap { $0["seq"] as? Int }
    }

    @Test func aNewManifestIsLoggedAndEditsGetTheNextSeq() async throws {
        let server = try await ServerProcess(folder: try ServerProcess.makeFolder())
        try server.write("<p>one</p>", to: "news/a.html")
        try server.write("<p>two</p>", to: "news/b.html")
        try server.write(Self.manifest([("news/a.html", "2026-11-24T10:00"), ("news/b.html", "2026-11-24T10:00")]), to: "news.cdf")
        try await server.waitUntil("both items logged") { try await self.seqs(server, "news") == [1, 2] }
        let items = try await server.items("news")
        #expect(items.map { $0["event"] as? String } == ["new", "new"])
        #expect(items.map { $0["id"] as? String } == ["news/a.html", "news/b.html"])
        #expect((items.first?["href"] as? String)?.hasSuffix("/channels/news/items/1/content") == true)
        let listed = try #require(try await server.channel("news"))
        #expect(listed["status"] as? String == "ok" && listed["lastSeq"] as? Int == 2 && listed["itemCount"] as? Int == 2)

        // A content file edited: an update with the next seq, its new content kept.
        try server.write("<p>one, edited</p>", to: "news/a.html")
        try await server.waitUntil("the edit logged") { try await self.seqs(server, "news") == [1, 2, 3] }
        let edited = try await server.items("news").last
        #expect(edited?["event"] as? String == "updated" && edited?["id"] as? String == "news/a.html")
        #expect(edited?["revision"] as? Int == 2)
        let content = try await server.request("/channels/news/items/3/content")
        #expect(String(decoding: content.body, as: UTF8.self) == "<p>one, edited</p>")
        #expect(content.headers["content-type"]?.hasPrefix("text/html") == true)
        // The older entry still serves the content it was logged with.
        #expect(String(decoding: try await server.request("/channels/news/items/1/content").body, as: UTF8.self) == "<p>one</p>")

        // A LASTMOD that grows: an update. An item added: new, with the next seq.
        try server.write("<p>three</p>", to: "news/c.html")
        try server.write(
            Self.manifest([("news/a.html", "2026-11-24T10:00"), ("news/b.html", "2026-11-24T11:30"), ("news/c.html", "2026-11-24T11:30")]),
            to: "news.cdf")
        try await server.waitUntil("the LASTMOD and the new item logged") { try await self.seqs(server, "news") == [1, 2, 3, 4, 5] }
        let latest = try await server.items("news").suffix(2)
        #expect(latest.map { $0["event"] as? String } == ["updated", "new"])
        #expect(latest.map { $0["id"] as? String } == ["news/b.html", "news/c.html"])

        // Touching a file without changing it logs nothing.
        let before = try #require(try await server.channel("news")?["lastCheck"] as? String)
        server.touch("news/a.html")
        try await server.waitUntil("the touch checked") { try await server.channel("news")?["lastCheck"] as? String != before }
        #expect(try await self.seqs(server, "news") == [1, 2, 3, 4, 5])

        // Written in place (open, write, close) rather than renamed: one update, once closed.
        let handle = try FileHandle(forWritingTo: server.channels.appendingPathComponent("news/c.html"))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data("<p>three, ".utf8))
        try handle.write(contentsOf: Data("rewritten</p>".utf8))
        try handle.close()
        try await server.waitUntil("the in-place write logged") { try await self.seqs(server, "news") == [1, 2, 3, 4, 5, 6] }
        #expect(String(decoding: try await server.request("/channels/news/items/6/content").body, as: UTF8.self)
            == "<p>three, rewritten</p>")

        // A folder created after start, with content in it, and an item pointing there.
        try server.write("<p>deep</p>", to: "news/2026/11/deep.html")
        try server.write(
            Self.manifest([
                ("news/a.html", "2026-11-24T10:00"), ("news/b.html", "2026-11-24T11:30"), ("news/c.html", "2026-11-24T11:30"),
                ("news/2026/11/deep.html", "2026-11-24T12:00"),
            ]), to: "news.cdf")
        try await server.waitUntil("the new folder's item logged") { try await self.seqs(server, "news").count == 7 }
        try server.write("<p>deeper</p>", to: "news/2026/11/deep.html")
        try await server.waitUntil("an edit in the new folder logged") { try await self.seqs(server, "news").count == 8 }
    }

    @Test func aBrokenManifestKeepsTheLastGoodVersionAndDeletionRetires() async throws {
        let server = try await ServerProcess(folder: try ServerProcess.makeFolder())
        try server.write("<p>x</p>", to: "x.html")
        try server.write(Self.manifest([("x.html", "2026-11-24T10:00")], title: "Good"), to: "good.cdf")
        try server.write(Self.manifest([("x.html", "2026-11-24T10:00")], title: "Other"), to: "other.cdf")
        try await server.waitUntil("both channels logged") {
            let good = try await self.seqs(server, "good")
            let other = try await self.seqs(server, "other")
            return good == [1] && other == [1]
        }
        try server.write("<?xml version=\"1.0\"?>\n<!DOCTYPE CHANNEL [<!ENTITY e \"boom\">]>\n<CHANNEL><TITLE>&e;</TITLE></CHANNEL>", to: "good.cdf")
        try await server.waitUntil("the rejection shown") { try await server.channel("good")?["status"] as? String == "error" }
        let broken = try #require(try await server.channel("good"))
        #expect(broken["title"] as? String == "Good")  // the last good version stays live
        #expect(broken["itemCount"] as? Int == 1)
        let codes = (broken["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(codes == ["entity-declared"])
        let diagnostic = (broken["diagnostics"] as? [[String: Any]])?.first
        #expect(diagnostic?["line"] as? Int == 2 && (diagnostic?["file"] as? String)?.hasSuffix("good.cdf") == true)
        // Its content still counts, and the other channel never noticed.
        try server.write("<p>x2</p>", to: "x.html")
        try await server.waitUntil("both still checked") {
            let good = try await self.seqs(server, "good")
            let other = try await self.seqs(server, "other")
            return good == [1, 2] && other == [1, 2]
        }
        #expect(try await server.request("/healthz").status == 200)

        // Fixed: back to ok with the new title.
        try server.write(Self.manifest([("x.html", "2026-11-24T10:00")], title: "Good again"), to: "good.cdf")
        try await server.waitUntil("the fix loaded") { try await server.channel("good")?["status"] as? String == "ok" }
        #expect(try await server.channel("good")?["title"] as? String == "Good again")

        // Deleted: retired, the log still readable.
        try server.remove("good.cdf")
        try await server.waitUntil("retired") { try await server.channel("good")?["status"] as? String == "retired" }
        #expect(try await self.seqs(server, "good") == [1, 2])
        #expect(try await server.request("/channels/good/items/1").status == 200)
        #expect(try await server.request("/channels/good.cdf").status == 404)
    }

    @Test func restartsNeitherRepeatNorSkip() async throws {
        let folder = try ServerProcess.makeFolder()
        let first = try await ServerProcess(folder: folder)
        try first.write("<p>a</p>", to: "a.html")
        try first.write(Self.manifest([("a.html", "2026-11-24T10:00")]), to: "news.cdf")
        try await first.waitUntil("logged") { try await self.seqs(first, "news") == [1] }
        let graceful = await first.terminate()
        #expect(graceful < 5, "SIGTERM took \(graceful) s")
        #expect(first.exitStatus == 0)

        // While it is down, a file changes: the restart picks it up, once.
        try first.write("<p>a, changed while down</p>", to: "a.html")
        let second = try await ServerProcess(folder: folder)
        try await second.waitUntil("the change made while down logged") { try await self.seqs(second, "news") == [1, 2] }
        let checked = try #require(try await second.channel("news")?["lastCheck"] as? String)

        // kill -9, restart: nothing new, nothing lost; the next change gets the next seq.
        await second.kill9()
        let third = try await ServerProcess(folder: folder)
        try await third.waitUntil("checked after the restart") {
            try await third.channel("news")?["lastCheck"] as? String != checked
        }
        #expect(try await self.seqs(third, "news") == [1, 2])
        try third.write("<p>a, third</p>", to: "a.html")
        try await third.waitUntil("the next change") { try await self.seqs(third, "news") == [1, 2, 3] }
        #expect(third.log.components(separatedBy: "item logged").count - 1 == 1)
    }

    @Test func remoteContentUsesConditionalGET() async throws {
        let origin = try await OriginServer()
        let server = try await ServerProcess(folder: try ServerProcess.makeFolder())
        try server.write(
            "<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>Remote</TITLE><ITEM HREF=\"\(origin.baseURL)/page\"><TITLE>Page</TITLE></ITEM></CHANNEL>",
            to: "remote.cdf")
        try await server.waitUntil("the remote item logged") { try await self.seqs(server, "remote") == [1] }
        let first = try await server.request("/channels/remote/items/1/content")
        #expect(String(decoding: first.body, as: UTF8.self) == "first version")

        // Unchanged at the origin: a 304, and nothing logged. (A touch that lands while a
        // check is still finishing is checked again after it, so a round may make two.)
        for round in 1...2 {
            let before = try #require(try await server.channel("remote")?["lastCheck"] as? String)
            server.touch("remote.cdf")
            try await server.waitUntil("check \(round) done") { try await server.channel("remote")?["lastCheck"] as? String != before }
            let (requests, notModified) = origin.state.withLock { ($0.requests, $0.notModified) }
            #expect(notModified >= round && requests - notModified == 1, "\(requests) requests, \(notModified) of them 304")
        }
        #expect(try await self.seqs(server, "remote") == [1])

        // Changed at the origin: a new ETag and body make an update.
        origin.update(body: "second version", etag: "\"v2\"")
        server.touch("remote.cdf")
        try await server.waitUntil("the remote change logged") { try await self.seqs(server, "remote") == [1, 2] }
        let update = try await server.items("remote").last
        #expect(update?["event"] as? String == "updated")
        #expect(String(decoding: try await server.request("/channels/remote/items/2/content").body, as: UTF8.self) == "second version")
    }

    @Test func aFailingOriginDoesNotDelayOtherChannels() async throws {
        let origin = try await OriginServer()
        let server = try await ServerProcess(folder: try ServerProcess.makeFolder(), arguments: ["--fetch-timeout", "60"])
        try server.write(
            "<?xml version=\"1.0\"?>\n<CHANNEL><ITEM HREF=\"\(origin.baseURL)/hang\"/><ITEM HREF=\"\(origin.baseURL)/hang?2\"/></CHANNEL>",
            to: "stuck.cdf")
        try await server.waitUntil("both fetches stuck at the origin") { origin.state.withLock { $0.hanging } == 2 }
        try server.write("<p>local</p>", to: "l.html")
        try server.write(Self.manifest([("l.html", "2026-11-24T10:00")]), to: "local.cdf")
        // The stuck channel's fetches hang for a minute; the local channel is logged at once,
        // and so is its next change.
        try await server.waitUntil("the local channel logged", seconds: 5) { try await self.seqs(server, "local") == [1] }
        try server.write("<p>local, again</p>", to: "l.html")
        try await server.waitUntil("the local change logged", seconds: 5) { try await self.seqs(server, "local") == [1, 2] }
        #expect(try await self.seqs(server, "stuck") == [])
    }

    @Test func theAPIAnswersBadRequestsWithJSONErrors() async throws {
        let server = try await ServerProcess(folder: try ServerProcess.makeFolder())
        try server.write("<p>a</p>", to: "a.html")
        try server.write(Self.manifest([("a.html", "2026-11-24T10:00")]), to: "news.cdf")
        try await server.waitUntil("logged") { try await self.seqs(server, "news") == [1] }
        let cases: [(String, String, Int, String)] = [
            ("GET", "/channels/nope", 404, "unknown-channel"),
            ("GET", "/channels/news/items?since=abc", 400, "bad-since"),
            ("GET", "/channels/news/items?since=-1", 400, "bad-since"),
            ("GET", "/channels/news/items?limit=0", 400, "bad-limit"),
            ("GET", "/channels/news/items?since=99999999999999999999999", 400, "bad-since"),
            ("GET", "/channels/news/items/abc", 400, "bad-seq"),
            ("GET", "/channels/news/items/0", 400, "bad-seq"),
            ("GET", "/channels/news/items/7", 404, "unknown-item"),
            ("GET", "/channels/news/files/news.cdf", 404, "unknown-file"),
            ("GET", "/channels/news/files/..%2F..%2Fetc%2Fpasswd", 404, "unknown-file"),
            ("GET", "/nowhere", 404, "not-found"),
            ("DELETE", "/channels", 405, "method-not-allowed"),
            ("POST", "/channels/news/items", 405, "method-not-allowed"),
        ]
        for (method, path, status, code) in cases {
            let reply = try await server.request(path, method: method)
            #expect(reply.status == status, "\(method) \(path)")
            let error = try reply.json()["error"] as? [String: Any]
            #expect(error?["code"] as? String == code, "\(method) \(path): \(String(decoding: reply.body, as: UTF8.self))")
        }
        #expect(try await server.request("/channels", method: "PUT").headers["allow"] == "GET, HEAD")

        let page = try await server.json("/channels/news")
        #expect((page["channel"] as? [String: Any])?["id"] as? String == "news")
        #expect(page["lastSeq"] as? Int == 1 && (page["items"] as? [Any])?.count == 1)
        #expect(try await server.request("/channels/news/items/1").json()["seq"] as? Int == 1)
        #expect(String(decoding: try await server.request("/healthz").body, as: UTF8.self) == "ok\n")

        // The manifest as published, with validators that work.
        let manifest = try await server.request("/channels/news.cdf")
        #expect(manifest.status == 200 && manifest.headers["content-type"] == "application/x-cdf; charset=utf-8")
        #expect(String(decoding: manifest.body, as: UTF8.self).contains("<TITLE>News</TITLE>"))
        let etag = try #require(manifest.headers["etag"])
        let modified = try #require(manifest.headers["last-modified"])
        #expect(try await server.request("/channels/news.cdf", headers: ["If-None-Match": etag]).status == 304)
        #expect(try await server.request("/channels/news.cdf", headers: ["If-Modified-Since": modified]).status == 304)
        #expect(try await server.request("/channels/news.cdf", headers: ["If-None-Match": "\"other\""]).status == 200)
        #expect(try await server.request("/channels/news/files/a.html").status == 200)
    }
}
