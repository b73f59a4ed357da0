import DequeModule
import Synchronization

/// Rendered log entries kept in memory for replays, up to a number of bytes: every entry
/// the hub publishes, and every page a replay reads from the store. A reader that
/// reconnects a few items behind, or thousands of them after a restart, are sent the very
/// buffers the hub rendered, with no store read and no rendering of their own. The oldest
/// kept go first.
public final class RecentEntries: Sendable {
    private struct State {
        var byChannel: [String: [Int64: RenderedEntry]] = [:]
        var order: Deque<(channel: String, seq: Int64, bytes: Int)> = []
        var bytes = 0
    }

    public let byteLimit: Int
    private let state = Mutex(State())

    public init(byteLimit: Int) {
        self.byteLimit = byteLimit
    }

    /// Keeps `entries` (one already kept is kept once), letting the oldest go past the limit.
    public func insert(_ entries: [RenderedEntry]) {
        guard byteLimit > 0 else { return }
        state.withLock { state in
            for entry in entries where state.byChannel[entry.channel]?[entry.seq] == nil {
                let bytes = entry.byteCount
                state.byChannel[entry.channel, default: [:]][entry.seq] = entry
                state.order.append((entry.channel, entry.seq, bytes))
                state.bytes += bytes
            }
            while state.bytes > byteLimit, let oldest = state.order.popFirst() {
                state.bytes -= oldest.bytes
                state.byChannel[oldest.channel]?[oldest.seq] = nil
                if state.byChannel[oldest.channel]?.isEmpty == true { state.byChannel[oldest.channel] = nil }
            }
        }
    }

    /// `channel`'s entries after `after` up to `through`, oldest first, if every one of them
    /// is kept; nil if any is not.
    public func run(of channel: String, after: Int64, through: Int64) -> [RenderedEntry]? {
        guard through > after else { return [] }
        return state.withLock { state -> [RenderedEntry]? in
            guard let kept = state.byChannel[channel], kept.count >= Int(through - after) else { return nil }
            var run: [RenderedEntry] = []
            run.reserveCapacity(Int(through - after))
            for seq in (after + 1)...through {
                guard let entry = kept[seq] else { return nil }
                run.append(entry)
            }
            return run
        }
    }

    /// One kept entry.
    public func entry(of channel: String, seq: Int64) -> RenderedEntry? {
        state.withLock { $0.byChannel[channel]?[seq] }
    }

    /// Bytes kept now.
    public var bytes: Int { state.withLock { $0.bytes } }
}
