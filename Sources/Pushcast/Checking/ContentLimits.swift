/// Bounds on reading item content.
public struct ContentLimits: Sendable, Hashable {
    /// Content up to this size is kept in the log with its entry; larger content is hashed only.
    public var storedBytes: Int
    /// A remote answer larger than this is abandoned (a failure for that origin).
    public var fetchBytes: Int
    /// How long one remote fetch may take, in seconds.
    public var fetchTimeout: Double
    /// Fetches in flight to one origin at most, and in all.
    public var fetchesPerOrigin: Int
    public var fetchesInAll: Int

    public init(
        storedBytes: Int = 1 << 20, fetchBytes: Int = 8 << 20, fetchTimeout: Double = 10, fetchesPerOrigin: Int = 2,
        fetchesInAll: Int = 16
    ) {
        self.storedBytes = storedBytes
        self.fetchBytes = fetchBytes
        self.fetchTimeout = fetchTimeout
        self.fetchesPerOrigin = fetchesPerOrigin
        self.fetchesInAll = fetchesInAll
    }
}
