import Foundation
import Synchronization

/// Live fan-out, no history (DESIGN.md step 6): channel → receivers. When the store has
/// logged entries, each is rendered once per wire format, kept a while for replays
/// (`RecentEntries`), and the same bytes are handed to every receiver of its channel;
/// handing over never waits. The hub knows channels and receivers only: how streams are
/// grouped, queued and written is the receivers' business (`PushcastHTTP`). It also counts
/// the open streams against `--max-streams`, and each channel's changes (`version(of:)`).
public final class Hub: Sendable {
    public let configuration: HubConfiguration
    /// A receiver of a channel, and whether it is handed `changed` too.
    private struct Attached {
        let receiver: any HubReceiver
        let changes: Bool
    }

    /// Channel → receivers by identity.
    private let receivers = Mutex<[String: [ObjectIdentifier: Attached]]>([:])
    private let streamCount = Atomic<Int>(0)
    private let versions = Mutex<[String: Int]>([:])
    private let rendering: Mutex<PartRenderer>
    /// What happened to slow readers, for `/stats` and `/metrics`.
    public let counters = HubCounters()
    /// The entries published lately, rendered, so that a replay reuses them.
    public let recent: RecentEntries

    public init(configuration: HubConfiguration) {
        self.configuration = configuration
        rendering = Mutex(PartRenderer(inlineContentBytes: configuration.inlineContentBytes, publicURL: ""))
        recent = RecentEntries(byteLimit: configuration.recentBytes)
    }

    /// The renderer, with the server's base URL once it is known.
    public var renderer: PartRenderer { rendering.withLock { $0 } }

    public func setPublicURL(_ url: String) {
        rendering.withLock { $0.publicURL = url }
    }

    // MARK: Receivers

    /// From now on, `receiver` is handed `channel`'s events; a manifest read again
    /// (`changed`) only with `changes` (pages and badges show it; item streams and long polls
    /// ignore it, and every publication is one). Attaching again replaces the first.
    public func attach(_ receiver: any HubReceiver, to channel: String, changes: Bool) {
        receivers.withLock {
            $0[channel, default: [:]][ObjectIdentifier(receiver)] = Attached(receiver: receiver, changes: changes)
        }
    }

    public func detach(_ receiver: any HubReceiver, from channel: String) {
        receivers.withLock { table in
            table[channel]?[ObjectIdentifier(receiver)] = nil
            if table[channel]?.isEmpty == true { table[channel] = nil }
        }
    }

    // MARK: Admission

    /// Takes one of the `--max-streams` places for a stream or a long poll; false when they
    /// are all taken. Every place taken is given back with `releaseStream()`.
    public func reserveStream() -> Bool {
        guard streamCount.wrappingAdd(1, ordering: .relaxed).newValue <= configuration.maxStreams else {
            streamCount.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    public func releaseStream() {
        streamCount.wrappingSubtract(1, ordering: .relaxed)
    }

    public var openStreams: Int { streamCount.load(ordering: .relaxed) }

    /// Returns once every place is given back, or after `seconds` (at shutdown: the streams
    /// are ending).
    public func waitUntilNoStreams(for seconds: Double) async {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while openStreams > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    // MARK: Events

    /// How many times `channel` has changed (items logged, manifest reloaded, retired) since
    /// the server started: pages rendered from a channel's state are current while this holds.
    public func version(of channel: String) -> Int {
        versions.withLock { $0[channel] ?? 0 }
    }

    /// Hands freshly logged entries (already committed) to their channels' receivers,
    /// rendered once.
    public func publish(_ entries: [LogEntry]) {
        guard !entries.isEmpty else { return }
        let renderer = self.renderer
        let now = ContinuousClock.now
        let rendered = entries.map { renderer.render($0, published: now) }
        recent.insert(rendered)
        let byChannel = Dictionary(grouping: rendered, by: \.channel)
        bump(byChannel.keys)
        for (channel, channelEntries) in byChannel { deliver(channelEntries.map { .entry($0) }, on: channel) }
    }

    /// Tells `channel`'s receivers that its manifest was read again (a new title, logo or
    /// status): item streams ignore it, live pages show it.
    public func touch(_ channel: String) {
        bump([channel])
        deliver([.changed(channel)], on: channel, changesOnly: true)
    }

    /// Tells a retired channel's receivers.
    public func retire(_ channel: String, lastSeq: Int64) {
        bump([channel])
        deliver([.retired(channel: channel, lastSeq: lastSeq)], on: channel)
    }

    /// Tells every receiver that the server is stopping.
    public func shutdown() {
        let everyone = receivers.withLock { table in
            var seen: [ObjectIdentifier: any HubReceiver] = [:]
            for group in table.values {
                for (id, attached) in group { seen[id] = attached.receiver }
            }
            return Array(seen.values)
        }
        for receiver in everyone { receiver.receive([.shutdown]) }
    }

    private func deliver(_ events: [HubEvent], on channel: String, changesOnly: Bool = false) {
        let attached = receivers.withLock { table in
            (table[channel] ?? [:]).values.filter { !changesOnly || $0.changes }.map(\.receiver)
        }
        for receiver in attached { receiver.receive(events) }
    }

    private func bump(_ channels: some Sequence<String>) {
        versions.withLock { table in
            for channel in channels { table[channel, default: 0] += 1 }
        }
    }
}
