import NIOCore
import Synchronization

/// One open stream's side of the hub: a bounded queue of what is to be written, and the
/// writer's progress, which the hub's single ticker reads to send heartbeats and cut off
/// a reader stalled past the write timeout.
///
/// It is read in one of two ways: by a task awaiting `next()`, or by a consumer on an event
/// loop (`eventLoop`, `StreamConsumer`), so that an idle stream costs no task. The hub hands
/// such a consumer each event on its loop, and the queue is used only while it cannot write
/// (`deliverOnLoop`); it then wakes it there to `poll()` what queued.
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
    /// The loop of the consumer that `poll`s this sink; nil when a task awaits `next()`.
    public let eventLoop: (any EventLoop)?

    private struct State {
        var queue: [Event] = []
        var waiter: CheckedContinuation<Event, Never>?
        /// The event-loop reader, and whether it is due a wake for what queued.
        var consumer: (any StreamConsumer)?
        var wakeDue = false
        var ended = false
        var lastWrite = ContinuousClock.now
        var writingSince: ContinuousClock.Instant?
        var cancelWriter: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    init(
        channels: Set<String>, capacity: Int, quietInterval: Double, coalescing: Bool, counters: HubCounters,
        eventLoop: (any EventLoop)? = nil
    ) {
        self.channels = channels
        self.capacity = max(capacity, 1)
        self.quietInterval = quietInterval
        self.coalescing = coalescing
        self.counters = counters
        self.eventLoop = eventLoop
    }

    var queueDepth: Int { state.withLock { $0.queue.count } }

    /// Hands an event to the stream without ever waiting, from any thread. An event-loop
    /// consumer is woken on its loop (the hub's fan-out uses `deliverOnLoop` instead, on the
    /// loop already).
    public func offer(_ event: Event) {
        guard enqueue(event) else { return }
        eventLoop?.execute { self.wakeConsumer() }
    }

    /// Queues an event for an event-loop consumer, or hands it to an awaiting task; true when
    /// the consumer is to be woken (once, however many events queue before it polls).
    func enqueue(_ event: Event) -> Bool {
        let (waiter, wake) = state.withLock { state -> (CheckedContinuation<Event, Never>?, Bool) in
            guard !state.ended else { return (nil, false) }
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
                    return (nil, false)
                }
                if state.queue.count >= capacity {
                    counters.overflowed.wrappingAdd(1, ordering: .relaxed)
                    state.ended = true
                    state.queue = [.overflow]
                } else {
                    state.queue.append(event)
                }
            }
            guard let waiter = state.waiter else {
                if state.consumer != nil { state.wakeDue = true }
                return (nil, state.wakeDue)
            }
            state.waiter = nil
            return (waiter, false)
        }
        waiter?.resume(returning: dequeue())
        return wake
    }

    /// On `eventLoop`: tells the consumer there are events to poll, if it has not been told.
    func wakeConsumer() {
        let consumer = state.withLock { state -> (any StreamConsumer)? in
            guard state.wakeDue else { return nil }
            state.wakeDue = false
            return state.consumer
        }
        consumer?.wake()
    }

    /// Makes `consumer` this sink's reader, on `eventLoop`; nil when it ends.
    public func setConsumer(_ consumer: (any StreamConsumer)?) {
        state.withLock {
            $0.consumer = consumer
            $0.wakeDue = false
        }
    }

    /// On `eventLoop`: hands `event` to the consumer at once when nothing is queued before it
    /// and the consumer can write it now (the common case: no queue, no wake); else queues
    /// it and wakes the consumer.
    func deliverOnLoop(_ event: Event) {
        let consumer = state.withLock { $0.queue.isEmpty && !$0.ended ? $0.consumer : nil }
        if let consumer, consumer.take(event) { return }
        if enqueue(event) { wakeConsumer() }
    }

    /// The next queued event, without waiting (for an event-loop consumer).
    public func poll() -> Event? {
        state.withLock { state in
            state.wakeDue = false
            guard state.queue.count > 1 else {
                // The last one: an idle stream keeps no queue storage.
                defer { state.queue = [] }
                return state.queue.first
            }
            return state.queue.removeFirst()
        }
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

    /// An event-loop consumer wrote: the stream is not silent.
    public func wrote() {
        state.withLock { $0.lastWrite = .now }
    }

    /// An event-loop consumer's connection stopped taking writes: from now the ticker counts
    /// the stream as writing, and cuts it off after the write timeout.
    public func stalled() {
        state.withLock { state in
            if state.writingSince == nil { state.writingSince = .now }
        }
    }

    /// The connection takes writes again.
    public func unstalled() {
        state.withLock { state in
            state.writingSince = nil
            state.lastWrite = .now
        }
    }

    /// How to stop a task awaiting `next()` when its writes are stalled (cancelling the task);
    /// cleared with nil before that task ends. An event-loop consumer is told `cutOff()`.
    public func setCanceller(_ cancel: (@Sendable () -> Void)?) {
        state.withLock { $0.cancelWriter = cancel }
    }

    /// The ticker's look at this stream: a heartbeat if it has been quiet, a cut-off if a
    /// write has been stuck for `writeTimeout` seconds. True when an event-loop consumer is
    /// to be woken for its heartbeat.
    func tick(now: ContinuousClock.Instant, writeTimeout: Double) -> Bool {
        enum Action {
            case heartbeat(CheckedContinuation<Event, Never>), wake, cancel(@Sendable () -> Void), cutOff(any StreamConsumer)
            case none
        }
        let action = state.withLock { state -> Action in
            if let since = state.writingSince, now - since >= .milliseconds(Int64(writeTimeout * 1000)) {
                if let consumer = state.consumer {
                    state.writingSince = nil
                    return .cutOff(consumer)
                }
                guard let cancel = state.cancelWriter else { return .none }
                state.cancelWriter = nil
                return .cancel(cancel)
            }
            guard state.queue.isEmpty, state.writingSince == nil, !state.ended,
                now - state.lastWrite >= .milliseconds(Int64(quietInterval * 1000))
            else { return .none }
            if let waiter = state.waiter {
                state.waiter = nil
                state.lastWrite = now
                return .heartbeat(waiter)
            }
            guard state.consumer != nil else { return .none }
            state.lastWrite = now
            state.queue.append(.heartbeat)
            state.wakeDue = true
            return .wake
        }
        switch action {
        case .heartbeat(let waiter): waiter.resume(returning: .heartbeat)
        case .wake: return true
        case .cancel(let cancel):
            counters.cutOff.wrappingAdd(1, ordering: .relaxed)
            cancel()
        case .cutOff(let consumer):
            counters.cutOff.wrappingAdd(1, ordering: .relaxed)
            consumer.cutOff()
        case .none: break
        }
        return false
    }
}

/// A sink's reader on an event loop (`StreamSink.setConsumer`).
public protocol StreamConsumer: AnyObject, Sendable {
    /// On the sink's loop: there are events to `poll`.
    func wake()
    /// On the sink's loop: an event with nothing queued before it; true when it was handled
    /// at once, false to have it queued.
    func take(_ event: StreamSink.Event) -> Bool
    /// From any thread: its writes have been stuck past the write timeout.
    func cutOff()
}

extension StreamSink.Event {
    /// The event with an entry's buffers of its own (`RenderedEntry.copied`).
    var copiedForOneLoop: Self {
        guard case .entry(let entry) = self else { return self }
        return .entry(entry.copied())
    }

    /// An item logged or a manifest read again: either way the channel's state moved on.
    var isChange: Bool {
        switch self {
        case .entry, .changed: true
        default: false
        }
    }
}
