import Foundation

/// OPML 2.0: every channel's feed as an `outline type="rss"`, which feed readers import
/// as a list of subscriptions.
public struct OPMLDocument: Sendable {
    /// One channel's feed.
    public struct Feed: Sendable {
        public var title: String
        public var description: String?
        public var feedURL: String
        public var pageURL: String

        public init(title: String, description: String?, feedURL: String, pageURL: String) {
            self.title = title
            self.description = description
            self.feedURL = feedURL
            self.pageURL = pageURL
        }
    }

    public var title: String
    public var created: Date
    public var feeds: [Feed]

    public init(title: String, created: Date, feeds: [Feed]) {
        self.title = title
        self.created = created
        self.feeds = feeds
    }

    public func render() -> Data {
        guard let xml = XMLWriter() else { return Data() }
        xml.start("opml", ["version": "2.0"])
        xml.start("head")
        xml.element("title", title)
        xml.element("dateCreated", HTTPDate.format(created))
        xml.end()
        xml.start("body")
        for feed in feeds {
            xml.empty(
                "outline",
                [
                    "type": "rss", "text": feed.title, "title": feed.title, "description": feed.description,
                    "xmlUrl": feed.feedURL, "htmlUrl": feed.pageURL,
                ])
        }
        xml.end()
        xml.end()
        return xml.finish()
    }
}
