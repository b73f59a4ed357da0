import CDF
import Foundation
import Pushcast

/// One channel as its pages and badge show it, read once from the catalog and the store:
/// every string still untrusted (the renderers escape), every link already checked to be
/// a web link.
struct ChannelView: Sendable {
    /// One item of the channel, its newest revision.
    struct Item: Sendable {
        var seq: Int64
        var itemID: String
        var title: String
        var abstract: String?
        /// An http(s) URL, or nil when the manifest's HREF is no web link.
        var link: String?
        var loggedAt: Double
        /// The publisher's LASTMOD, when the manifest gave one.
        var lastmod: Double? = nil
        var sections: [String]
        var updated: Bool

        /// The item's date: the publisher's LASTMOD when given, else when it was logged.
        var date: Double { lastmod ?? loggedAt }
    }

    var id: String
    var title: String
    var abstract: String?
    var link: String?
    /// The IMAGE or IMAGE-WIDE logo, if the channel has one.
    var logo: String?
    var status: ChannelStatus
    var lastSeq: Int64
    var lastChange: Double?
    /// Newest first, one per item.
    var items: [Item]
    /// Log entries after a resume point that this view does not hold (a resume page only).
    var missed: Int64 = 0

    static let latestItems = 20
    /// A resume page holds at most this many items.
    static let resumeItems = 200

    /// The channel's current view with its `latest` newest items and, when `since` is
    /// given (a page resuming), every item after it too, up to `resumeItems`; nil for a
    /// channel the catalog does not know.
    static func load(_ id: String, engine: Engine, publicURL: String, latest: Int = latestItems, since: Int64? = nil)
        async throws -> ChannelView?
    {
        guard let entry = await engine.catalog.entry(id) else { return nil }
        let record = try await engine.store.channel(id)
        let lastSeq = record?.lastSeq ?? 0
        // Updates log the same item again: read more than needed, keep each item's newest.
        let wanted = since == nil ? latest * 3 : max(latest * 3, resumeItems)
        let entries = try await engine.store.latestItems(channel: id, limit: wanted)
        var seen: Set<String> = []
        var items: [Item] = []
        for logged in entries where seen.insert(logged.itemID).inserted {
            let isNew = since.map { logged.seq > $0 } ?? false
            guard items.count < latest || (isNew && items.count < resumeItems) else { continue }
            items.append(Item(logged, publicURL: publicURL))
        }
        // Log entries after the resume point that were not read (too many, or pruned).
        let missed = since.map { since in
            max(0, lastSeq - since - Int64(entries.filter { $0.seq > since }.count))
        } ?? 0
        let channel = entry.channel
        let logo = channel?.logos.first { $0.style == .imageWide } ?? channel?.logos.first { $0.style == .image }
        return ChannelView(
            id: id, title: channel?.title ?? id, abstract: channel?.abstract,
            link: channel?.href.flatMap { WebLink.checked(LocalFiles.link($0, channel: id, publicURL: publicURL)) },
            logo: logo.flatMap { WebLink.checked(LocalFiles.link($0.href, channel: id, publicURL: publicURL)) },
            status: entry.status, lastSeq: lastSeq, lastChange: record?.lastChange, items: items, missed: missed)
    }
}

extension ChannelView.Item {
    init(_ entry: LogEntry, publicURL: String) {
        let json = ItemJSON(entry, publicURL: publicURL)
        self.init(
            seq: entry.seq, itemID: entry.itemID, title: entry.title ?? entry.href, abstract: entry.abstract,
            link: WebLink.checked(json.href), loggedAt: entry.loggedAt,
            lastmod: entry.lastmod.flatMap(Timestamp.init(lastmod:)).map { Double($0.secondsSince1970) }, sections: entry.sectionLabels,
            updated: entry.event == .updated)
    }
}
