import CDF
import Foundation
import Pushcast

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
    /// How many of `diagnostics` are warnings: an `ok` channel may still have some to fix.
    var warnings: Int
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
        warnings = entry.diagnostics.filter { $0.severity == .warning }.count
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
        try container.encode(warnings, forKey: .warnings)
        try container.encode(nextCheck, forKey: .nextCheck)
        try container.encode(diagnostics, forKey: .diagnostics)
    }

    enum CodingKeys: String, CodingKey {
        case id, file, title, abstract, href, logos, schedule, lastChange, lastCheck, lastSeq, itemCount, subscribers, status,
            warnings, nextCheck, diagnostics
    }
}
