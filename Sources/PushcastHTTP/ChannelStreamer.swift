import CDF
import Foundation
import Hummingbird
import NIOCore
import Pushcast

/// One channel's stream from start to end (SPEC §3.1), for `/stream` and `/events`:
/// registered with the hub first, then a snapshot or a replay from the log (with a `gap`
/// first when the log no longer holds what was asked), then live parts, dropping any
/// sequence already sent, so there is no race between replay and live.
struct ChannelStreamer {
    let engine: Engine
    let links: PublicURL
    let channel: String
    let since: Int64?
    let framing: StreamFraming
    let sink: StreamSink
    let meter: TransportMeter

    static let snapshotItems = 10
    static let replayPage = 200

    func run(_ writer: inout any ResponseBodyWriter) async throws {
        var session = StreamSession(delimiters: framing.delimiters, sink: sink, meter: meter)
        let store = engine.store
        let lastSeq = try await store.channel(channel)?.lastSeq ?? 0
        if await engine.catalog.entry(channel)?.status == .retired {
            try await session.send(
                framing.control("retired", channel: channel, json: RetiredJSON(channel: channel, lastSeq: lastSeq)),
                final: true, to: &writer)
            return
        }
        var lastSent = lastSeq
        if let since {
            let first = try await store.firstSeq(channel: channel)
            if since > lastSeq {
                try await gap(from: lastSeq + 1, to: since, reason: "ahead", resume: lastSeq, &session, &writer)
                try await session.send(try await snapshot(lastSeq: lastSeq), to: &writer)
            } else if let first, first > since + 1 {
                try await gap(from: since + 1, to: first - 1, reason: "pruned", resume: first - 1, &session, &writer)
                try await session.send(try await snapshot(lastSeq: lastSeq), to: &writer)
                lastSent = try await replay(after: first - 1, through: nil, &session, &writer)
            } else if first == nil, lastSeq > since {
                try await gap(from: since + 1, to: lastSeq, reason: "pruned", resume: lastSeq, &session, &writer)
                try await session.send(try await snapshot(lastSeq: lastSeq), to: &writer)
            } else {
                lastSent = try await replay(after: since, through: nil, &session, &writer)
            }
        } else {
            try await session.send(try await snapshot(lastSeq: lastSeq), to: &writer)
        }
        while true {
            switch await sink.next() {
            case .entry(let entry):
                guard entry.seq > lastSent else { continue }
                if entry.seq > lastSent + 1 {
                    lastSent = try await replay(after: lastSent, through: entry.seq - 1, &session, &writer)
                }
                try await session.send(item: entry, as: framing.item(entry), to: &writer)
                lastSent = entry.seq
            case .changed:
                continue
            case .heartbeat:
                try await session.send(framing.heartbeat, to: &writer)
            case .retired(_, let last):
                try await session.send(
                    framing.control("retired", channel: channel, json: RetiredJSON(channel: channel, lastSeq: last)),
                    final: true, to: &writer)
                return
            case .overflow:
                let newest = try await store.channel(channel)?.lastSeq ?? lastSent
                try await session.send(
                    framing.control(
                        "gap", channel: channel,
                        json: GapJSON(channel: channel, from: lastSent + 1, to: newest, reason: "overflow", resumeSince: lastSent)),
                    final: true, to: &writer)
                return
            case .shutdown:
                try await session.send(framing.heartbeat, final: true, to: &writer)
                return
            }
        }
    }

    /// Sends the log after `after` (up to `through`), a page at a time; returns the last seq sent.
    private func replay(
        after: Int64, through: Int64?, _ session: inout StreamSession, _ writer: inout any ResponseBodyWriter
    ) async throws -> Int64 {
        var last = after
        let renderer = engine.hub.renderer
        while true {
            let page = try await engine.store.entries(channel: channel, after: last, limit: Self.replayPage)
            for entry in page where through.map({ entry.seq <= $0 }) ?? true {
                let rendered = renderer.render(entry)
                try await session.send(item: rendered, as: framing.item(rendered), to: &writer)
                last = entry.seq
            }
            if page.count < Self.replayPage || through.map({ last >= $0 }) == true { return last }
        }
    }

    private func gap(
        from: Int64, to: Int64, reason: String, resume: Int64, _ session: inout StreamSession,
        _ writer: inout any ResponseBodyWriter
    ) async throws {
        try await session.send(
            framing.control(
                "gap", channel: channel,
                json: GapJSON(channel: channel, from: from, to: to, reason: reason, resumeSince: resume)),
            to: &writer)
    }

    private func snapshot(lastSeq: Int64) async throws -> ByteBuffer {
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
