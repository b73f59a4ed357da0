import NIOCore
import Pushcast

/// The push streams on one event loop, and the hub's receiver for their channels (the
/// engine knows no event loop: grouping streams by loop and writing belong here). Each
/// publication reaches the loop in one task, with its own copy of the rendered buffers (a
/// reference count two cores keep changing at once costs more than the copy), and is
/// handed to each stream there. The loop also keeps:
/// - one ticker for all its streams (heartbeats, stalled readers, a subscriber's cursors):
///   no timer per stream, and each tick visits only the streams due (`TickWheel`);
/// - the state fetches of pages and badges, one per channel and change for all of them;
/// - the cursors its subscriber streams confirm, handed to the `CursorBook` once per turn;
/// - the chunks its streams write, each framed once (`ChunkCache`).
///
/// Everything but `receive` runs on the loop.
final class LoopFanout: HubReceiver {
    private struct State {
        var streams = LoopStreams<PushStream>()
        var ticked: TickWheel<PushStream>
        var ticker: RepeatedTask?
        var stateLoads: [String: [PushStream]] = [:]
        var confirmed: [CursorBook.Confirmation] = []
        var confirmScheduled = false
        let chunks = ChunkCache()
    }

    let loop: any EventLoop
    private let hub: Hub
    private let cursors: CursorBook
    private let tickPeriod: TimeAmount
    private let state: NIOLoopBoundBox<State>
    /// The chunks framed lately on this loop; used on the loop only.
    var chunks: ChunkCache { state.value.chunks }

    /// Made on `loop`.
    init(loop: any EventLoop, hub: Hub, cursors: CursorBook, tickPeriod: TimeAmount, tickSlots: Int) {
        self.loop = loop
        self.hub = hub
        self.cursors = cursors
        self.tickPeriod = tickPeriod
        state = NIOLoopBoundBox(State(ticked: TickWheel(slots: tickSlots)), eventLoop: loop)
    }

    // MARK: HubReceiver

    func receive(_ events: [HubEvent]) {
        loop.execute { [self] in
            deliver(events.map(\.copiedForOneLoop))
        }
    }

    /// Hands `events` to each stream they are for in turn, with one reading of the clock
    /// for all of them. While one stream writes, the lines of the ones after it are fetched
    /// into the cache: the stream two ahead, and the write path of the next one (whose
    /// stream object came in a turn earlier).
    private func deliver(_ events: [HubEvent]) {
        let streams = state.value.streams.receivers(of: events)
        let now = ContinuousClock.now
        for index in streams.indices {
            if index + 2 < streams.count { WritePath.prefetch(WritePath.address(streams[index + 2])) }
            if index + 1 < streams.count { streams[index + 1].prefetchWritePath() }
            for event in events { streams[index].receive(event, now: now) }
        }
    }

    // MARK: Streams

    /// A stream joins: from now on the hub hands it its channels' events.
    func add(_ stream: PushStream) {
        attach(state.value.streams.insert(stream, channels: stream.channels, showsState: stream.showsState))
        if stream.spec.subscriber != nil {
            state.value.ticked.insertEveryTick(stream)
        } else {
            lookAgain(stream)
        }
        if state.value.ticker == nil {
            state.value.ticker = loop.scheduleRepeatedTask(initialDelay: tickPeriod, delay: tickPeriod) { [self] _ in
                let now = ContinuousClock.now
                let (everyTick, due) = state.value.ticked.tick()
                for stream in everyTick { stream.tick(now: now) }
                for stream in due {
                    stream.tick(now: now)
                    lookAgain(stream, now: now)
                }
            }
        }
    }

    /// Puts a stream that is not a subscriber's (those are visited at every tick) in the
    /// ticker's wheel for the tick it is next due, unless it has ended.
    func lookAgain(_ stream: PushStream, now: ContinuousClock.Instant = .now) {
        guard stream.spec.subscriber == nil, let due = stream.tickDue else { return }
        let ticks = ((due - now) / .nanoseconds(tickPeriod.nanoseconds)).rounded(.up)
        state.value.ticked.put(stream, inTicks: Int(min(max(ticks, 1), 1e9)))
    }

    func remove(_ stream: PushStream) {
        attach(state.value.streams.remove(stream, channels: stream.channels))
        state.value.ticked.remove(stream)
        if state.value.streams.isEmpty {
            state.value.ticker?.cancel()
            state.value.ticker = nil
        }
    }

    /// Tells the hub what this loop now takes of each channel in `interests`.
    private func attach(_ interests: [(String, LoopStreams<PushStream>.Interest?)]) {
        for (channel, interest) in interests {
            if let interest {
                hub.attach(self, to: channel, changes: interest == .everything)
            } else {
                hub.detach(self, from: channel)
            }
        }
    }

    /// Events waiting in the queues of this loop's streams.
    func queuedEvents() -> EventLoopFuture<Int> {
        loop.submit { [self] in state.value.streams.all.streams.reduce(0) { $0 + $1.queued } }
    }

    // MARK: Shared work

    /// Fetches a state once for every stream of the loop that asks for the same `key`
    /// while it is being fetched; each gets the result.
    func loadState(_ key: String, for stream: PushStream, load: @escaping @Sendable () async -> StreamMachine.Fetched) {
        if state.value.stateLoads[key] != nil {
            state.value.stateLoads[key]?.append(stream)
            return
        }
        state.value.stateLoads[key] = [stream]
        Task { [self] in
            let result = await load()
            loop.execute { [self] in
                for waiting in state.value.stateLoads.removeValue(forKey: key) ?? [] { waiting.fetched(result) }
            }
        }
    }

    /// Cursors a subscriber stream's write confirmed; they go to the cursor book once the
    /// loop has done what it is doing (one hand-over for a whole fan-out).
    func confirm(subscriber: String, _ positions: ChannelPositions) {
        positions.forEach { channel, seq in
            state.value.confirmed.append(CursorBook.Confirmation(subscriber: subscriber, channel: channel, seq: seq))
        }
        guard !state.value.confirmScheduled else { return }
        state.value.confirmScheduled = true
        loop.execute { [self] in handOverConfirmations() }
    }

    /// Hands the confirmed cursors to the cursor book now.
    func handOverConfirmations() {
        let batch = state.value.confirmed
        state.value.confirmed = []
        state.value.confirmScheduled = false
        if !batch.isEmpty { cursors.confirm(batch) }
    }
}
