import CDF
import Foundation
import NIOCore
import Pushcast

/// What push streams read from the engine, off their event loops (`StreamMachine.Fetch`):
/// an opening (where each channel starts, by `ResumePlan`, with its snapshot; or a page's
/// first state), a page of the log (`RenderedLog`: rendered once, shared), and the current
/// state of a page or badge (`LiveViews`: rendered once per change). A failure comes back
/// as `failed` with its reason, for the stream to log and end on.
struct StreamSource: Sendable {
    let engine: Engine
    let links: PublicURL
    let views: LiveViews
    /// The openings of channel streams without `since`, per channel: the same plan and
    /// snapshot for every reader until the channel changes (a crowd connecting at once
    /// reads the store once). One cache per framing of snapshots.
    private let multipartOpenings: VersionedCache<StreamMachine.ChannelOpening>
    private let eventOpenings: VersionedCache<StreamMachine.ChannelOpening>

    static let snapshotItems = 10

    init(engine: Engine, links: PublicURL, views: LiveViews) {
        self.engine = engine
        self.links = links
        self.views = views
        multipartOpenings = VersionedCache(hub: engine.hub)
        eventOpenings = VersionedCache(hub: engine.hub)
    }

    func fetch(_ fetch: StreamMachine.Fetch, for spec: StreamSpec) async -> StreamMachine.Fetched {
        do {
            switch fetch {
            case .opening: return try await opening(spec)
            case .page(let channel, let after, let through):
                return .page(try await engine.log.page(of: channel, after: after, through: through))
            case .state: return try await state(spec, since: nil)
            case .cursors: return .failed("cursors are written by the stream's cursor book")
            }
        } catch {
            return .failed(FailureReason.words(error))
        }
    }

    /// A state stream's state now; any other stream's opening.
    private func opening(_ spec: StreamSpec) async throws -> StreamMachine.Fetched {
        switch spec.subject {
        case .channelItems(let channel, nil, _):
            let cache = spec.framing.kind == .events ? eventOpenings : multipartOpenings
            let opening = try await cache.value(for: channel) { [self] in
                try await channelOpening(channel, after: nil, framing: spec.framing)
            }
            return .opening([opening])
        case .channelItems(let channel, let since?, _):
            return .opening([try await channelOpening(channel, after: since, framing: spec.framing)])
        case .subscriberItems(_, let cursors, _):
            let bounds = try await bounds(after: cursors)
            let openings = cursors.keys.sorted().map { channel in
                let last = bounds[channel] ?? LogBounds(first: nil, last: 0)
                return StreamMachine.ChannelOpening(
                    channel: channel,
                    plan: ResumePlan.make(channel: channel, after: cursors[channel], bounds: last, retired: false, snapshots: false),
                    snapshot: nil, lastSeq: last.last)
            }
            return .opening(openings)
        case .channelPage(_, let since?):
            return try await state(spec, since: since)
        case .channelPage, .badge, .subscriberPage:
            return try await state(spec, since: nil)
        }
    }

    /// Where a channel stream starts: its plan, and the snapshot the plan sends.
    private func channelOpening(_ channel: String, after: Int64?, framing: StreamFraming) async throws
        -> StreamMachine.ChannelOpening
    {
        // A fresh reader (no `after`) reads the store: its snapshot shows what the store holds.
        let read = if let after { try await bounds(after: [channel: after]) } else { try await engine.store.logBounds([channel]) }
        let bounds = read[channel] ?? LogBounds(first: nil, last: 0)
        let retired = await engine.catalog.entry(channel)?.status == .retired
        let plan = ResumePlan.make(channel: channel, after: after, bounds: bounds, retired: retired, snapshots: true)
        let snapshot = plan.snapshot ? try await self.snapshot(channel, lastSeq: bounds.last, framing: framing) : nil
        return StreamMachine.ChannelOpening(channel: channel, plan: plan, snapshot: snapshot, lastSeq: bounds.last)
    }

    /// Each channel's log bounds for a reader after `positions`. A reader already at the
    /// newest sequence handed to this node's hub (`LogFollower.last`) is not read for: its
    /// plan is to go on live, made from that sequence alone (`ResumePlan` looks at where the
    /// log begins only for a reader behind its end; `ResumePlanTests` holds it), and
    /// whatever is logged after it reaches the stream live, which registered first. Readers
    /// reconnecting after a restart are mostly there, each a read of the store less
    /// (docs/PUSH.md, "Opening a stream"). Any other position reads the store: behind, for
    /// where the log begins; ahead, for a reset database, or an item another node logged
    /// that this one has not heard of yet.
    private func bounds(after positions: [String: Int64]) async throws -> [String: LogBounds] {
        var bounds: [String: LogBounds] = [:]
        var read: [String] = []
        for (channel, after) in positions {
            let last = engine.follower.last(channel)
            if after == last {
                bounds[channel] = LogBounds(first: nil, last: last)
            } else {
                read.append(channel)
            }
        }
        if !read.isEmpty { bounds.merge(try await engine.store.logBounds(read)) { _, stored in stored } }
        return bounds
    }

    /// A `snapshot` part: the channel's state and its newest items, oldest first.
    private func snapshot(_ channel: String, lastSeq: Int64, framing: StreamFraming) async throws -> ByteBuffer {
        let entry = await engine.catalog.entry(channel)
        let latest = try await engine.store.latestItems(channel: channel, limit: Self.snapshotItems).reversed()
        let base = links.value
        let snapshot = SnapshotJSON(
            channel: channel, title: entry?.channel?.title, abstract: entry?.channel?.abstract,
            href: entry?.channel?.href.map { LocalFiles.link($0, channel: channel, publicURL: base) },
            logos: (entry?.channel?.logos ?? []).map {
                ChannelJSON.LogoJSON(href: LocalFiles.link($0.href, channel: channel, publicURL: base), style: $0.style.rawValue)
            },
            status: entry?.status.rawValue ?? "ok", lastSeq: lastSeq, items: latest.map { ItemJSON($0, publicURL: base) })
        return framing.control("snapshot", channel: channel, json: snapshot)
    }

    /// A state stream's state as a part (after `since`, for a page resuming), and whether
    /// it is the last (the channel is retired).
    private func state(_ spec: StreamSpec, since: Int64?) async throws -> StreamMachine.Fetched {
        switch spec.subject {
        case .channelPage(let channel, _):
            let resumed: LiveViews.Rendered?
            if let since {
                resumed = try await views.resumePage(channel, since: since)
            } else {
                resumed = try await views.current(channel)
            }
            guard let rendered = resumed else { throw APIError.unknownChannel(channel) }
            return .state(rendered.page, final: rendered.view.status == .retired)
        case .badge(let channel):
            guard let rendered = try await views.current(channel) else { throw APIError.unknownChannel(channel) }
            return .state(rendered.badge, final: rendered.view.status == .retired)
        case .subscriberPage(_, let name, let channels):
            var sections: [String] = []
            var retired = 0
            for channel in channels {
                guard let rendered = try await views.current(channel) else { continue }
                sections.append(rendered.section)
                if rendered.view.status == .retired { retired += 1 }
            }
            let page = LiveViews.part(LiveViews.pageHeader, SubscriberPageHTML.livePart(name: name, sections: sections))
            return .state(page, final: !channels.isEmpty && retired == channels.count)
        case .channelItems, .subscriberItems:
            return .failed("an item stream has no state")
        }
    }
}
