/// How far a channel's log reaches: the lowest sequence it still holds (nil when it holds
/// none, all pruned or never logged) and the last sequence the channel has used.
public struct LogBounds: Equatable, Sendable {
    public var first: Int64?
    public var last: Int64

    public init(first: Int64?, last: Int64) {
        self.first = first
        self.last = last
    }
}
