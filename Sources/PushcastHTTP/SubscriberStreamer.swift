import Foundation
import Hummingbird
import NIOCore
import Pushcast

/// A subscriber's one stream of all its channels (SPEC §3, §4): for each channel, what came
/// after its stored cursor (a `gap` first if the log no longer has it), then live items of
/// them all. No snapshot: the cursors say where the reader is.
///
/// A cursor advances once its item has been written *and a later write on the stream has
/// succeeded too* (an item or a heartbeat): a socket whose reader has gone still accepts
/// the first write after, so an item written into a dead connection is not counted as
/// delivered and comes again on the next connection (at least once; `(channel, seq)`
/// tells duplicates).
struct SubscriberStreamer {
    let engine: Engine
    let subscriber: String
    let cursors: [String: Int64]
    /// Only what is pending, then the end (`?once=1`, for `pushcast read --once`).
    let once: Bool
    let framing: StreamFraming
    let sink: StreamSink
    let meter: TransportMeter
    /// The stream's connection: a confirmation waits until its event loop has carried out
    /// the writes before it (see `confirm`).
    let connection: any Channel

    func run(_ writer: inout any ResponseBodyWriter) async throws {
        var session = StreamSession(delimiters: framing.delimiters, sink: sink, meter: meter)
        var lastSent = cursors
        var unconfirmed: [String: Int64] = [:]
        let store = engine.store
        let renderer = engine.hub.renderer
        for (channel, cursor) in cursors.sorted(by: { $0.key < $1.key }) {
            let lastSeq = try await store.channel(channel)?.lastSeq ?? 0
            var from = min(cursor, lastSeq)
            if let first = try await store.firstSeq(channel: channel), first > from + 1 {
                try await session.send(
                    framing.control(
                        "gap", channel: channel,
                        json: GapJSON(channel: channel, from: from + 1, to: first - 1, reason: "pruned", resumeSince: first - 1)),
                    to: &writer)
                from = first - 1
            }
            lastSent[channel] = from
            while true {
                let page = try await store.entries(channel: channel, after: lastSent[channel] ?? 0, limit: 200)
                for entry in page {
                    try await deliver(renderer.render(entry), &lastSent, &unconfirmed, &session, &writer)
                }
                if page.count < 200 { break }
            }
        }
        if once {
            try await session.send(framing.heartbeat, final: true, to: &writer)
            try await confirm(&unconfirmed)
            return
        }
        while true {
            switch await sink.next() {
            case .entry(let entry):
                let last = lastSent[entry.channel] ?? 0
                guard entry.seq > last else { continue }
                if entry.seq > last + 1 {
                    for missed in try await store.entries(channel: entry.channel, after: last, limit: 1000)
                    where missed.seq < entry.seq {
                        try await deliver(renderer.render(missed), &lastSent, &unconfirmed, &session, &writer)
                    }
                }
                try await deliver(entry, &lastSent, &unconfirmed, &session, &writer)
            case .changed:
                continue
            case .heartbeat:
                try await session.send(framing.heartbeat, to: &writer)
                try await confirm(&unconfirmed)
            case .retired(let channel, let last):
                try await session.send(
                    framing.control("retired", channel: channel, json: RetiredJSON(channel: channel, lastSeq: last)),
                    final: cursors.count == 1, to: &writer)
                try await confirm(&unconfirmed)
                if cursors.count == 1 { return }
            case .overflow:
                // Fell behind: stop; the stored cursors say where to resume.
                try await session.send(
                    framing.control(
                        "gap", channel: nil, json: GapJSON(channel: "*", from: 0, to: 0, reason: "overflow", resumeSince: 0)),
                    final: true, to: &writer)
                return
            case .shutdown:
                try await session.send(framing.heartbeat, final: true, to: &writer)
                try await confirm(&unconfirmed)
                return
            }
        }
    }

    private func deliver(
        _ entry: RenderedEntry, _ lastSent: inout [String: Int64], _ unconfirmed: inout [String: Int64],
        _ session: inout StreamSession, _ writer: inout any ResponseBodyWriter
    ) async throws {
        guard entry.seq > lastSent[entry.channel] ?? 0 else { return }
        try await session.send(item: entry, as: framing.item(entry), to: &writer)
        try await confirm(&unconfirmed)
        lastSent[entry.channel] = entry.seq
        unconfirmed[entry.channel] = entry.seq
    }

    /// A write just succeeded: what was written before it counts as delivered. A write
    /// returns once the response writer has taken it, before the event loop has passed it
    /// to the socket; a round trip through the event loop first makes sure it has (a
    /// `kill -9` right after would otherwise lose a confirmed item: the crash-safety test
    /// found it). Bytes NIO still holds for a reader whose socket is full are the one gap
    /// left, until streams write with their own promises.
    private func confirm(_ unconfirmed: inout [String: Int64]) async throws {
        guard !unconfirmed.isEmpty else { return }
        try await connection.eventLoop.submit {}.get()
        for (channel, seq) in unconfirmed {
            try await engine.store.advanceCursor(subscriber, channel: channel, to: seq)
        }
        unconfirmed = [:]
    }
}
