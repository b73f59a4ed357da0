import Foundation
import Testing

/// The browser side over real sockets (SPEC §3 table, §3.2): the index, the live page,
/// the channel page, the badge, a subscriber's page. Real browsers are driven by
/// `Tests/Browser` (`make test-browser`); these check the bytes they are given.
@Suite("pushcast serve: pages, live page and badge")
struct PageEndToEndTests {
    /// A server with channel `heads`, whose items are local files with the given titles.
    static func headlinesServer(_ titles: [String], arguments: [String] = []) async throws -> ServerProcess {
        let server = try await ServerProcess(folder: try ServerProcess.makeFolder(), arguments: arguments)
        try await setHeadlines(server, titles)
        return server
    }

    /// Rewrites `heads.cdf` with one local item per title and waits until all are logged.
    static func setHeadlines(_ server: ServerProcess, _ titles: [String], abstract: String = "Today's news") async throws {
        var items = ""
        for (index, title) in titles.enumerated() {
            try server.write("<p>\(index)</p>", to: "heads/\(index).html")
            items += "<ITEM HREF=\"heads/\(index).html\"><TITLE>\(escape(title))</TITLE></ITEM>\n"
        }
        try server.write(
            "<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>Heads</TITLE><ABSTRACT>\(escape(abstract))</ABSTRACT>\n\(items)</CHANNEL>",
            to: "heads.cdf")
        try await server.waitUntil("\(titles.count) items logged") {
            Set(try await server.items("heads").compactMap { $0["id"] as? String }).count == titles.count
        }
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }

    @Test func livePagePartsAreWholePagesSentOnChangeAndAfterSilence() async throws {
        let server = try await Self.headlinesServer(["First light"], arguments: ["--live-heartbeat", "1"])
        let stream = try await StreamClient(server.baseURL + "/channels/heads/live")
        #expect(stream.status == 200)
        let contentType = try #require(stream.headers["content-type"])
        #expect(contentType.hasPrefix("multipart/x-mixed-replace; boundary=pushcast-") && contentType.hasSuffix("; charset=utf-8"))
        #expect(stream.headers["content-security-policy"]?.contains("default-src 'none'") == true)
        #expect(stream.headers["cache-control"] == "no-store")
        try await stream.waitUntil("the first page") { $0.received.count >= 1 }
        let first = try #require(stream.received.first)
        #expect(first.headers["content-type"] == "text/html; charset=utf-8")
        #expect(first.text.hasPrefix("<!doctype html>") && first.text.contains("<meta charset=\"utf-8\">"))
        #expect(first.text.contains("<title>Heads</title>") && first.text.contains("First light"))
        // The part's delimiter came with it: the reader saw the part, so the next delimiter is in.
        let boundary = try #require(MultipartReader.boundary(of: contentType))
        #expect(stream.text.hasSuffix("\r\n--\(boundary)\r\n"))

        // Silence: the same page again after --live-heartbeat.
        try await stream.waitUntil("a heartbeat page", seconds: 5) { $0.received.count >= 2 }
        #expect(stream.received[1].body == first.body)

        // A change: a page with the new item on top.
        try await Self.setHeadlines(server, ["First light", "Second wind"])
        try await stream.waitUntil("a page with the new item") { $0.received.last?.text.contains("Second wind") == true }
        let page = try #require(stream.received.last).text
        let second = try #require(page.range(of: "Second wind")).lowerBound
        #expect(second < (try #require(page.range(of: "First light")).lowerBound), "newest first")

        // A manifest change without a new item (a new abstract) shows too.
        try await Self.setHeadlines(server, ["First light", "Second wind"], abstract: "Evening edition")
        try await stream.waitUntil("the new abstract") { $0.received.last?.text.contains("Evening edition") == true }
    }

    @Test func resumingPageHoldsEverythingAfterItsSequence() async throws {
        let titles = (1...30).map { "Story \($0)" }
        let server = try await Self.headlinesServer(titles)
        let now = try await StreamClient(server.baseURL + "/channels/heads/live")
        try await now.waitUntil("the page") { $0.received.count >= 1 }
        #expect(now.received[0].text.components(separatedBy: "class=\"item\"").count - 1 == 20)
        let resumed = try await StreamClient(server.baseURL + "/channels/heads/live?since=2")
        try await resumed.waitUntil("the resumed page") { $0.received.count >= 1 }
        #expect(resumed.received[0].text.components(separatedBy: "class=\"item\"").count - 1 == 28)
        #expect(try await server.request("/channels/heads/live?since=x").status == 400)
    }

    @Test func badgePartsComeWithTheNextHeaderBlock() async throws {
        let server = try await Self.headlinesServer(["Gale warning"])
        let badge = try await StreamClient(server.baseURL + "/channels/heads/badge")
        #expect(badge.headers["access-control-allow-origin"] == "*")
        #expect(badge.headers["cross-origin-resource-policy"] == "cross-origin")
        let boundary = try #require(MultipartReader.boundary(of: badge.headers["content-type"] ?? ""))
        try await badge.waitUntil("the first image") { $0.received.count >= 1 }
        let image = try #require(badge.received.first)
        #expect(image.headers["content-type"] == "image/svg+xml")
        #expect(image.text.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"468\" height=\"60\""))
        #expect(image.text.contains("Gale warning") && image.text.contains("HEADS"))
        // Already followed by the delimiter and the next part's header block.
        #expect(badge.text.hasSuffix("</svg>\r\n--\(boundary)\r\nContent-Type: image/svg+xml\r\n\r\n"))
        try await Self.setHeadlines(server, ["Gale warning", "All clear"])
        try await badge.waitUntil("the new headline") { $0.received.last?.text.contains("All clear") == true }
        #expect(try await server.request("/channels/nope/badge").status == 404)
    }

    @Test func browsersGetTheChannelPageScriptsGetJSON() async throws {
        let server = try await Self.headlinesServer(["One"])
        let page = try await server.request("/channels/heads", headers: ["Accept": "text/html,application/xhtml+xml,*/*;q=0.8"])
        #expect(page.status == 200 && page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.headers["vary"] == "Accept")
        let policy = try #require(page.headers["content-security-policy"])
        #expect(policy.contains("script-src 'self'") && policy.contains("connect-src 'self'") && !policy.contains("unsafe-inline"))
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(html.contains("<script src=\"/assets/live.js\" defer></script>"))
        #expect(html.contains("data-stream=\"/channels/heads/live\"") && html.contains("One"))
        let json = try await server.request("/channels/heads")
        #expect(json.headers["content-type"] == "application/json; charset=utf-8" && json.headers["vary"] == "Accept")
        #expect(try await server.request("/channels/nope", headers: ["Accept": "text/html"]).status == 404)

        let script = try await server.request("/assets/live.js")
        #expect(script.status == 200 && script.headers["content-type"] == "text/javascript; charset=utf-8")
        let etag = try #require(script.headers["etag"])
        #expect(try await server.request("/assets/live.js", headers: ["If-None-Match": etag]).status == 304)
        #expect(try await server.request("/assets/pushcast.css").headers["content-type"] == "text/css; charset=utf-8")
        #expect(try await server.request("/assets/../Package.swift").status == 404)
        #expect(try await server.request("/assets/nope.js").status == 404)
    }

    /// Defect 6: what a browser asks for and is not there is a page with the same status;
    /// everyone else gets the same JSON error as ever. Routes and the stream path alike.
    @Test func browsersGetErrorPagesEveryoneElseJSON() async throws {
        let server = try await Self.headlinesServer(["One"])
        let browser = ["Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"]
        let missing = [
            ("/channels/nope", "unknown-channel"), ("/channels/nope/live", "unknown-channel"), ("/channels/nope/badge", "unknown-channel"),
            ("/nope", "not-found"), ("/channels/heads/items/99", "unknown-item"),
        ]
        for (path, code) in missing {
            let page = try await server.request(path, headers: browser)
            #expect(page.status == 404 && page.headers["content-type"] == "text/html; charset=utf-8", "\(path)")
            let html = String(decoding: page.body, as: UTF8.self)
            #expect(html.hasPrefix("<!doctype html>") && html.contains("data-code=\"\(code)\"") && html.contains("<a href=\"/\">Every channel</a>"), "\(path)")
            #expect(page.headers["content-security-policy"] == "default-src 'none'; style-src 'self'; img-src 'self' http: https:; base-uri 'none'; form-action 'none'")
            for accept in [[:], ["Accept": "*/*"], ["Accept": "application/json"]] {
                let json = try await server.request(path, headers: accept)
                #expect(json.status == 404 && json.headers["content-type"] == "application/json; charset=utf-8", "\(path) \(accept)")
                #expect((try json.json()["error"] as? [String: Any])?["code"] as? String == code, "\(path)")
            }
        }
        let post = try await server.request("/", method: "POST", headers: browser)
        #expect(post.status == 405 && post.headers["allow"] == "GET, HEAD" && post.headers["content-type"] == "text/html; charset=utf-8")
        #expect(String(decoding: post.body, as: UTF8.self).contains("POST is not allowed here; use GET, HEAD."))
    }

    /// Defect 9: the publisher's LASTMOD is the item's date, beside when it was logged; the
    /// channel page, its live parts and the index write times the same way.
    @Test func pagesShowTheLastmodAndOneDateFormat() async throws {
        let server = try await ServerProcess(folder: try ServerProcess.makeFolder())
        try server.write("<p>a</p>", to: "dated/a.html")
        try server.write("<p>b</p>", to: "dated/b.html")
        try server.write(
            "<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>Dated</TITLE>\n<ITEM HREF=\"dated/a.html\" LASTMOD=\"2024-03-05T06:07\"><TITLE>With a date</TITLE></ITEM>\n"
                + "<ITEM HREF=\"dated/b.html\"><TITLE>Without one</TITLE></ITEM>\n</CHANNEL>", to: "dated.cdf")
        try await server.waitUntil("2 items logged") { try await server.items("dated").count == 2 }
        let page = String(decoding: try await server.request("/channels/dated", headers: ["Accept": "text/html"]).body, as: UTF8.self)
        #expect(page.contains("<time class=\"lastmod\" datetime=\"2024-03-05T06:07:00.000Z\">05 Mar 2024 06:07 UTC</time> · logged <time class=\"logged\""))
        #expect(page.contains("Without one</a></h2><p class=\"meta\">Logged <time class=\"logged\""))
        let utc = try Regex(#">\d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d UTC</time>"#)
        let live = try await StreamClient(server.baseURL + "/channels/dated/live")
        try await live.waitUntil("the page") { $0.received.count >= 1 }
        let index = String(decoding: try await server.request("/").body, as: UTF8.self)
        for html in [page, live.received[0].text, index] {
            let times = html.components(separatedBy: "<time").count - 1
            #expect(times > 0 && html.matches(of: utc).count == times, "every time in the one format")
        }
    }

    /// Feed autodiscovery on the index and the channel page.
    @Test func pagesLinkTheirFeedsForAutodiscovery() async throws {
        let server = try await Self.headlinesServer(["One"])
        let index = String(decoding: try await server.request("/").body, as: UTF8.self)
        #expect(index.contains("<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Heads (RSS)\" href=\"/channels/heads/rss\">"))
        #expect(index.contains("<link rel=\"alternate\" type=\"text/x-opml\" title=\"Every channel (OPML)\" href=\"/opml\">"))
        let page = String(decoding: try await server.request("/channels/heads", headers: ["Accept": "text/html"]).body, as: UTF8.self)
        #expect(page.contains("<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Heads (RSS)\" href=\"/channels/heads/rss\">"))
        let feed = try await server.request("/channels/heads/rss")
        #expect(feed.status == 200 && feed.headers["content-type"] == "application/rss+xml; charset=utf-8")
    }

    @Test func indexListsChannelsWithTheirStatusAndErrors() async throws {
        let server = try await Self.headlinesServer(["<script>window.pwned=1</script>"])
        try server.write("<?xml version=\"1.0\"?>\n<!DOCTYPE c [<!ENTITY a \"b\">]><CHANNEL/>", to: "broken.cdf")
        try await server.waitUntil("broken listed") { try await server.channel("broken")?["status"] as? String == "error" }
        let index = try await server.request("/")
        #expect(index.status == 200 && index.headers["content-type"] == "text/html; charset=utf-8")
        #expect(index.headers["content-security-policy"]?.contains("script-src") == false)
        let html = String(decoding: index.body, as: UTF8.self)
        #expect(html.contains("<a href=\"/channels/heads\">Heads</a>"))
        #expect(html.contains("<a href=\"/channels/heads\">Live page</a>") && html.contains("<a href=\"/channels/heads/rss\">"))
        #expect(html.contains("<span class=\"raw-push\"><a href=\"/channels/heads/live\">Raw push (Firefox)</a></span>"))
        #expect(html.contains("<a href=\"/channels/heads.cdf\">"))
        #expect(html.contains("data-channel=\"broken\" data-status=\"error\""))
        #expect(html.contains("[entity-declared]"))
        let live = try await StreamClient(server.baseURL + "/channels/heads/live")
        try await live.waitUntil("the page") { $0.received.count >= 1 }
        #expect(!live.received[0].text.contains("<script>window") && live.received[0].text.contains("&lt;script&gt;window.pwned=1"))
    }

    @Test func subscribersPageNeedsTheTokenAndShowsTheirChannels() async throws {
        let server = try await Self.headlinesServer(["Morning"])
        let created = try await server.request("/subscribers", method: "POST", body: #"{"name": "Ann <3"}"#).json()
        let id = try #require(created["id"] as? String)
        let token = try #require(created["token"] as? String)
        #expect(try await server.request("/subscribers/\(id)/live").status == 401)
        #expect(try await server.request("/subscribers/\(id)/live?token=nope").status == 401)
        let put = try await server.request(
            "/subscribers/\(id)/subscriptions/heads", method: "PUT", headers: ["Authorization": "Bearer \(token)"])
        #expect(put.status == 201)
        let page = try await server.request("/subscribers/\(id)/live?token=\(token)", headers: ["Accept": "text/html"])
        #expect(page.status == 200 && page.headers["referrer-policy"] == "no-referrer")
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(html.contains("Ann &lt;3&apos;s channels") && html.contains("data-channel=\"heads\"") && html.contains("Morning"))
        #expect(!html.contains(token), "the token is not written into the page")

        let stream = try await StreamClient(
            server.baseURL + "/subscribers/\(id)/live?token=\(token)", headers: ["Accept": "multipart/x-mixed-replace"])
        #expect(stream.headers["content-type"]?.hasPrefix("multipart/x-mixed-replace") == true)
        try await stream.waitUntil("the page") { $0.received.count >= 1 }
        try await Self.setHeadlines(server, ["Morning", "Noon"])
        try await stream.waitUntil("the new item") { $0.received.last?.text.contains("Noon") == true }
        // Showing the page moves no cursor: the reader's stream still has both items pending.
        let subscriptions = try await server.request(
            "/subscribers/\(id)/subscriptions", headers: ["Authorization": "Bearer \(token)"]).json()
        #expect((subscriptions["subscriptions"] as? [[String: Any]])?.first?["cursor"] as? Int == 0)
    }
}
