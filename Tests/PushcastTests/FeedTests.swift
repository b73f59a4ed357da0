import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import Pushcast

/// RSS and OPML as libxml2's writer makes them (SPEC §3 table).
@Suite("RSS and OPML documents")
struct FeedTests {
    static func entry(_ seq: Int64, title: String?, abstract: String? = nil, sections: String = "[]") -> LogEntry {
        LogEntry(
            channel: "news", seq: seq, event: .new, itemID: "news/\(seq).html", revision: 1, title: title, abstract: abstract,
            href: "news/\(seq).html", local: true, lastmod: nil, section: sections, precache: true, contentType: "text/html",
            contentHash: nil, contentSize: nil, content: nil, loggedAt: 1_764_000_000 + Double(seq))
    }

    static let head = RSSFeed.Head(
        title: "News & <more>", link: "http://example.com/", description: "Daily\u{0}\u{1F}", selfLink: "http://h/channels/news/rss",
        image: "http://h/logo.svg", ttl: 360, lastBuild: Date(timeIntervalSince1970: 1_764_000_002))

    @Test func controlCharactersAreDroppedAndMarkupEscaped() throws {
        let feed = RSSFeed(
            head: Self.head,
            items: [
                Self.entry(2, title: "A ]]> B <script>x</script> \u{7}\u{FFFE}end & \"q\"", abstract: "tab\there", sections: "[\"World\",\"Europe\"]"),
                Self.entry(1, title: nil),
            ],
            publicURL: "http://h")
        let data = feed.render()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\""))
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r" })
        #expect(!text.contains("\u{FFFE}"))
        let document = try XMLDocument(data: data)
        let title = try document.nodes(forXPath: "/rss/channel/item[1]/title").first?.stringValue
        #expect(title == "A ]]> B <script>x</script> end & \"q\"")
        #expect(try document.nodes(forXPath: "/rss/channel/title").first?.stringValue == "News & <more>")
        #expect(try document.nodes(forXPath: "/rss/channel/description").first?.stringValue == "Daily")
        #expect(try document.nodes(forXPath: "/rss/channel/ttl").first?.stringValue == "360")
        #expect(try document.nodes(forXPath: "/rss/channel/image/url").first?.stringValue == "http://h/logo.svg")
        #expect(try document.nodes(forXPath: "/rss/channel/item[1]/category").map(\.stringValue) == ["World", "Europe"])
        #expect(try document.nodes(forXPath: "/rss/channel/item[1]/guid").first?.stringValue == "news/2.html#2")
        #expect(try document.nodes(forXPath: "/rss/channel/item[1]/link").first?.stringValue == "http://h/channels/news/items/2/content")
        #expect(try document.nodes(forXPath: "/rss/channel/item[1]/pubDate").first?.stringValue == "Mon, 24 Nov 2025 16:00:02 GMT")
        // An item without a title is named by its link; without an abstract it has no description.
        #expect(try document.nodes(forXPath: "/rss/channel/item[2]/title").first?.stringValue == "http://h/channels/news/items/1/content")
        #expect(try document.nodes(forXPath: "/rss/channel/item[2]/description").isEmpty)
    }

    @Test func opmlOutlinesEveryFeed() throws {
        let data = OPMLDocument(
            title: "Channels", created: Date(timeIntervalSince1970: 0),
            feeds: [.init(title: "A \"&\" B", description: nil, feedURL: "http://h/channels/a/rss", pageURL: "http://h/channels/a")]
        ).render()
        let document = try XMLDocument(data: data)
        let outline = try #require(try document.nodes(forXPath: "/opml/body/outline").first as? XMLElement)
        #expect(outline.attribute(forName: "title")?.stringValue == "A \"&\" B")
        #expect(outline.attribute(forName: "xmlUrl")?.stringValue == "http://h/channels/a/rss")
        #expect(outline.attribute(forName: "description") == nil)
        #expect(try document.nodes(forXPath: "/opml/@version").first?.stringValue == "2.0")
    }

    @Test func cleaningKeepsWhatXMLAllows() {
        #expect(XMLWriter.clean("plain é ✓ 🎉") == "plain é ✓ 🎉")
        #expect(XMLWriter.clean("a\u{0}b\u{B}c\u{1F}d\te\nf\rg\u{FFFF}") == "abcd\te\nf\rg")
    }
}
