import Foundation

/// An item of a channel's log as the JSON API shows it (SPEC §3).
public struct ItemJSON: Encodable, Sendable {
    public var channel: String
    public var seq: Int64
    public var event: String
    public var id: String
    public var revision: Int
    public var title: String?
    public var abstract: String?
    /// An http(s) URL; for local content, the server's own `/items/<seq>/content` URL.
    public var href: String
    public var lastmod: String?
    public var section: [String]
    public var publishedAt: String
    public var precache: Bool
    public var contentType: String?
    public var contentLength: Int?

    public init(_ entry: LogEntry, publicURL: String) {
        channel = entry.channel
        seq = entry.seq
        event = entry.event.rawValue
        id = entry.itemID
        revision = entry.revision
        title = entry.title
        abstract = entry.abstract
        href = entry.local ? "\(publicURL)/channels/\(entry.channel)/items/\(entry.seq)/content" : entry.href
        lastmod = entry.lastmod
        section = entry.sectionLabels
        publishedAt = HTTPDate.rfc3339(entry.loggedAt)
        precache = entry.precache
        contentType = entry.contentType
        contentLength = entry.contentSize
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(channel, forKey: .channel)
        try container.encode(seq, forKey: .seq)
        try container.encode(event, forKey: .event)
        try container.encode(id, forKey: .id)
        try container.encode(revision, forKey: .revision)
        try container.encode(title, forKey: .title)
        try container.encode(abstract, forKey: .abstract)
        try container.encode(href, forKey: .href)
        try container.encode(lastmod, forKey: .lastmod)
        try container.encode(section, forKey: .section)
        try container.encode(publishedAt, forKey: .publishedAt)
        try container.encode(precache, forKey: .precache)
        try container.encode(contentType, forKey: .contentType)
        try container.encode(contentLength, forKey: .contentLength)
    }

    /// The same JSON `JSONEncoder` writes of this item (sorted keys, slashes as they are),
    /// written by hand: every publication renders it, the API's pages encode it. `content`
    /// and `contentURL`, when given, join it as an item part's body has them
    /// (`PartRenderer`); `ItemJSONTests` holds both ways to the same bytes.
    func jsonBytes(content: String? = nil, contentURL: String? = nil) -> [UInt8] {
        var json = JSONText(capacity: 384 + (content?.utf8.count ?? 0))
        json.field("abstract", abstract)
        json.field("channel", channel)
        if let content { json.field("content", content) }
        json.field("contentLength", contentLength.map(Int64.init))
        json.field("contentType", contentType)
        if let contentURL { json.field("contentURL", contentURL) }
        json.field("event", event)
        json.field("href", href)
        json.field("id", id)
        json.field("lastmod", lastmod)
        json.field("precache", precache)
        json.field("publishedAt", publishedAt)
        json.field("revision", Int64(revision))
        json.field("section", section)
        json.field("seq", seq)
        json.field("title", title)
        return json.finished()
    }

    enum CodingKeys: String, CodingKey {
        case channel, seq, event, id, revision, title, abstract, href, lastmod, section, publishedAt, precache,
            contentType, contentLength
    }
}
