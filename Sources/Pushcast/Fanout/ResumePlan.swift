/// Where a stream starts in one channel's log (SPEC §3.1 "Start" and "Resume", §4), made
/// from the position a reader resumes after and the log's bounds, with no store access: every
/// stream, whatever its transport, starts by these rules.
///
/// - A fresh reader (no position) gets a snapshot, and is current up to the newest entry.
/// - A position ahead of the log (a reset database) gets a `gap` (`ahead`) and a snapshot.
/// - A position whose next entries were pruned gets a `gap` (`pruned`) and a snapshot, then
///   what the log still holds.
/// - Otherwise the log after the position, as far as it went when the plan was made; what
///   comes later arrives live (the stream registered with the hub before the plan was made).
/// - A retired channel gets no snapshot, and ends with a `retired` part after its replay.
public struct ResumePlan: Equatable, Sendable {
    public var gap: LogGap?
    /// Whether a snapshot part is sent (after the gap, if any).
    public var snapshot: Bool
    /// The stream is current up to this sequence before it replays.
    public var position: Int64
    /// The log to replay after `position`, a page at a time; nil when there is none.
    public var replay: LogReplay?
    /// The channel is retired: the stream ends with a `retired` part after its replay.
    public var retired: Bool

    /// The plan for `channel`; `snapshots` is false for a stream that never sends snapshots
    /// (a subscriber's: its cursors say where the reader is).
    public static func make(
        channel: String, after: Int64?, bounds: LogBounds, retired: Bool, snapshots: Bool
    ) -> ResumePlan {
        let last = bounds.last
        let snapshot = snapshots && !retired
        func plan(_ gap: LogGap?, position: Int64, snapshot: Bool) -> ResumePlan {
            let replay = last > position ? LogReplay(channel: channel, after: position, through: last) : nil
            return ResumePlan(gap: gap, snapshot: snapshot, position: position, replay: replay, retired: retired)
        }
        guard let after else { return plan(nil, position: last, snapshot: snapshot) }
        if after > last {
            let gap = LogGap(channel: channel, from: last + 1, to: after, reason: .ahead, resumeSince: last)
            return plan(gap, position: last, snapshot: snapshot)
        }
        guard let first = bounds.first else {
            guard last > after else { return plan(nil, position: after, snapshot: false) }
            let gap = LogGap(channel: channel, from: after + 1, to: last, reason: .pruned, resumeSince: last)
            return plan(gap, position: last, snapshot: snapshot)
        }
        if first > after + 1 {
            let gap = LogGap(channel: channel, from: after + 1, to: first - 1, reason: .pruned, resumeSince: first - 1)
            return plan(gap, position: first - 1, snapshot: snapshot)
        }
        return plan(nil, position: after, snapshot: false)
    }
}
