/// The hub's bounds (SPEC §3.1).
public struct HubConfiguration: Sendable, Hashable {
    /// Seconds of silence before a heartbeat part (`--heartbeat`).
    public var heartbeat: Double
    /// Seconds a write may be stuck before its reader is cut off (`--write-timeout`).
    public var writeTimeout: Double
    /// Events queued per stream before it is coalesced into a gap.
    public var queueCapacity: Int
    /// Open streams at most (`--max-streams`); past it, 503.
    public var maxStreams: Int
    /// Precached content up to this size goes inline in item parts.
    public var inlineContentBytes: Int
    /// Bytes of rendered entries kept in memory for replays (`RecentEntries`).
    public var recentBytes: Int

    public init(
        heartbeat: Double = 20, writeTimeout: Double = 30, queueCapacity: Int = 256, maxStreams: Int = 20_000,
        inlineContentBytes: Int = 256 << 10, recentBytes: Int = 32 << 20
    ) {
        self.heartbeat = heartbeat
        self.writeTimeout = writeTimeout
        self.queueCapacity = queueCapacity
        self.maxStreams = maxStreams
        self.inlineContentBytes = inlineContentBytes
        self.recentBytes = recentBytes
    }
}
