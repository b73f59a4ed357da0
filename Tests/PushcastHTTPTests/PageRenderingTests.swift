import CDF
import Foundation
import HTTPTypes
import NIOCore
import Pushcast
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import PushcastHTTP

/// The pages and the badge escape everything a manifest says (issue 6, SPEC §3.2).
@Suite("Pages and badge: escaping and layout")
struct PageRenderingTests {
    static let hostileTitle = "<script>window.pwned=1</script>Evil & \"quoted\""
    static let hostileAbstract = "\"><img src=x onerror=\"window.pwned=2\">\n--pushcast-boundary\nlast line"

    static func view(status: ChannelStatus = .ok, items: [ChannelView.Item]? = nil) -> ChannelView {
        ChannelView(
            id: "evil", title: hostileTitle, abstract: hostileAbstract, link: "http://example.com/?a=1&b=\"2\"",
            logo: "http://example.com/logo.svg", status: status, lastSeq: 7, lastChange: 1_764_000_000,
            items: items ?? [
                ChannelView.Item(
                    seq: 7, itemID: "<b>id</b>", title: "<img src=x onerror=window.pwned=4>", abstract: hostileAbstract,
                    link: nil, loggedAt: 1_764_000_000, sections: ["<i>World</i>"], updated: true),
                ChannelView.Item(
                    seq: 3, itemID: "plain", title: "Plain", abstract: nil, link: "https://example.com/plain",
                    loggedAt: 1_763_000_000, sections: [], updated: false),
            ])
    }

    /// No markup from the manifest survives: no tag, no attribute, no line that could be a
    /// multipart delimiter.
    static func expectInert(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for raw in ["<script>window", "<img src=x", "onerror=\"window", "<b>id", "<i>World", "\"quoted\""] {
            #expect(!html.contains(raw), "'\(raw)' is in the page", sourceLocation: sourceLocation)
        }
        #expect(html.contains("&lt;script&gt;window.pwned=1&lt;/script&gt;Evil &amp; &quot;quoted&quot;"), sourceLocation: sourceLocation)
        #expect(!html.split(separator: "\n").contains { $0.hasPrefix("--") }, sourceLocation: sourceLocation)
        #expect(!html.contains("\r"), sourceLocation: sourceLocation)
    }

    @Test func livePartIsAWholeInertDocument() {
        let html = ChannelPageHTML.livePart(Self.view())
        Self.expectInert(html)
        #expect(html.hasPrefix("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"))
        #expect(html.contains("http-equiv=\"Content-Security-Policy\""))
        #expect(!html.contains("<script"), "a live part has no script")
        #expect(html.contains("data-item=\"&lt;b&gt;id&lt;/b&gt;\" data-seq=\"7\""))
        #expect(html.contains("<a href=\"https://example.com/plain\" rel=\"noopener noreferrer\">Plain</a>"))
        #expect(html.contains("href=\"http://example.com/?a=1&amp;b=&quot;2&quot;\""))
        #expect(html.contains("<span class=\"updated\">updated</span>"))
        #expect(html.contains("&lt;i&gt;World&lt;/i&gt;"))
    }

    @Test func channelPageLoadsOnlyItsOwnScript() {
        let html = ChannelPageHTML.page(Self.view(), publicURL: "http://127.0.0.1:8080", liveHeartbeat: 60)
        Self.expectInert(html)
        #expect(html.components(separatedBy: "<script").count == 3)
        #expect(html.contains("<script src=\"/assets/live.js\" defer></script>"))
        #expect(html.contains("<script src=\"/assets/notify.js\" defer></script>"))
        #expect(html.contains("<button class=\"notify\" id=\"notify\" type=\"button\" data-state=\"off\" hidden>"))
        #expect(html.contains("data-stream=\"/channels/evil/live\" data-resume=\"since\" data-heartbeat=\"60\""))
        #expect(html.contains("id=\"live-status\""))
        // The embed snippet is shown as text, its title escaped twice (once for the snippet, once for the page).
        #expect(html.contains("&lt;img crossorigin=&quot;anonymous&quot; src=&quot;http://127.0.0.1:8080/channels/evil/badge&quot;"))
        #expect(html.contains("alt=&quot;&amp;lt;script&amp;gt;"))
    }

    @Test func statusNoticesAndEmptyChannels() {
        #expect(ChannelPageHTML.livePart(Self.view(status: .error)).contains("The newest manifest was rejected"))
        #expect(ChannelPageHTML.livePart(Self.view(status: .retired)).contains("This channel is retired"))
        #expect(ChannelPageHTML.livePart(Self.view(items: [])).contains("No items yet."))
        var resumed = Self.view()
        resumed.missed = 12
        #expect(ChannelPageHTML.livePart(resumed).contains("12 earlier changes are not shown here"))
    }

    @Test func badgeIsAnInertSVGOfTheNewestHeadline() throws {
        let svg = BadgeSVG.render(Self.view())
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"468\" height=\"60\""))
        #expect(!svg.contains("<img") && !svg.contains("<script") && !svg.contains("\"quoted\""))
        #expect(svg.contains("&lt;img src=x onerror=window.pwned=4&gt;"))
        #expect(svg.contains("&lt;SCRIPT&gt;WINDOW.PWNED=1&lt;/SCRIPT&gt;EVIL"))
        #expect(BadgeSVG.render(Self.view(items: [])).contains("No headlines yet"))
        #expect(BadgeSVG.render(Self.view(status: .retired)).contains("This channel has ended"))
        // Well-formed XML, whatever the text.
        let document = try XMLDocument(xmlString: svg)
        #expect(document.rootElement()?.name == "svg")
    }

    @Test func badgeTextIsCutToFit() {
        #expect(BadgeSVG.cut("short", to: 10) == "short")
        #expect(BadgeSVG.cut("a  very\nlong   headline indeed", to: 12) == "a very long…")
        #expect(BadgeSVG.cut(String(repeating: "é", count: 50), to: 42).count == 42)
    }

    @Test func indexShowsErrorsAndEscapesThem() {
        let row = IndexPageHTML.Row(
            id: "evil", file: "evil<x>.cdf", title: Self.hostileTitle, abstract: Self.hostileAbstract, logo: nil, status: .error,
            lastChange: nil, lastSeq: 0, subscribers: 1,
            diagnostics: [
                Diagnostic(.error, .notWellFormed, "<b>bad</b> tag", file: "evil.cdf", line: 3, column: 9),
                Diagnostic(.warning, .unknownElement, "odd", file: "evil.cdf", line: 4, column: 1),
            ])
        let html = IndexPageHTML.render([row])
        Self.expectInert(html)
        #expect(!html.contains("<b>bad"))
        #expect(html.contains("<code>3:9</code> &lt;b&gt;bad&lt;/b&gt; tag <code>[not-well-formed]</code>"))
        #expect(html.contains("<summary>1 warning</summary>"))
        #expect(html.contains("error · last good version live"))
        #expect(html.contains("1 subscriber ·") && html.contains("<code>evil&lt;x&gt;.cdf</code>"))
        #expect(html.contains("<a href=\"/channels/evil/rss\">RSS</a>") && html.contains("<a href=\"/channels/evil.cdf\">Manifest</a>"))
        #expect(IndexPageHTML.render([]).contains("No channels yet"))
        // A channel that loaded with warnings (a typo read in legacy mode) says so beside its status.
        var warned = row
        warned.status = .ok
        warned.diagnostics = [Diagnostic(.warning, .legacySyntax, "read in legacy mode", file: "evil.cdf", line: 2, column: 5)]
        #expect(IndexPageHTML.render([warned]).contains(">live · 1 warning</span>"))
    }

    @Test func subscriberPageIsMadeOfChannelSections() {
        let section = ChannelSectionHTML.render(Self.view(), level: 2)
        let html = SubscriberPageHTML.livePart(name: "<Ann>", sections: [section, section])
        Self.expectInert(html)
        #expect(html.contains("<h1>&lt;Ann&gt;'s channels</h1>"))
        #expect(html.components(separatedBy: "<section class=\"channel\"").count == 3)
        #expect(SubscriberPageHTML.page(name: "Ann", sections: [], liveHeartbeat: 5).contains("No subscriptions yet"))
    }

    @Test func onlyWebLinksBecomeLinks() {
        #expect(WebLink.checked("http://example.com/a") == "http://example.com/a")
        #expect(WebLink.checked("HTTPS://example.com/") == "HTTPS://example.com/")
        for bad in ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>", "vbscript:x", "//example.com",
            "http://exa mple.com", "http://example.com/\n", "/channels/x", "ftp://example.com/"]
        {
            #expect(WebLink.checked(bad) == nil, "\(bad)")
        }
        #expect(PageHTML.link("<x>", to: nil) == "&lt;x&gt;")
    }

    @Test func imagePartsCarryTheNextHeaderBlock() {
        let delimiters = StreamDelimiters.multipart(boundary: "b", partHeader: LiveViews.badgeHeader)
        #expect(String(buffer: delimiters.opening) == "--b\r\nContent-Type: image/svg+xml\r\n\r\n")
        #expect(String(buffer: delimiters.delimiter) == "--b\r\nContent-Type: image/svg+xml\r\n\r\n")
        #expect(String(buffer: delimiters.close) == "--b--\r\n")
        #expect(delimiters.contentType == "multipart/x-mixed-replace; boundary=b; charset=utf-8")
        let plain = StreamDelimiters.multipart(boundary: "b")
        #expect(String(buffer: plain.delimiter) == "--b\r\n")
        #expect(String(buffer: LiveViews.part(LiveViews.pageHeader, "<p>x</p>")) == "Content-Type: text/html; charset=utf-8\r\n\r\n<p>x</p>\r\n")
    }

    @Test func shortDates() {
        #expect(PageHTML.shortDate(0) == "01 Jan 1970 00:00 UTC")
        #expect(PageHTML.time(1_764_000_000.25) == "<time datetime=\"2025-11-24T16:00:00.250Z\">24 Nov 2025 16:00 UTC</time>")
    }

    /// Defect 9: an item shows the publisher's LASTMOD where it gave one, beside when it was
    /// logged, in the one format; the badge shows the same date.
    @Test func itemsShowTheirLastmodBesideWhenTheyWereLogged() {
        var dated = Self.view()
        dated.items[0].lastmod = 1_700_000_000
        let html = ChannelPageHTML.livePart(dated)
        #expect(html.contains(
            "<time class=\"lastmod\" datetime=\"2023-11-14T22:13:20.000Z\">14 Nov 2023 22:13 UTC</time> · logged "
                + "<time class=\"logged\" datetime=\"2025-11-24T16:00:00.000Z\">24 Nov 2025 16:00 UTC</time>"))
        #expect(html.contains("Logged <time class=\"logged\" datetime=\"2025-11-13T02:13:20.000Z\">13 Nov 2025 02:13 UTC</time>"))
        #expect(BadgeSVG.render(dated).contains("· 14 Nov 2023 22:13 UTC"))
        #expect(BadgeSVG.render(Self.view()).contains("· 24 Nov 2025 16:00 UTC"))
    }

    /// Feed autodiscovery: the channel's pages point to its RSS; the index to every
    /// channel's and to the OPML.
    @Test func pagesPointFeedReadersToTheFeeds() {
        let feed = "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"&lt;script&gt;window.pwned=1&lt;/script&gt;Evil "
            + "&amp; &quot;quoted&quot; (RSS)\" href=\"/channels/evil/rss\">"
        #expect(ChannelPageHTML.page(Self.view(), publicURL: "http://x", liveHeartbeat: 60).contains(feed))
        #expect(ChannelPageHTML.livePart(Self.view()).contains(feed))
        func row(_ id: String, title: String?, status: ChannelStatus) -> IndexPageHTML.Row {
            IndexPageHTML.Row(
                id: id, file: "\(id).cdf", title: title, abstract: nil, logo: nil, status: status, lastChange: nil, lastSeq: 0,
                subscribers: 0, diagnostics: [])
        }
        let index = IndexPageHTML.render([
            row("news", title: "News", status: .ok), row("broken", title: nil, status: .error), row("gone", title: "Gone", status: .retired),
        ])
        let head = String(index[..<index.range(of: "</head>")!.lowerBound])
        #expect(head.contains("<link rel=\"alternate\" type=\"application/rss+xml\" title=\"News (RSS)\" href=\"/channels/news/rss\">"))
        #expect(head.contains("<link rel=\"alternate\" type=\"text/x-opml\" title=\"Every channel (OPML)\" href=\"/opml\">"))
        #expect(head.components(separatedBy: "rel=\"alternate\"").count == 3, "no feed for a rejected or retired channel")
        // The live link that works everywhere first; the raw push page marked for Firefox.
        #expect(index.contains("<a href=\"/channels/news\">Live page</a> <span class=\"raw-push\"><a href=\"/channels/news/live\">Raw push (Firefox)</a></span>"))
    }

    @Test func browsersPreferHTMLOnlyWhenTheyNameIt() {
        for accept in ["text/html", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "TEXT/HTML;q=0.5, */*;q=0.1",
            "text/*", "application/json, text/html"]
        {
            #expect(HTMLPreference.prefersHTML(accept), "\(accept)")
        }
        for accept in [nil, "", "*/*", "application/json", "application/json, text/html;q=0.5", "text/html;q=0",
            "image/avif,image/webp,*/*", "multipart/x-mixed-replace", "text/plain", "garbage"]
        {
            #expect(!HTMLPreference.prefersHTML(accept), "\(accept ?? "nil")")
        }
    }

    /// Defect 6: one answer to an error, a page for a browser and the JSON for everyone else.
    @Test func errorsArePagesForBrowsersAndJSONForEveryoneElse() throws {
        let error = APIError(.notFound, "unknown-channel", "there is no channel '<nope>'; GET /channels lists them")
        let page = error.answer(accept: "text/html,application/xhtml+xml,*/*;q=0.8")
        #expect(page.fields[.contentType] == "text/html; charset=utf-8" && page.fields[.vary] == "Accept")
        #expect(page.fields[HTTPField.Name("Content-Security-Policy")!] == PageHTML.staticPolicy)
        let html = String(buffer: page.body)
        #expect(html.contains("<p class=\"error-status\">404 · Not Found</p>") && html.contains("<h1>No such channel</h1>"))
        #expect(html.contains("There is no channel &apos;&lt;nope&gt;&apos;; GET /channels lists them."))
        #expect(html.contains("<a href=\"/\">Every channel</a>") && !html.contains("<nope>") && !html.contains("<script"))
        for accept in [nil, "*/*", "application/json"] {
            let json = error.answer(accept: accept)
            #expect(json.fields[.contentType] == "application/json; charset=utf-8")
            #expect(String(buffer: json.body) == #"{"error":{"code":"unknown-channel","message":"there is no channel '<nope>'; GET /channels lists them"}}"#)
        }
        let busy = APIError(.serviceUnavailable, "too-many-streams", "full", headers: [.retryAfter: "5"])
        #expect(busy.answer(accept: "text/html").fields[.retryAfter] == "5" && busy.answer(accept: nil).fields[.retryAfter] == "5")
        #expect(String(buffer: busy.answer(accept: "text/html").body).contains("Try again in a few seconds."))
    }
}
