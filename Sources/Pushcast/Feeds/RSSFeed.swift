import Foundation

/// A channel's RSS 2.0 feed (SPEC §3 table): the newest items as `<item>`s with
/// `guid` = item id + `#` + seq (not a permalink), the channel's title, link, description,
/// image and, from its CDF SCHEDULE, a `ttl`. Written with libxml2's text writer.
public struct RSSFeed: Sendable {
    /// The channel as the feed describes it.
    public struct Head: Sendable {
        public var title: String
        public var link: String
        public var description: String
        /// The feed's own URL (`atom:link rel="self"`).
        public var selfLink: String
        public var image: String?
        /// Minutes a reader may cache the feed (`ttl`), from the schedule's interval.
        public var ttl: Int?
        public var lastBuild: Date?

        public init(
            title: String, link: String, description: String, selfLink: String, image: String?, ttl: Int?, lastBuild: Date?
        ) {
            self.title = title
            self.link = link
            self.description = description
            self.selfLink = selfLink
            self.image = image
            self.ttl = ttl
            self.lastBuild = lastBuild
        }
    }

    public static let newestItems = 50

    public var head: Head
    /// Newest first.
    public var items: [LogEntry]
    /// The server's base URL, for the links of local items.
    public var publicURL: String

    public init(head: Head, items: [LogEntry], publicURL: String) {
        self.head = head
        self.items = items
        self.publicURL = publicURL
    }

    public func render() -> Data {
        guard let xml = XMLWriter() else { return Data() }
        xml.start("rss", ["version": "2.0", "xmlns:atom": "http://www.w3.org/2005/Atom"])
        xml.start("channel")
        xml.element("title", head.title)
        xml.element("link", head.link)
        xml.element("description", head.description)
        xml.empty("atom:link", ["href": head.selfLink, "rel": "self", "type": "application/rss+xml"])
        xml.element("generator", "Pushcast")
        xml.element("lastBuildDate", head.lastBuild.map(HTTPDate.format))
        xml.element("ttl", head.ttl.map(String.init))
        if let image = head.image {
            xml.start("image")
            xml.element("url", image)
            xml.element("title", head.title)
            xml.element("link", head.link)
            xml.end()
        }
        for entry in items {
            let item = ItemJSON(entry, publicURL: publicURL)
            xml.start("item")
            xml.element("title", item.title ?? item.href)
            xml.element("link", item.href)
            xml.element("description", item.abstract)
            xml.element("guid", "\(item.id)#\(item.seq)", ["isPermaLink": "false"])
            xml.element("pubDate", HTTPDate.format(Date(timeIntervalSince1970: entry.loggedAt)))
            for section in item.section { xml.element("category", section) }
            xml.end()
        }
        xml.end()
        xml.end()
        return xml.finish()
    }
}
