import DequeModule

/// One stream's bounded queue of hub events (SPEC §3.1 "Slow readers"): what waits while
/// the stream cannot write (its connection is full, or it is reading the store).
///
/// - It holds at most `capacity` events. One more, and the reader has fallen behind:
///   everything queued is dropped and the queue is `overflowed`, after which the stream
///   tells its reader where to resume and ends. Memory never grows with a slow reader, and
///   the hub never waits for one.
/// - A `coalescing` queue (a live page, a badge: only the current state matters) keeps one
///   change at most: a change already queued stands for any that follow, so it never
///   overflows.
public struct StreamQueue: Sendable {
    /// What became of an offered event.
    public enum Outcome: Equatable, Sendable {
        case queued
        /// A change already queued stands for it.
        case coalesced
        /// The queue filled up: everything queued was dropped.
        case overflowed
        /// The queue had overflowed before: nothing more is queued.
        case dropped
    }

    public let capacity: Int
    public let coalescing: Bool
    private var events: Deque<HubEvent> = []
    /// The queue filled up; it takes nothing more.
    public private(set) var overflowed = false
    /// The newest sequence offered on each channel, queued or not (what an overflow lost).
    public private(set) var newestOffered: [String: Int64] = [:]

    public init(capacity: Int, coalescing: Bool) {
        self.capacity = max(capacity, 1)
        self.coalescing = coalescing
    }

    public var isEmpty: Bool { events.isEmpty }
    public var count: Int { events.count }

    public mutating func offer(_ event: HubEvent) -> Outcome {
        if case .entry(let entry) = event {
            newestOffered[entry.channel] = max(newestOffered[entry.channel] ?? 0, entry.seq)
        }
        guard !overflowed else { return .dropped }
        if coalescing, events.contains(where: \.isChange) { return .coalesced }
        guard events.count < capacity else {
            events = []
            overflowed = true
            return .overflowed
        }
        events.append(event)
        return .queued
    }

    /// The oldest event queued.
    public mutating func take() -> HubEvent? {
        let event = events.popFirst()
        // Drained, it gives its storage back (an empty queue then costs its stream nothing).
        if events.isEmpty { events = [] }
        return event
    }

    /// Puts back an event just taken, to be taken first again (after what must come before it).
    public mutating func putBack(_ event: HubEvent) {
        events.prepend(event)
    }
}

extension HubEvent {
    /// Whether the channel's state moved on: an item logged, the manifest read again, retired.
    public var isChange: Bool {
        switch self {
        case .entry, .changed, .retired: true
        case .shutdown: false
        }
    }
}
