import Foundation
import NIOCore
import Pushcast

/// A subscriber's one stream of all its channels (SPEC §3, §4): for each channel, what came
/// after its stored cursor (a `gap` first if the log no longer has it), then live items of
/// them all. No snapshot: the cursors say where the reader is.
///
/// A cursor advances once its item has reached the socket *and a later write on the stream
/// has reached it too* (an item or a heartbeat): a socket whose reader has gone still takes
/// the first write after, so an item written into a dead connection is not counted as
/// delivered and comes again on the next connection (at least once; `(channel, seq)` tells
/// duplicates). Bytes the socket has are sent even if the server is killed, so a confirmed
/// item is never lost.
final class SubscriberStream: PushStream, @unchecked Sendable {
    let subscriber: String
    let cursors: [String: Int64]
    /// Only what is pending, then the end (`?once=1`, for `pushcast read --once`).
    let once: Bool

    static let replayPage = 200

    /// The newest sequence written, per channel.
    private var lastSent: [String: Int64]
    /// Written, waiting for a later write to reach the socket.
    private var unconfirmed: [String: Int64] = [:]

    init(
        engine: Engine, subscriber: String, cursors: [String: Int64], once: Bool, framing: StreamFraming, sink: StreamSink,
        meter: TransportMeter, output: any StreamOutput
    ) {
        self.subscriber = subscriber
        self.cursors = cursors
        self.once = once
        lastSent = cursors
        super.init(engine: engine, framing: framing, sink: sink, meter: meter, output: output)
    }

    override func open() async throws {
        let store = engine.store
        let renderer = engine.hub.renderer
        for (channel, cursor) in cursors.sorted(by: { $0.key < $1.key }) {
            let lastSeq = try await store.channel(channel)?.lastSeq ?? 0
            var from = min(cursor, lastSeq)
            if let first = try await store.firstSeq(channel: channel), first > from + 1 {
                let gap = GapJSON(channel: channel, from: from + 1, to: first - 1, reason: "pruned", resumeSince: first - 1)
                try await onLoop { self.sendConfirming(self.framing.control("gap", channel: channel, json: gap)) }
                from = first - 1
            }
            try await onLoop { self.lastSent[channel] = from }
            var after = from
            while true {
                let page = try await store.entries(channel: channel, after: after, limit: Self.replayPage)
                let rendered = page.map { renderer.render($0) }
                try await onLoop { for entry in rendered { self.deliver(entry) } }
                after = page.last?.seq ?? after
                if page.count < Self.replayPage { break }
            }
        }
        if once { try await onLoop { self.sendConfirming(self.framing.heartbeat, final: true) } }
    }

    override func handle(_ event: StreamSink.Event) {
        switch event {
        case .entry(let entry):
            let last = lastSent[entry.channel] ?? 0
            guard entry.seq > last else { return }
            guard entry.seq == last + 1 else {
                let renderer = engine.hub.renderer
                return runInTask {
                    let missed = try await self.engine.store.entries(channel: entry.channel, after: last, limit: 1000)
                        .filter { $0.seq < entry.seq }.map { renderer.render($0) }
                    try await self.onLoop {
                        for earlier in missed { self.deliver(earlier) }
                        self.deliver(entry)
                    }
                }
            }
            deliver(entry)
        case .changed:
            break
        case .heartbeat:
            sendConfirming(framing.heartbeat)
        case .retired(let channel, let last):
            let retired = framing.control("retired", channel: channel, json: RetiredJSON(channel: channel, lastSeq: last))
            sendConfirming(retired, final: cursors.count == 1)
        case .overflow:
            // Fell behind: stop; the stored cursors say where to resume.
            let gap = GapJSON(channel: "*", from: 0, to: 0, reason: "overflow", resumeSince: 0)
            send(framing.control("gap", channel: nil, json: gap), final: true)
        case .shutdown:
            sendConfirming(framing.heartbeat, final: true)
        }
    }

    /// On the event loop: writes an item not yet sent; it waits for a later write to be
    /// confirmed.
    private func deliver(_ entry: RenderedEntry) {
        guard !ended, entry.seq > lastSent[entry.channel] ?? 0 else { return }
        let earlier = takeUnconfirmed()
        send(item: entry, written: confirm(earlier))
        lastSent[entry.channel] = entry.seq
        unconfirmed[entry.channel] = entry.seq
    }

    /// On the event loop: writes a part that confirms what was written before it.
    private func sendConfirming(_ part: ByteBuffer, final: Bool = false) {
        guard !ended else { return }
        send(part, final: final, written: confirm(takeUnconfirmed()))
    }

    private func takeUnconfirmed() -> [String: Int64] {
        defer { unconfirmed = [:] }
        return unconfirmed
    }

    /// Once a write has reached the socket, the items written before it are delivered: their
    /// cursors advance.
    private func confirm(_ earlier: [String: Int64]) -> ((Bool) -> Void)? {
        guard !earlier.isEmpty else { return nil }
        let (store, subscriber) = (engine.store, self.subscriber)
        return { reached in
            guard reached else { return }
            Task {
                for (channel, seq) in earlier { try? await store.advanceCursor(subscriber, channel: channel, to: seq) }
            }
        }
    }
}
