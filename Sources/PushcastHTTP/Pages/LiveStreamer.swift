import Hummingbird
import NIOCore
import Pushcast

/// A stream of something's current state (SPEC §3.2): a channel's live page or badge, a
/// subscriber's page. It sends the state at once, again whenever it changes (changes that
/// queue up while a write is slow collapse into one: only the newest state matters), and
/// again after `--live-heartbeat` seconds of silence, so a departed browser is noticed.
struct LiveStreamer {
    /// One state to send: a whole part, and whether the stream ends with it.
    struct Frame: Sendable {
        var part: ByteBuffer
        var final = false
    }

    let delimiters: StreamDelimiters
    let sink: StreamSink
    let meter: TransportMeter
    /// The first part, when it is not the current state (a page resuming after a sequence).
    let first: ByteBuffer?
    /// The current state, rendered; nil when it cannot be had now.
    let current: @Sendable () async -> Frame?

    func run(_ writer: inout any ResponseBodyWriter) async throws {
        var session = StreamSession(delimiters: delimiters, sink: sink, meter: meter)
        var opening = first.map { Frame(part: $0) }
        if opening == nil { opening = await current() }
        guard var frame = opening else { return }
        try await session.send(frame.part, final: frame.final, to: &writer)
        guard !frame.final else { return }
        while true {
            let event = await sink.next()
            if let now = await current() { frame = now }
            switch event {
            case .entry(let entry) where !frame.final:
                // The page now shows the entry (and any that came with it): one item delivered.
                try await session.send(item: entry, as: frame.part, to: &writer)
            case .entry:
                try await session.send(frame.part, final: true, to: &writer)
                return
            case .changed, .heartbeat:
                try await session.send(frame.part, final: frame.final, to: &writer)
                if frame.final { return }
            case .retired:
                let ended = frame.final || sink.channels.count == 1
                try await session.send(frame.part, final: ended, to: &writer)
                if ended { return }
            case .overflow, .shutdown:
                try await session.send(frame.part, final: true, to: &writer)
                return
            }
        }
    }
}
