import Synchronization

/// What the hub did about slow readers since the server started.
public final class HubCounters: Sendable {
    /// Changes folded into one already queued for a live page or badge.
    public let coalesced = Atomic<Int>(0)
    /// Item streams whose queue filled up: told to resume, and ended.
    public let overflowed = Atomic<Int>(0)
    /// Readers cut off after a write stuck past `--write-timeout`.
    public let cutOff = Atomic<Int>(0)

    init() {}
}
