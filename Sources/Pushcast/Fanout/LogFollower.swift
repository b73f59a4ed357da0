import Logging
import Synchronization

/// The one way committed entries reach the hub (docs/CLUSTER.md): this node's checks hand
/// it what they logged, and on PostgreSQL the database's notifications and polls tell it how
/// far each channel's log reaches. `LogFollowing` decides; this carries it out: entries go to
/// the hub in sequence order, once, and when they do not follow what was handed over (another
/// node logged in between) the log is read after it, in a short task, one per channel at a time.
public final class LogFollower: Sendable {
    private let following: Mutex<LogFollowing>
    private let store: any Store
    private let hub: Hub
    private let logger: Logger
    /// How many entries one read of the log takes.
    static let pageSize = 200

    public init(store: any Store, hub: Hub, logger: Logger) {
        following = Mutex(LogFollowing())
        self.store = store
        self.hub = hub
        self.logger = logger
    }

    /// Starts from each channel's last sequence in the store, before anything is logged.
    public func start(lastSeqs: [String: Int64]) {
        following.withLock { $0 = LogFollowing(lastSeqs: lastSeqs) }
    }

    /// Entries this node just committed (any channels, each channel's in sequence order).
    public func logged(_ entries: [LogEntry]) {
        var channels: [String] = []
        var byChannel: [String: [LogEntry]] = [:]
        for entry in entries {
            if byChannel[entry.channel] == nil { channels.append(entry.channel) }
            byChannel[entry.channel, default: []].append(entry)
        }
        for channel in channels {
            apply(channel) { $0.logged(byChannel[channel] ?? [], channel: channel) }
        }
    }

    /// `channel`'s log is known to reach `seq`.
    public func known(_ channel: String, seq: Int64) {
        apply(channel) { $0.known(channel, seq: seq) }
    }

    /// The newest sequence handed to the hub for `channel`.
    public func last(_ channel: String) -> Int64 {
        following.withLock { $0.last(channel) }
    }

    private func apply(_ channel: String, _ input: (inout LogFollowing) -> LogFollowing.Step) {
        let fetchAfter = following.withLock { following in
            let step = input(&following)
            // Under the lock: the hub gets each channel's entries in order, whoever hands them over.
            hub.publish(step.publish)
            return step.fetchAfter
        }
        if let fetchAfter { fetch(channel, after: fetchAfter) }
    }

    private func fetch(_ channel: String, after seq: Int64) {
        Task {
            do {
                let entries = try await store.entries(channel: channel, after: seq, limit: Self.pageSize)
                apply(channel) { $0.fetched(entries, channel: channel, limit: Self.pageSize) }
            } catch {
                following.withLock { $0.failed(channel: channel) }
                logger.failure(
                    "entries another node logged could not be read; they are read again at the next look at the log",
                    error, metadata: ["channel": "\(channel)", "after": "\(seq)"])
            }
        }
    }
}
