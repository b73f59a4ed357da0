/// The streams a loop's ticker visits, and when: a subscriber's stream at every tick (the
/// cursors its reader has acknowledged are settled then), every other stream once in
/// `rounds` ticks, spread evenly over them. The ticker turns once a second at most, for the
/// cursors; a heartbeat or a write timeout needs a stream looked at only every quarter of
/// its interval (5 s at the default 20), and each visit is a cache miss on a stream that has
/// been quiet. With 1,000 idle streams, visiting each every second was 42 % of an idle
/// server's CPU samples (docs/PUSH.md). Generic so that tests need no sockets; used on its
/// loop only.
struct TickRounds<Stream: AnyObject> {
    private var everyTick = StreamList<Stream>()
    private var rounds: [StreamList<Stream>]
    /// The round of each stream visited once in `rounds` ticks.
    private var roundOf: [ObjectIdentifier: Int] = [:]
    /// The round the next tick visits.
    private var turn = 0

    /// `rounds`: how many ticks apart a stream that is not a subscriber's is visited (1: at
    /// every tick).
    init(rounds: Int) {
        self.rounds = Array(repeating: StreamList(), count: max(rounds, 1))
    }

    var isEmpty: Bool { everyTick.isEmpty && roundOf.isEmpty }

    mutating func insert(_ stream: Stream, everyTick visitedAtEveryTick: Bool) {
        guard !visitedAtEveryTick else { return everyTick.insert(stream) }
        let id = ObjectIdentifier(stream)
        guard roundOf[id] == nil else { return }
        // The smallest round, so that every tick visits about as many streams.
        let round = rounds.indices.min { rounds[$0].streams.count < rounds[$1].streams.count }!
        roundOf[id] = round
        rounds[round].insert(stream)
    }

    mutating func remove(_ stream: Stream) {
        if let round = roundOf.removeValue(forKey: ObjectIdentifier(stream)) {
            rounds[round].remove(stream)
        } else {
            everyTick.remove(stream)
        }
    }

    /// The streams this tick visits: the subscribers' and one round of the others.
    mutating func tick() -> (everyTick: [Stream], round: [Stream]) {
        let round = rounds[turn].streams
        turn = (turn + 1) % rounds.count
        return (everyTick.streams, round)
    }
}
