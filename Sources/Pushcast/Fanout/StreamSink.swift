import Synchronization

/// One open stream's side of the hub: a bounded queue of what is to be written, and the
/// writer's progress, which the hub's single ticker reads to send heartbeats and cut off
/// a reader stalled past the write timeout.
///
/// When the queue is full the reader has fallen behind: everything queued is replaced by
/// one `overflow`, after which the stream tells its client where to resume and ends. So
/// memory never grows with a slow reader, and the hub never waits for one.
public final class StreamSink: Sendable {
    public enum Event: Sendable {
        case entry(RenderedEntry)
        /// The channel's manifest was read again; nothing was logged.
        case changed(String)
        /// Nothing was written for a heartbeat interval (for a long poll: its time is up).
        case heartbeat
        case retired(channel: String, lastSeq: Int64)
        case overflow
        case shutdown
    }

    public let channels: Set<String>
    let capacity: Int
    /// Seconds of silence before a heartbeat (a long poll's timeout).
    let quietInterval: Double
    /// Shows only the current state: a change already queued stands for any that follow.
    let coalescing: Bool
    let counters: HubCounters

    private struct State {
        var queue: [Event] = []
        var waiter: CheckedContinuation<Event, Never>?
        var ended = false
        var lastWrite = ContinuousClock.now
        var writingSince: ContinuousClock.Instant?
        var cancelWriter: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    init(channels: Set<String>, capacity: Int, quietInterval: Double, coalescing: Bool, counters: HubCounters) {
        self.channels = channels
        self.capacity = max(capacity, 1)
        self.quietInterval = quietInterval
        self.coalescing = coalescing
        self.counters = counters
    }

    var queueDepth: Int { state.withLock { $0.queue.count } }

    /// Hands an event to the stream without ever waiting.
    public func offer(_ event: Event) {
        let waiter = state.withLock { state -> CheckedContinuation<Event, Never>? in
            guard !state.ended else { return nil }
            switch event {
            case .retired where channels.count > 1:
                // One of several channels went: the others go on.
                state.queue.append(event)
            case .shutdown, .retired, .overflow:
                state.ended = true
                state.queue = [event]
            case .entry, .changed, .heartbeat:
                if coalescing, event.isChange, state.queue.contains(where: \.isChange) {
                    counters.coalesced.wrappingAdd(1, ordering: .relaxed)
                    return nil
                }
                if state.queue.count >= capacity {
                    counters.overflowed.wrappingAdd(1, ordering: .relaxed)
                    state.ended = true
                    state.queue = [.overflow]
                } else {
                    state.queue.append(event)
                }
            }
            guard let waiter = state.waiter else { return nil }
            state.waiter = nil
            return waiter
        }
        if let waiter { waiter.resume(returning: dequeue()) }
    }

    private func dequeue() -> Event {
        state.withLock { state in state.queue.isEmpty ? .heartbeat : state.queue.removeFirst() }
    }

    /// The next event, waiting for one; a cancelled wait returns `shutdown`.
    public func next() async -> Event {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Event? in
                    if !state.queue.isEmpty { return state.queue.removeFirst() }
                    if Task.isCancelled { return .shutdown }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Event, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: .shutdown)
        }
    }

    /// Runs one write, so that the ticker can tell a stalled reader from a slow one.
    public func write<T>(_ body: () async throws -> T) async rethrows -> T {
        state.withLock { $0.writingSince = .now }
        defer { state.withLock { $0.writingSince = nil; $0.lastWrite = .now } }
        return try await body()
    }

    /// How to stop the writer when it is stalled (cancelling its task); cleared with nil
    /// before that task ends.
    public func setCanceller(_ cancel: (@Sendable () -> Void)?) {
        state.withLock { $0.cancelWriter = cancel }
    }

    /// The ticker's look at this stream: a heartbeat if it has been quiet, a cut-off if a
    /// write has been stuck for `writeTimeout` seconds.
    func tick(now: ContinuousClock.Instant, writeTimeout: Double) {
        enum Action { case heartbeat(CheckedContinuation<Event, Never>), cancel(@Sendable () -> Void), none }
        let action = state.withLock { state -> Action in
            if let since = state.writingSince, now - since >= .milliseconds(Int64(writeTimeout * 1000)) {
                guard let cancel = state.cancelWriter else { return .none }
                state.cancelWriter = nil
                return .cancel(cancel)
            }
            if let waiter = state.waiter, state.queue.isEmpty,
                now - state.lastWrite >= .milliseconds(Int64(quietInterval * 1000))
            {
                state.waiter = nil
                state.lastWrite = now
                return .heartbeat(waiter)
            }
            return .none
        }
        switch action {
        case .heartbeat(let waiter): waiter.resume(returning: .heartbeat)
        case .cancel(let cancel):
            counters.cutOff.wrappingAdd(1, ordering: .relaxed)
            cancel()
        case .none: break
        }
    }
}

extension StreamSink.Event {
    /// An item logged or a manifest read again: either way the channel's state moved on.
    var isChange: Bool {
        switch self {
        case .entry, .changed: true
        default: false
        }
    }
}
