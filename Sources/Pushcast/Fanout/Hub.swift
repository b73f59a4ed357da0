import Foundation
import NIOCore
import Synchronization

/// Live fan-out, no history (DESIGN.md step 6): channel → open streams. When the store has
/// logged entries, each is rendered once per wire format and the same bytes are offered to
/// every stream of its channel; offering never waits. Streams read on an event loop are kept
/// by loop, and each loop queues and writes its own streams' events in one task: the
/// fan-out runs on every loop at once, with nothing per stream but the write. One ticker
/// (`tick`) serves every stream's heartbeat, every long poll's timeout and every stall
/// cut-off: nothing per stream.
public final class Hub: Sendable {
    /// One channel's sinks read on one event loop (or, with no loop, by awaiting tasks).
    private struct LoopSinks {
        let loop: (any EventLoop)?
        var sinks: [ObjectIdentifier: StreamSink] = [:]
    }

    public let configuration: HubConfiguration
    /// Channel → loop (`ObjectIdentifier` of the loop, or of the hub for no loop) → sinks.
    private let sinks = Mutex<[String: [ObjectIdentifier: LoopSinks]]>([:])
    private let streamCount = Atomic<Int>(0)
    private let versions = Mutex<[String: Int]>([:])
    private let rendering: Mutex<PartRenderer>
    /// What happened to slow readers, for `/stats` and `/metrics`.
    public let counters = HubCounters()

    public init(configuration: HubConfiguration) {
        self.configuration = configuration
        rendering = Mutex(PartRenderer(inlineContentBytes: configuration.inlineContentBytes, publicURL: ""))
    }

    /// The renderer, with the server's base URL once it is known.
    public var renderer: PartRenderer { rendering.withLock { $0 } }

    public func setPublicURL(_ url: String) {
        rendering.withLock { $0.publicURL = url }
    }

    public var openStreams: Int { streamCount.load(ordering: .relaxed) }

    /// How many times `channel` has changed (items logged, manifest reloaded, retired) since
    /// the server started: pages rendered from a channel's state are current while this holds.
    public func version(of channel: String) -> Int {
        versions.withLock { $0[channel] ?? 0 }
    }

    /// Registers a stream on `channels` (quiet for `quiet` seconds before a heartbeat); nil
    /// when `--max-streams` are open already. A `coalescing` stream shows only a channel's
    /// current state (a live page, a badge): changes queued for it collapse into one. With an
    /// `eventLoop`, the sink is read by a consumer there (`StreamSink.setConsumer`).
    public func register(
        _ channels: Set<String>, quiet: Double? = nil, coalescing: Bool = false, eventLoop: (any EventLoop)? = nil
    ) -> StreamSink? {
        guard streamCount.wrappingAdd(1, ordering: .relaxed).newValue <= configuration.maxStreams else {
            streamCount.wrappingSubtract(1, ordering: .relaxed)
            return nil
        }
        let sink = StreamSink(
            channels: channels, capacity: configuration.queueCapacity, quietInterval: quiet ?? configuration.heartbeat,
            coalescing: coalescing, counters: counters, eventLoop: eventLoop)
        let key = loopKey(eventLoop)
        sinks.withLock { table in
            for channel in channels {
                table[channel, default: [:]][key, default: LoopSinks(loop: eventLoop)].sinks[ObjectIdentifier(sink)] = sink
            }
        }
        return sink
    }

    public func unregister(_ sink: StreamSink) {
        let key = loopKey(sink.eventLoop)
        let removed = sinks.withLock { table -> Bool in
            var removed = false
            for channel in sink.channels {
                if table[channel]?[key]?.sinks.removeValue(forKey: ObjectIdentifier(sink)) != nil { removed = true }
                if table[channel]?[key]?.sinks.isEmpty == true { table[channel]?[key] = nil }
                if table[channel]?.isEmpty == true { table[channel] = nil }
            }
            return removed
        }
        if removed { streamCount.wrappingSubtract(1, ordering: .relaxed) }
    }

    private func loopKey(_ loop: (any EventLoop)?) -> ObjectIdentifier {
        loop.map { ObjectIdentifier($0) } ?? ObjectIdentifier(self)
    }

    /// Offers freshly logged entries (already committed) to their channels' streams.
    public func publish(_ entries: [LogEntry]) {
        guard !entries.isEmpty else { return }
        let renderer = self.renderer
        let now = ContinuousClock.now
        let rendered = entries.map { renderer.render($0, published: now) }
        let byChannel = Dictionary(grouping: rendered, by: \.channel)
        bump(byChannel.keys)
        for (channel, channelEntries) in byChannel { deliver(channelEntries.map { .entry($0) }, on: channel) }
    }

    /// Tells `channel`'s streams that its manifest was read again (a new title, logo or
    /// status): item streams ignore it, live pages show it.
    public func touch(_ channel: String) {
        bump([channel])
        deliver([.changed(channel)], on: channel)
    }

    /// Tells a retired channel's streams, which then end.
    public func retire(_ channel: String, lastSeq: Int64) {
        bump([channel])
        deliver([.retired(channel: channel, lastSeq: lastSeq)], on: channel)
    }

    /// Ends every stream (server shutdown).
    public func shutdown() {
        for sink in allSinks() { sink.offer(.shutdown) }
    }

    /// Events waiting in every stream's queue now.
    public func queuedEvents() -> Int {
        allSinks().reduce(0) { $0 + $1.queueDepth }
    }

    /// Heartbeats, long-poll timeouts and stall cut-offs, for every stream at once.
    public func tick() {
        let now = ContinuousClock.now
        wake(allSinks().filter { $0.tick(now: now, writeTimeout: configuration.writeTimeout) })
    }

    /// Queues `events` on every stream of `channel`: each event loop queues and drains its
    /// own streams; streams read by tasks get them here.
    private func deliver(_ events: [StreamSink.Event], on channel: String) {
        for group in sinks.withLock({ ($0[channel] ?? [:]).values }) {
            guard let loop = group.loop else {
                for sink in group.sinks.values { for event in events { sink.offer(event) } }
                continue
            }
            loop.execute {
                let events = events.map(\.copiedForOneLoop)
                for sink in group.sinks.values {
                    for event in events { sink.deliverOnLoop(event) }
                }
            }
        }
    }

    /// Wakes event-loop consumers with one task per loop.
    private func wake(_ consumers: [StreamSink]) {
        var byLoop: [ObjectIdentifier: (loop: any EventLoop, sinks: [StreamSink])] = [:]
        for sink in consumers {
            guard let loop = sink.eventLoop else { continue }
            byLoop[ObjectIdentifier(loop), default: (loop, [])].sinks.append(sink)
        }
        for (loop, sinks) in byLoop.values {
            loop.execute { for sink in sinks { sink.wakeConsumer() } }
        }
    }

    private func bump(_ channels: some Sequence<String>) {
        versions.withLock { table in
            for channel in channels { table[channel, default: 0] += 1 }
        }
    }

    private func allSinks() -> [StreamSink] {
        sinks.withLock { table in
            var seen: [ObjectIdentifier: StreamSink] = [:]
            for groups in table.values {
                for group in groups.values { seen.merge(group.sinks) { first, _ in first } }
            }
            return Array(seen.values)
        }
    }
}
