import CDF
import Foundation
import NIOCore
import Pushcast

/// One channel's item stream from start to end (SPEC §3.1), for `/stream` and `/events`:
/// registered with the hub first, then a snapshot or a replay from the log (with a `gap`
/// first when the log no longer holds what was asked), then live parts, dropping any
/// sequence already sent, so there is no race between replay and live. Each live item in
/// order, the common case, is written on the event loop the moment it comes (`PushStream`).
final class ChannelStream: PushStream, @unchecked Sendable {
    let links: PublicURL
    let channel: String
    let since: Int64?
    /// Openings without `since`, shared by every such stream of the channel and framing.
    let openings: VersionedCache<Opening>

    /// What a stream without `since` starts with: the snapshot part, or the final `retired`
    /// part, and the sequence it is current up to.
    struct Opening: Sendable {
        let part: ByteBuffer
        let retired: Bool
        let lastSeq: Int64
    }

    static let snapshotItems = 10
    static let replayPage = 200

    /// The newest sequence written.
    private var lastSent: Int64 = 0

    /// Something the task writes through the event loop.
    private enum Part {
        case control(ByteBuffer, final: Bool = false)
        case item(RenderedEntry)
        /// No part: the stream is current up to this sequence.
        case current(Int64)
    }

    init(
        engine: Engine, links: PublicURL, channel: String, since: Int64?, framing: StreamFraming, sink: StreamSink,
        meter: TransportMeter, openings: VersionedCache<Opening>, output: any StreamOutput
    ) {
        self.links = links
        self.channel = channel
        self.since = since
        self.openings = openings
        super.init(engine: engine, framing: framing, sink: sink, meter: meter, output: output)
    }

    override func handle(_ event: StreamSink.Event) {
        switch event {
        case .entry(let entry):
            guard entry.seq > lastSent else { return }
            guard entry.seq == lastSent + 1 else {
                let after = lastSent
                return runInTask {
                    try await self.replay(after: after, through: entry.seq - 1)
                    try await self.write([.item(entry)])
                }
            }
            send(item: entry)
            lastSent = entry.seq
        case .changed:
            break
        case .heartbeat:
            send(framing.heartbeat)
        case .retired(_, let last):
            send(framing.control("retired", channel: channel, json: RetiredJSON(channel: channel, lastSeq: last)), final: true)
        case .overflow:
            let after = lastSent
            runInTask {
                let newest = try await self.engine.store.channel(self.channel)?.lastSeq ?? after
                let gap = GapJSON(channel: self.channel, from: after + 1, to: newest, reason: "overflow", resumeSince: after)
                try await self.write([.control(self.framing.control("gap", channel: self.channel, json: gap), final: true)])
            }
        case .shutdown:
            send(framing.heartbeat, final: true)
        }
    }

    /// From the task: writes parts on the event loop.
    private func write(_ parts: [Part]) async throws {
        try await onLoop {
            for part in parts where !self.ended {
                switch part {
                case .control(let buffer, let final): self.send(buffer, final: final)
                case .item(let entry) where entry.seq > self.lastSent:
                    self.send(item: entry)
                    self.lastSent = entry.seq
                case .item: break
                case .current(let seq): self.lastSent = max(self.lastSent, seq)
                }
            }
        }
    }

    /// From the task: what the stream starts with.
    override func open() async throws {
        guard let since else {
            let framing = self.framing
            let opening = await openings.value(for: channel) { [engine, links, channel] in
                try? await Self.opening(engine: engine, links: links, channel: channel, framing: framing)
            }
            guard let opening else { throw ChannelError.ioOnClosedChannel }
            return try await write([.control(opening.part, final: opening.retired), .current(opening.lastSeq)])
        }
        let store = engine.store
        let lastSeq = try await store.channel(channel)?.lastSeq ?? 0
        if await engine.catalog.entry(channel)?.status == .retired {
            let retired = RetiredJSON(channel: channel, lastSeq: lastSeq)
            return try await write([.control(framing.control("retired", channel: channel, json: retired), final: true)])
        }
        let first = try await store.firstSeq(channel: channel)
        if since > lastSeq {
            try await write([
                gap(from: lastSeq + 1, to: since, reason: "ahead", resume: lastSeq),
                .control(try await snapshot(lastSeq: lastSeq)), .current(lastSeq),
            ])
        } else if let first, first > since + 1 {
            try await write([
                gap(from: since + 1, to: first - 1, reason: "pruned", resume: first - 1),
                .control(try await snapshot(lastSeq: lastSeq)), .current(first - 1),
            ])
            try await replay(after: first - 1, through: nil)
        } else if first == nil, lastSeq > since {
            try await write([
                gap(from: since + 1, to: lastSeq, reason: "pruned", resume: lastSeq),
                .control(try await snapshot(lastSeq: lastSeq)), .current(lastSeq),
            ])
        } else {
            try await write([.current(since)])
            try await replay(after: since, through: nil)
        }
    }

    /// From the task: the log after `after` (up to `through`), a page at a time.
    private func replay(after: Int64, through: Int64?) async throws {
        var last = after
        let renderer = engine.hub.renderer
        while true {
            let page = try await engine.store.entries(channel: channel, after: last, limit: Self.replayPage)
            let wanted = page.filter { entry in through.map { entry.seq <= $0 } ?? true }
            try await write(wanted.map { .item(renderer.render($0)) })
            last = wanted.last?.seq ?? last
            if page.count < Self.replayPage || through.map({ last >= $0 }) == true { return }
        }
    }

    private func gap(from: Int64, to: Int64, reason: String, resume: Int64) -> Part {
        .control(
            framing.control(
                "gap", channel: channel, json: GapJSON(channel: channel, from: from, to: to, reason: reason, resumeSince: resume)))
    }

    /// The opening for the channel's state now.
    private static func opening(engine: Engine, links: PublicURL, channel: String, framing: StreamFraming) async throws -> Opening {
        let lastSeq = try await engine.store.channel(channel)?.lastSeq ?? 0
        guard await engine.catalog.entry(channel)?.status != .retired else {
            let retired = RetiredJSON(channel: channel, lastSeq: lastSeq)
            return Opening(part: framing.control("retired", channel: channel, json: retired), retired: true, lastSeq: lastSeq)
        }
        let part = try await snapshot(engine: engine, links: links, channel: channel, framing: framing, lastSeq: lastSeq)
        return Opening(part: part, retired: false, lastSeq: lastSeq)
    }

    private func snapshot(lastSeq: Int64) async throws -> ByteBuffer {
        try await Self.snapshot(engine: engine, links: links, channel: channel, framing: framing, lastSeq: lastSeq)
    }

    private static func snapshot(
        engine: Engine, links: PublicURL, channel: String, framing: StreamFraming, lastSeq: Int64
    ) async throws -> ByteBuffer {
        let entry = await engine.catalog.entry(channel)
        let latest = try await engine.store.latestEntries(channel: channel, limit: Self.snapshotItems).reversed()
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
}
