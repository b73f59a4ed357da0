import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Pushcast

/// Pull (SPEC §3 table): each channel's RSS 2.0 feed, rendered once per change and answered
/// with a strong ETag and Last-Modified, 304 when the reader has it already; and the OPML
/// list of every feed. RSS answers are counted by `/stats` like every push transport.
struct FeedRoutes: Sendable {
    let engine: Engine
    let links: PublicURL
    let stats: ServerStats
    let feeds: VersionedCache<Feed>

    /// One rendering of a channel's feed.
    struct Feed: Sendable {
        let body: ByteBuffer
        let etag: String
        let lastModified: Date
        let entries: [LogEntry]
    }

    init(engine: Engine, links: PublicURL, stats: ServerStats) {
        self.engine = engine
        self.links = links
        self.stats = stats
        feeds = VersionedCache(hub: engine.hub)
    }

    func register(in routes: RouteTable<PushcastRequestContext>) {
        routes.add("/channels/{id}/rss", [.get: { request, context in try await rss(request, context) }])
        routes.add("/opml", [.get: { _, _ in try await opml() }])
    }

    private func rss(_ request: Request, _ context: PushcastRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let entry = await engine.catalog.entry(id), entry.channel != nil else { throw APIError.unknownChannel(id) }
        let feed: Feed
        do {
            feed = try await feeds.value(for: id, render: { try await render(id) })
        } catch let error as APIError {
            throw error
        } catch {
            context.logger.failure("a feed could not be read", error, metadata: ["channel": "\(id)"])
            throw APIError(.serviceUnavailable, "store-unreachable", "the feed cannot be read now; retry shortly")
        }
        let meter = stats[.rss]
        var headers: HTTPFields = [
            .eTag: feed.etag, .lastModified: HTTPDate.format(feed.lastModified), .cacheControl: "no-cache",
        ]
        if ConditionalRequest.isNotModified(request, etag: feed.etag, lastModified: feed.lastModified) {
            meter.unchanged.wrappingAdd(1, ordering: .relaxed)
            return Response(status: .notModified, headers: headers, body: .init())
        }
        headers[.contentType] = "application/rss+xml; charset=utf-8"
        if request.method != .head {
            meter.answered.wrappingAdd(1, ordering: .relaxed)
            meter.sent(feed.body.readableBytes)
            meter.delivered(published: nil, count: feed.entries.count)
            stats.rssReturned(channel: id, entries: feed.entries)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: feed.body))
    }

    private func render(_ id: String) async throws -> Feed {
        guard let entry = await engine.catalog.entry(id), let channel = entry.channel,
            let record = try await engine.store.channel(id)
        else { throw APIError.unknownChannel(id) }
        let entries = try await engine.store.latestItems(channel: id, limit: RSSFeed.newestItems)
        let base = links.value
        let page = "\(base)/channels/\(id)"
        let logo = channel.logos.first { $0.style == .image } ?? channel.logos.first
        let lastModified = Date(timeIntervalSince1970: record.lastChange ?? record.updatedAt)
        let head = RSSFeed.Head(
            title: channel.title ?? id,
            link: channel.href.flatMap { WebLink.checked(LocalFiles.link($0, channel: id, publicURL: base)) } ?? page,
            description: channel.abstract ?? channel.title ?? id, selfLink: "\(page)/rss",
            image: logo.flatMap { WebLink.checked(LocalFiles.link($0.href, channel: id, publicURL: base)) },
            ttl: channel.schedule.map { max(1, $0.intervalSeconds / 60) }, lastBuild: lastModified)
        let body = RSSFeed(head: head, items: entries, publicURL: base).render()
        return Feed(
            body: ByteBuffer(bytes: body), etag: "\"" + SHA256.hash(data: body).prefix(16).hexString + "\"",
            lastModified: lastModified, entries: entries)
    }

    private func opml() async throws -> Response {
        let base = links.value
        let feeds = await engine.catalog.all().compactMap { entry -> OPMLDocument.Feed? in
            guard entry.status != .retired, let channel = entry.channel else { return nil }
            return OPMLDocument.Feed(
                title: channel.title ?? entry.id, description: channel.abstract, feedURL: "\(base)/channels/\(entry.id)/rss",
                pageURL: "\(base)/channels/\(entry.id)")
        }
        let body = OPMLDocument(title: "Pushcast channels", created: Date(), feeds: feeds).render()
        return Response(
            status: .ok, headers: [.contentType: "text/x-opml; charset=utf-8", .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
