import CDF
import Foundation
import Pushcast

/// An item of a channel's log as the JSON API shows it (SPEC §3).
struct ItemJSON: Encodable, Sendable {
    var channel: String
    var seq: Int64
    var event: String
    var id: String
    var revision: Int
    var title: String?
    var abstract: String?
    /// An http(s) URL; for local content, the server's own `/items/<seq>/content` URL.
    var href: String
    var lastmod: String?
    var section: [String]
    var publishedAt: String
    var precache: Bool
    var contentType: String?
    var contentLength: Int?

    init(_ entry: LogEntry, publicURL: String) {
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

    func encode(to encoder: any Encoder) throws {
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

    enum CodingKeys: String, CodingKey {
        case channel, seq, event, id, revision, title, abstract, href, lastmod, section, publishedAt, precache,
            contentType, contentLength
    }
}

/// A channel as `GET /channels` lists it (SPEC §3).
struct ChannelJSON: Encodable, Sendable {
    var id: String
    var file: String
    var title: String?
    var abstract: String?
    var href: String?
    var logos: [LogoJSON]
    var schedule: Schedule?
    var lastChange: String?
    var lastCheck: String?
    var lastSeq: Int64
    var itemCount: Int
    var subscribers: Int
    var status: String
    var nextCheck: String?
    var diagnostics: [Diagnostic]

    struct LogoJSON: Encodable, Sendable {
        var href: String
        var style: String
    }

    init(
        _ entry: Catalog.Entry, record: ChannelRecord?, subscribers: Int, nextCheck: Date?, publicURL: String
    ) {
        id = entry.id
        file = entry.file
        title = entry.channel?.title
        abstract = entry.channel?.abstract
        href = entry.channel?.href.map { LocalFiles.link($0, channel: entry.id, publicURL: publicURL) }
        logos = (entry.channel?.logos ?? []).map { logo in
            LogoJSON(href: LocalFiles.link(logo.href, channel: entry.id, publicURL: publicURL), style: logo.style.rawValue)
        }
        schedule = entry.channel?.schedule
        lastChange = record?.lastChange.map(HTTPDate.rfc3339)
        lastCheck = record?.lastCheck.map(HTTPDate.rfc3339)
        lastSeq = record?.lastSeq ?? 0
        itemCount = entry.channel?.items.count ?? 0
        self.subscribers = subscribers
        status = entry.status.rawValue
        self.nextCheck = nextCheck.map { HTTPDate.rfc3339($0.timeIntervalSince1970) }
        diagnostics = entry.diagnostics
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(file, forKey: .file)
        try container.encode(title, forKey: .title)
        try container.encode(abstract, forKey: .abstract)
        try container.encode(href, forKey: .href)
        try container.encode(logos, forKey: .logos)
        try container.encode(schedule, forKey: .schedule)
        try container.encode(lastChange, forKey: .lastChange)
        try container.encode(lastCheck, forKey: .lastCheck)
        try container.encode(lastSeq, forKey: .lastSeq)
        try container.encode(itemCount, forKey: .itemCount)
        try container.encode(subscribers, forKey: .subscribers)
        try container.encode(status, forKey: .status)
        try container.encode(nextCheck, forKey: .nextCheck)
        try container.encode(diagnostics, forKey: .diagnostics)
    }

    enum CodingKeys: String, CodingKey {
        case id, file, title, abstract, href, logos, schedule, lastChange, lastCheck, lastSeq, itemCount, subscribers, status,
            nextCheck, diagnostics
    }
}
