import DequeModule
import NIOCore
import Pushcast

/// A push stream's life as an explicit state machine (SPEC §3.1, DESIGN.md "One stream
/// path"): inputs are what happens to the stream (its head is written, the hub hands it an
/// event, a read of the store comes back, its connection fills up or empties, the ticker
/// ticks), and each returns what the stream is to do now (`Action`). It does no I/O and
/// reads no clock of its own, so every rule is tested without sockets; `PushStream` drives
/// it on the connection's event loop.
///
/// - **Opening**: the stream asks for its opening (`Fetch.opening`: resume plans, or the
///   current state), and events from the hub queue meanwhile.
/// - **Live**: while the connection takes writes and nothing else is pending, an event is
///   written the moment it comes; otherwise it waits in the bounded `StreamQueue`.
/// - **Replays** (a plan's log after a position, or a seq that skipped ahead) are read a
///   page at a time (`Fetch.page`); live events queue meanwhile, and those already sent
///   are dropped, so there is no hole and no repeat at the seam.
/// - **State** streams (live page, badge) fetch the current state on every change; their
///   queue keeps one change at most.
/// - **Durable** streams (a subscriber's) hand each write the cursor it moves (its item's, or
///   a gap's), which the handler holds until the reader's TCP has acknowledged the write's
///   bytes (`CursorAcknowledgements`). One that ends once what is pending is sent (`once`)
///   waits until its cursors are in the store before its last part, so that its reader's
///   next request starts after them.
/// - **Endings**: retired, shutdown, overflow, a failed fetch: a final part; a connection
///   stalled past the write timeout: a reset.
struct StreamMachine {
    private enum Phase {
        case created
        case opening
        case live
        case fetching
        case closed
    }

    /// What the stream does before it takes another event.
    private enum Step {
        case part(Part, final: Bool)
        case replay(LogReplay)
        /// Wait until the cursors confirmed so far are written.
        case persist
    }

    let settings: Settings
    private var phase = Phase.created
    private var queue: StreamQueue
    private var pending: Deque<Step> = []
    /// The newest sequence sent (or known to be behind the reader), per channel.
    private var positions = ChannelPositions()
    /// The replay whose page is being read.
    private var replay: LogReplay?
    private var writable = true
    private var stalledSince: ContinuousClock.Instant?
    /// When the stream last wrote (its head, when it started): a heartbeat is due once
    /// `settings.quiet` has passed since.
    private var lastWrite: ContinuousClock.Instant
    /// State streams: the last state written (sent again after silence), and the entry the
    /// state being fetched is the first to show.
    private var lastState: ByteBuffer?
    private var stateShows: RenderedEntry?

    /// `now`: when its head is written.
    init(_ settings: Settings, now: ContinuousClock.Instant) {
        self.settings = settings
        lastWrite = now
        queue = StreamQueue(capacity: settings.queueCapacity, coalescing: settings.presentation == .state)
    }

    var isClosed: Bool { phase == .closed }
    /// Events waiting in the queue.
    var queued: Int { queue.count }
    /// When the ticker must look at the stream again: when a stalled reader's write timeout
    /// ends, else when its quiet interval does; nil once it is closed. Writes only move it
    /// later, so a ticker that looks then and finds nothing due asks again.
    var tickDue: ContinuousClock.Instant? {
        guard phase != .closed else { return nil }
        if let stalledSince { return stalledSince + settings.writeTimeout }
        return lastWrite + settings.quiet
    }

    // MARK: Inputs

    /// The response head is written: the stream asks for its opening.
    mutating func start(now: ContinuousClock.Instant) -> Action {
        lastWrite = now
        phase = .opening
        return .fetch(.opening)
    }

    /// An event from the hub.
    mutating func receive(_ event: HubEvent, now: ContinuousClock.Instant) -> Reception {
        switch phase {
        case .created, .closed: return .ignored
        case .opening, .live, .fetching: break
        }
        if case .shutdown = event { return .act(finish(now: now)) }
        // A manifest read again means nothing to an item stream, so it takes no place in the
        // queue of one that is waiting (a publisher touching the manifest never overflows it).
        if case .changed = event, case .items = settings.presentation { return .ignored }
        if phase == .live, writable, pending.isEmpty, queue.isEmpty {
            return handle(event, now: now).map { .act($0) } ?? .ignored
        }
        switch queue.offer(event) {
        case .queued: return .queued
        case .coalesced: return .coalesced
        case .overflowed: return .overflowed
        case .dropped: return .ignored
        }
    }

    /// A fetch came back.
    mutating func fetched(_ result: Fetched, now: ContinuousClock.Instant) -> Action? {
        guard phase == .opening || phase == .fetching else { return nil }
        phase = .live
        switch result {
        case .failed:
            return finish(now: now)
        case .opening(let openings):
            for opening in openings { apply(opening) }
            if case .items(let durable, once: true) = settings.presentation {
                // What is there is sent; then the end. A durable stream ends once its reader
                // has acknowledged what was sent and its cursors are in the store.
                if durable { pending.append(.persist) }
                pending.append(.part(.heartbeat, final: true))
            }
        case .state(let part, let final):
            pending.append(.part(.state(part, showing: stateShows), final: final))
            stateShows = nil
        case .cursorsWritten:
            break
        case .page(let page):
            guard var replay else { break }
            self.replay = nil
            var steps: [Step] = replay.take(page).map { step in
                switch step {
                case .entry(let entry): .part(.item(entry, live: false), final: false)
                case .gap(let gap): .part(.gap(gap), final: false)
                }
            }
            if !replay.isDone { steps.append(.replay(replay)) }
            pending.insert(contentsOf: steps, at: 0)
        }
        return next(now: now)
    }

    /// The connection takes writes again, or has stopped taking them.
    mutating func writabilityChanged(_ writable: Bool, now: ContinuousClock.Instant) -> Action? {
        guard self.writable != writable else { return nil }
        self.writable = writable
        guard writable else {
            stalledSince = now
            return nil
        }
        stalledSince = nil
        return next(now: now)
    }

    /// The ticker: a reader stalled past the write timeout is cut off; a stream quiet for
    /// its interval gets a heartbeat (a state stream, its state again).
    mutating func tick(now: ContinuousClock.Instant) -> Action? {
        guard phase != .created, phase != .closed else { return nil }
        if let stalledSince {
            guard now - stalledSince >= settings.writeTimeout else { return nil }
            phase = .closed
            return .reset
        }
        guard phase == .live, pending.isEmpty, queue.isEmpty, now - lastWrite >= settings.quiet else { return nil }
        switch settings.presentation {
        case .items: return write(.heartbeat, final: false, now: now)
        case .state: return lastState.map { write(.state($0, showing: nil), final: false, now: now) }
        }
    }

    /// The connection has gone.
    mutating func close() {
        phase = .closed
    }

    /// The next thing to do, after an action was carried out (`now`, when it was); nil when
    /// the stream waits.
    mutating func next(now: ContinuousClock.Instant) -> Action? {
        guard phase == .live else { return nil }
        while writable {
            if let step = pending.popFirst() {
                // Drained, it gives its storage back: a live stream's checks then read the
                // shared empty deque, not memory of its own.
                if pending.isEmpty { pending = [] }
                switch step {
                case .part(let part, let final):
                    return write(part, final: final, now: now)
                case .replay(let replay):
                    self.replay = replay
                    phase = .fetching
                    return .fetch(.page(channel: replay.channel, after: replay.position, through: replay.through))
                case .persist:
                    phase = .fetching
                    return .fetch(.cursors)
                }
            }
            if queue.overflowed { return overflowEnding(now: now) }
            guard let event = queue.take() else { return nil }
            if let action = handle(event, now: now) { return action }
        }
        return nil
    }

    // MARK: Rules

    /// A plan's parts, in order: the gap, the snapshot, the replay, and `retired`.
    private mutating func apply(_ opening: ChannelOpening) {
        let plan = opening.plan
        if let gap = plan.gap { pending.append(.part(.gap(gap), final: false)) }
        if plan.snapshot, let snapshot = opening.snapshot { pending.append(.part(.snapshot(snapshot), final: false)) }
        positions[opening.channel] = plan.position
        if let replay = plan.replay { pending.append(.replay(replay)) }
        if plan.retired {
            pending.append(
                .part(.retired(channel: opening.channel, lastSeq: opening.lastSeq), final: settings.channels.count == 1))
        }
    }

    /// One event, live: what to do about it, if anything.
    private mutating func handle(_ event: HubEvent, now: ContinuousClock.Instant) -> Action? {
        if case .state = settings.presentation {
            if case .entry(let entry) = event, stateShows == nil { stateShows = entry }
            phase = .fetching
            return .fetch(.state)
        }
        switch event {
        case .entry(let entry):
            guard let position = positions[entry.channel], entry.seq > position else { return nil }
            guard entry.seq == position + 1 else {
                // Live went ahead of what was sent: the entries between come from the log first.
                queue.putBack(event)
                let replay = LogReplay(channel: entry.channel, after: position, through: entry.seq - 1)
                self.replay = replay
                phase = .fetching
                return .fetch(.page(channel: replay.channel, after: replay.position, through: replay.through))
            }
            return write(.item(entry, live: true), final: false, now: now)
        case .changed:
            return nil
        case .retired(let channel, let lastSeq):
            guard positions[channel] != nil else { return nil }
            return write(.retired(channel: channel, lastSeq: lastSeq), final: settings.channels.count == 1, now: now)
        case .shutdown:
            return finish(now: now)
        }
    }

    private mutating func write(_ part: Part, final: Bool, now: ContinuousClock.Instant) -> Action {
        var confirming = ChannelPositions()
        if case .items(durable: true, once: _) = settings.presentation {
            switch part {
            case .item(let entry, _): confirming[entry.channel] = entry.seq
            case .gap(let gap) where gap.channel != LogGap.allChannels: confirming[gap.channel] = gap.resumeSince
            default: break
            }
        }
        switch part {
        case .item(let entry, _): positions[entry.channel] = entry.seq
        case .gap(let gap) where gap.channel != LogGap.allChannels:
            positions[gap.channel] = max(positions[gap.channel] ?? 0, gap.resumeSince)
        case .state(let state, _): lastState = state
        default: break
        }
        lastWrite = now
        if final { phase = .closed }
        return .write(part, final: final, confirming: confirming)
    }

    /// The queue filled up: one `gap` says where to resume, and the stream ends. A
    /// subscriber resumes after its stored cursors; a state stream never overflows.
    private mutating func overflowEnding(now: ContinuousClock.Instant) -> Action {
        switch settings.presentation {
        case .items(durable: true, once: _):
            let gap = LogGap(channel: LogGap.allChannels, from: 0, to: 0, reason: .overflow, resumeSince: 0)
            return write(.gap(gap), final: true, now: now)
        case .items(durable: false, once: _):
            let channel = settings.channels.first ?? ""
            let position = positions[channel] ?? 0
            let newest = max(queue.newestOffered[channel] ?? position, position)
            let gap = LogGap(channel: channel, from: position + 1, to: newest, reason: .overflow, resumeSince: position)
            return write(.gap(gap), final: true, now: now)
        case .state:
            return finish(now: now)
        }
    }

    /// Ends the stream at once: a last part (a heartbeat, or the state again) and the close
    /// delimiter; a connection that takes no writes is reset instead.
    private mutating func finish(now: ContinuousClock.Instant) -> Action {
        guard writable else {
            phase = .closed
            return .reset
        }
        switch settings.presentation {
        case .items: return write(.heartbeat, final: true, now: now)
        case .state:
            guard let lastState else {
                phase = .closed
                return .close
            }
            return write(.state(lastState, showing: nil), final: true, now: now)
        }
    }
}
