import Testing

@testable import Pushcast

/// Where every stream starts (SPEC §3.1 "Start", "Resume"; §4), decided without a store.
@Suite("Resume plan")
struct ResumePlanTests {
    static func plan(after: Int64?, first: Int64?, last: Int64, retired: Bool = false, snapshots: Bool = true) -> ResumePlan {
        ResumePlan.make(channel: "a", after: after, bounds: LogBounds(first: first, last: last), retired: retired, snapshots: snapshots)
    }

    static func replay(_ after: Int64, _ through: Int64) -> LogReplay {
        LogReplay(channel: "a", after: after, through: through)
    }

    @Test func aFreshReaderGetsASnapshotAndIsCurrent() {
        #expect(Self.plan(after: nil, first: 3, last: 9) == ResumePlan(gap: nil, snapshot: true, position: 9, replay: nil, retired: false))
        #expect(Self.plan(after: nil, first: nil, last: 0).snapshot)
    }

    @Test func aResumingReaderGetsTheLogAfterItsPosition() {
        #expect(Self.plan(after: 4, first: 1, last: 9) == ResumePlan(gap: nil, snapshot: false, position: 4, replay: Self.replay(4, 9), retired: false))
        // Right after the pruned part: nothing is missing.
        #expect(Self.plan(after: 2, first: 3, last: 9).gap == nil)
        // Nothing new.
        #expect(Self.plan(after: 9, first: 1, last: 9) == ResumePlan(gap: nil, snapshot: false, position: 9, replay: nil, retired: false))
    }

    /// A reader at the log's end goes on live, wherever the log begins: a stream opening at
    /// the newest sequence its node has handed out reads nothing from the store
    /// (`StreamSource`), and plans with the log's start unknown.
    @Test func aReaderAtTheEndNeedsNotKnowWhereTheLogBegins() {
        let current = ResumePlan(gap: nil, snapshot: false, position: 9, replay: nil, retired: false)
        for first: Int64? in [nil, 1, 9] {
            #expect(Self.plan(after: 9, first: first, last: 9) == current)
            #expect(Self.plan(after: 9, first: first, last: 9, retired: true) == ResumePlan(gap: nil, snapshot: false, position: 9, replay: nil, retired: true))
        }
        #expect(Self.plan(after: 0, first: nil, last: 0) == ResumePlan(gap: nil, snapshot: false, position: 0, replay: nil, retired: false))
    }

    @Test func prunedHistoryIsAGapThenASnapshotThenWhatIsLeft() {
        let plan = Self.plan(after: 2, first: 6, last: 9)
        #expect(plan.gap == LogGap(channel: "a", from: 3, to: 5, reason: .pruned, resumeSince: 5))
        #expect(plan.snapshot && plan.position == 5 && plan.replay == Self.replay(5, 9))
        // All of it pruned.
        let empty = Self.plan(after: 2, first: nil, last: 9)
        #expect(empty.gap == LogGap(channel: "a", from: 3, to: 9, reason: .pruned, resumeSince: 9))
        #expect(empty.position == 9 && empty.replay == nil)
        // One entry missing is a gap too.
        #expect(Self.plan(after: 2, first: 4, last: 9).gap == LogGap(channel: "a", from: 3, to: 3, reason: .pruned, resumeSince: 3))
    }

    @Test func aPositionAheadOfTheLogIsAGap() {
        let plan = Self.plan(after: 20, first: 1, last: 9)
        #expect(plan.gap == LogGap(channel: "a", from: 10, to: 20, reason: .ahead, resumeSince: 9))
        #expect(plan.snapshot && plan.position == 9 && plan.replay == nil)
        #expect(Self.plan(after: 10, first: 1, last: 9).gap == LogGap(channel: "a", from: 10, to: 10, reason: .ahead, resumeSince: 9))
    }

    @Test func aSubscriberNeverGetsSnapshots() {
        #expect(!Self.plan(after: 2, first: 6, last: 9, snapshots: false).snapshot)
        #expect(!Self.plan(after: 20, first: 1, last: 9, snapshots: false).snapshot)
    }

    @Test func aRetiredChannelReplaysThenEndsWithoutASnapshot() {
        #expect(Self.plan(after: nil, first: 1, last: 9, retired: true) == ResumePlan(gap: nil, snapshot: false, position: 9, replay: nil, retired: true))
        let resumed = Self.plan(after: 7, first: 1, last: 9, retired: true)
        #expect(resumed.retired && resumed.replay == Self.replay(7, 9) && !resumed.snapshot)
    }
}

/// Paging through a log of any length (`LogReplay`), with no hole and no repeat.
@Suite("Log replay")
struct LogReplayTests {
    static let renderer = PartRenderer(publicURL: "")

    /// The log `seqs` as a store would page it: after a position, up to a limit.
    static func page(_ seqs: [Int64], after: Int64, through: Int64) -> [RenderedEntry] {
        seqs.filter { $0 > after && $0 <= through }.prefix(LogReplay.pageSize).map { renderer.render(HubTests.entry("a", $0)) }
    }

    /// Replays `seqs` after `after` through `through`: what is sent, and the pages read.
    static func replay(_ seqs: [Int64], after: Int64, through: Int64) -> (sent: [Int64], gaps: [LogGap], pages: Int) {
        var replay = LogReplay(channel: "a", after: after, through: through)
        var (sent, gaps, pages) = ([Int64](), [LogGap](), 0)
        while !replay.isDone, pages < 1000 {
            pages += 1
            for step in replay.take(page(seqs, after: replay.position, through: replay.through)) {
                switch step {
                case .entry(let entry): sent.append(entry.seq)
                case .gap(let gap): gaps.append(gap)
                }
            }
        }
        return (sent, gaps, pages)
    }

    @Test func anyLengthOfLogIsReplayedAPageAtATime() {
        let result = Self.replay(Array(1...1_234), after: 17, through: 1_234)
        #expect(result.sent == Array(18...1_234))
        #expect(result.gaps.isEmpty && result.pages == 7)
    }

    @Test func whatWasPrunedWhileReplayingIsAGap() {
        // 40…59 went while the replay ran; and the log ends early (860…900 pruned too).
        let log = Array(Int64(1)...39) + Array(Int64(60)...859)
        let result = Self.replay(log, after: 10, through: 900)
        #expect(result.sent == Array(Int64(11)...39) + Array(Int64(60)...859))
        #expect(result.gaps == [
            LogGap(channel: "a", from: 40, to: 59, reason: .pruned, resumeSince: 59),
            LogGap(channel: "a", from: 860, to: 900, reason: .pruned, resumeSince: 900),
        ])
    }

    @Test func entriesOutsideTheRangeAreNeverSent() {
        var replay = LogReplay(channel: "a", after: 5, through: 8)
        let steps = replay.take([Int64(3), 5, 6, 7, 8, 9].map { Self.renderer.render(HubTests.entry("a", $0)) })
        let sent: [Int64] = steps.compactMap { step in
            guard case .entry(let entry) = step else { return nil }
            return entry.seq
        }
        #expect(sent == [6, 7, 8])
        #expect(replay.isDone)
    }
}
