/// `GET /stats`: every transport's figures, and what the hub did about slow readers.
struct StatsJSON: Encodable, Sendable {
    /// What the hub did about slow readers, and what is queued now.
    struct HubJSON: Encodable, Sendable {
        var openStreams: Int
        var queuedEvents: Int
        var coalesced: Int
        var overflowed: Int
        var cutOff: Int
    }

    var startedAt: String
    var uptimeSeconds: Double
    var connections: Int
    var connectionsAccepted: Int
    var transports: [TransportJSON]
    var hub: HubJSON
}
