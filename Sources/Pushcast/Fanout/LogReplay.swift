/// A replay of one channel's log after a position up to a sequence, however long: a page of
/// at most `pageSize` entries at a time (`RenderedLog.page`), each taken in order, with a
/// `gap` for whatever the log no longer holds (pruned while the replay ran). Nothing is
/// skipped and nothing is sent twice.
public struct LogReplay: Equatable, Sendable {
    public static let pageSize = 200

    /// What a page gives, in order.
    public enum Step: Sendable {
        case entry(RenderedEntry)
        case gap(LogGap)
    }

    public let channel: String
    /// The newest sequence taken so far.
    public private(set) var position: Int64
    /// The last sequence to replay.
    public let through: Int64

    public init(channel: String, after position: Int64, through: Int64) {
        self.channel = channel
        self.position = position
        self.through = through
    }

    public var isDone: Bool { position >= through }

    /// Takes the page read after `position` (the entries after it up to `through`, at most
    /// `pageSize`): what to send, in order. A page shorter than asked means the log holds
    /// nothing more up to `through`.
    public mutating func take(_ page: [RenderedEntry]) -> [Step] {
        let asked = min(Int64(Self.pageSize), through - position)
        var steps: [Step] = []
        steps.reserveCapacity(page.count)
        for entry in page where entry.seq > position && entry.seq <= through {
            if entry.seq > position + 1 { steps.append(.gap(missing(upTo: entry.seq - 1))) }
            steps.append(.entry(entry))
            position = entry.seq
        }
        if Int64(page.count) < asked, position < through {
            steps.append(.gap(missing(upTo: through)))
            position = through
        }
        return steps
    }

    private func missing(upTo last: Int64) -> LogGap {
        LogGap(channel: channel, from: position + 1, to: last, reason: .pruned, resumeSince: last)
    }
}
