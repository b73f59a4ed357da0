import Foundation
import Synchronization

/// Live fan-out, no history (DESIGN.md step 6): channel → open streams. When the store has
/// logged entries, each is rendered once per wire format and the same bytes are offered to
/// every stream of its channel; offering never waits. One ticker (`tick`) serves every
/// stream's heartbeat, every long poll's timeout and every stall cut-off: nothing per stream.
public final class Hub: Sendable {
    public let configuration: HubConfiguration
    private let sinks = Mutex<[String: [ObjectIdentifier: StreamSink]]>([:])
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
    /// current state (a live page, a badge): changes queued for it collapse into one.
    public func register(_ channels: Set<String>, quiet: Double? = nil, coalescing: Bool = false) -> StreamSink? {
        guard streamCount.wrappingAdd(1, ordering: .relaxed).newValue <= configuration.maxStreams else {
            streamCount.wrappingSubtract(1, ordering: .relaxed)
            return nil
        }
        let sink = StreamSink(
            channels: channels, capacity: configuration.queueCapacity, quietInterval: quiet ?? configuration.heartbeat,
            coalescing: coalescing, counters: counters)
        sinks.withLock { table in
            for channel in channels { table[channel, default: [:]][ObjectIdentifier(sink)] = sink }
        }
        return sink
    }

    public func unregister(_ sink: StreamSink) {
        let removed = sinks.withLock { table -> Bool in
            var removed = false
            for channel in sink.channels {
                if table[channel]?.removeValue(forKey: ObjectIdentifier(sink)) != nil { removed = true }
                if table[channel]?.isEmpty == true { table[channel] = nil }
            }
            return removed
        }
        if removed { streamCount.wrappingSubtract(1, ordering: .relaxed) }
    }

    /// Offers freshly logged entries (already committed) to their channels' streams.
    public func publish(_ entries: [LogEntry]) {
        guard !entries.isEmpty else { return }
        let renderer = self.renderer
        let now = ContinuousClock.now
        let rendered = entries.map { entry in
            var rendered = renderer.render(entry)
            rendered.published = now
            return rendered
        }
        let byChannel = Dictionary(grouping: rendered, by: \.channel)
        bump(byChannel.keys)
        for (channel, channelEntries) in byChannel {
            let targets = sinks.withLock { Array(($0[channel] ?? [:]).values) }
            for sink in targets {
                for entry in channelEntries { sink.offer(.entry(entry)) }
            }
        }
    }

    /// Tells `channel`'s streams that its manifest was read again (a new title, logo or
    /// status): item streams ignore it, live pages show it.
    public func touch(_ channel: String) {
        bump([channel])
        for sink in sinks.withLock({ Array(($0[channel] ?? [:]).values) }) { sink.offer(.changed(channel)) }
    }

    /// Tells a retired channel's streams, which then end.
    public func retire(_ channel: String, lastSeq: Int64) {
        bump([channel])
        for sink in sinks.withLock({ Array(($0[channel] ?? [:]).values) }) {
            sink.offer(.retired(channel: channel, lastSeq: lastSeq))
        }
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
        for sink in allSinks() { sink.tick(now: now, writeTimeout: configuration.writeTimeout) }
    }

    private func bump(_ channels: some Sequence<String>) {
        versions.withLock { table in
            for channel in channels { table[channel, default: 0] += 1 }
        }
    }

    private func allSinks() -> [StreamSink] {
        sinks.withLock { table in
            var seen: [ObjectIdentifier: StreamSink] = [:]
            for channelSinks in table.values { seen.merge(channelSinks) { first, _ in first } }
            return Array(seen.values)
        }
    }
}
