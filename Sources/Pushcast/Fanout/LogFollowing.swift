/// What a node has handed to its hub of each channel's log, and what it must still read
/// (SPEC §6): the one way committed entries reach the streams, whether this node logged them
/// or another node did. A pure state machine: every input returns what to do, `LogFollower`
/// does it.
///
/// Per channel it knows the newest sequence handed to the hub (`last`) and the newest known
/// to be committed (`wanted`: from this node's own writes, a notification, a poll). Entries are
/// handed over in sequence order and once: whatever is at or below `last` is dropped. When the
/// entries in hand do not follow `last` (another node logged in between), the log is read after
/// `last`, one read in flight per channel, again until `wanted` is reached.
struct LogFollowing {
    /// What to do after an input: hand `publish` to the hub (in order), then read the
    /// channel's log after `fetchAfter` when it is set.
    struct Step: Equatable {
        var publish: [LogEntry] = []
        var fetchAfter: Int64?
    }

    private struct Position {
        var last: Int64
        var wanted: Int64
        /// While a read is in flight: what was wanted when it started.
        var fetchingFor: Int64?

        var fetching: Bool { fetchingFor != nil }

        /// Starts a read when more is wanted and none is in flight.
        mutating func fetchIfWanted() -> Int64? {
            guard fetchingFor == nil, wanted > last else { return nil }
            fetchingFor = wanted
            return last
        }
    }

    private var channels: [String: Position] = [:]

    /// Starts from each channel's last sequence in the store: what was logged before is
    /// the replays' business, not the hub's.
    init(lastSeqs: [String: Int64] = [:]) {
        for (channel, seq) in lastSeqs { channels[channel] = Position(last: seq, wanted: seq) }
    }

    /// The newest sequence handed to the hub for `channel` (0 before any).
    func last(_ channel: String) -> Int64 {
        channels[channel]?.last ?? 0
    }

    /// Entries this node just committed, of one channel, in sequence order: handed over at
    /// once when they follow what was, read from the log otherwise.
    mutating func logged(_ entries: [LogEntry], channel: String) -> Step {
        guard let newest = entries.last?.seq else { return Step() }
        var position = channels[channel] ?? Position(last: 0, wanted: 0)
        position.wanted = max(position.wanted, newest)
        let fresh = entries.filter { $0.seq > position.last }
        var step = Step()
        if !position.fetching, fresh.first?.seq == position.last + 1 {
            step.publish = fresh
            position.last = newest
        } else {
            step.fetchAfter = position.fetchIfWanted()
        }
        channels[channel] = position
        return step
    }

    /// `channel`'s log is known to reach `seq` (a notification, a poll): read what this node
    /// has not handed over yet, unless a read is in flight (it goes on to `seq`).
    mutating func known(_ channel: String, seq: Int64) -> Step {
        var position = channels[channel] ?? Position(last: 0, wanted: 0)
        position.wanted = max(position.wanted, seq)
        let step = Step(fetchAfter: position.fetchIfWanted())
        channels[channel] = position
        return step
    }

    /// A read of `channel`'s log after `after` came back with `entries` (at most `limit`).
    /// They are handed over as they are, even when the first does not follow `last` (the
    /// log was pruned past it: each stream says `gap`). Reads on while more is wanted.
    mutating func fetched(_ entries: [LogEntry], channel: String, limit: Int) -> Step {
        guard var position = channels[channel], let wantedThen = position.fetchingFor else { return Step() }
        position.fetchingFor = nil
        let fresh = entries.filter { $0.seq > position.last }
        var step = Step(publish: fresh)
        if let newest = fresh.last?.seq { position.last = newest }
        if entries.count < limit, position.wanted <= wantedThen {
            // The log held nothing more, and nothing newer was heard of meanwhile: what was
            // wanted beyond it is not there (a notification ahead of its commit cannot be).
            position.wanted = position.last
        }
        step.fetchAfter = position.fetchIfWanted()
        channels[channel] = position
        return step
    }

    /// A read failed: nothing is read until the channel is heard of again (the next poll
    /// at the latest).
    mutating func failed(channel: String) {
        channels[channel]?.fetchingFor = nil
    }
}
