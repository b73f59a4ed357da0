/// Sequence numbers of a channel that a stream will never deliver, and where to resume
/// (SPEC §3.1: never a silent gap). It is also the JSON of a `gap` part.
public struct LogGap: Equatable, Sendable, Encodable {
    public enum Reason: String, Sendable, Encodable {
        /// The log no longer holds them.
        case pruned
        /// The reader asked to resume after a sequence the channel has not reached (a database reset).
        case ahead
        /// The reader fell behind and its queue filled up.
        case overflow
    }

    /// The channel, or `allChannels`.
    public var channel: String
    public var from: Int64
    public var to: Int64
    public var reason: Reason
    /// Where to resume (`?since=`).
    public var resumeSince: Int64

    /// The channel of a gap that stands for all of a subscriber's channels.
    public static let allChannels = "*"

    public init(channel: String, from: Int64, to: Int64, reason: Reason, resumeSince: Int64) {
        self.channel = channel
        self.from = from
        self.to = to
        self.reason = reason
        self.resumeSince = resumeSince
    }
}
