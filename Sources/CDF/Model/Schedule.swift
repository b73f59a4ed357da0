/// How often the publisher asks that the channel be checked (CDF `SCHEDULE`, SPEC §1.2):
/// once within each consecutive interval starting at midnight of `start`, at a moment
/// between `earliestSeconds` and `latestSeconds` into the interval.
public struct Schedule: Sendable, Hashable, Codable {
    public var start: CalendarDate?
    /// The last day checks may happen on (inclusive).
    public var stop: CalendarDate?
    /// A fixed offset from UTC as written, `±hhmm`.
    public var timezone: String?
    /// An IANA zone (an extension); wins over `timezone`.
    public var tzid: String?
    public var intervalSeconds: Int
    public var earliestSeconds: Int
    public var latestSeconds: Int

    public init(
        start: CalendarDate? = nil, stop: CalendarDate? = nil, timezone: String? = nil, tzid: String? = nil,
        intervalSeconds: Int, earliestSeconds: Int = 0, latestSeconds: Int? = nil
    ) {
        self.start = start
        self.stop = stop
        self.timezone = timezone
        self.tzid = tzid
        self.intervalSeconds = intervalSeconds
        self.earliestSeconds = earliestSeconds
        self.latestSeconds = latestSeconds ?? intervalSeconds
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(start, forKey: .start)
        try container.encode(stop, forKey: .stop)
        try container.encode(timezone, forKey: .timezone)
        try container.encode(tzid, forKey: .tzid)
        try container.encode(intervalSeconds, forKey: .intervalSeconds)
        try container.encode(earliestSeconds, forKey: .earliestSeconds)
        try container.encode(latestSeconds, forKey: .latestSeconds)
    }
}
