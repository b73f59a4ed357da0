import Testing

@testable import Pushcast

/// How committed entries reach the hub (SPEC §6, docs/CLUSTER.md), decided without a store:
/// in sequence order, once, and read from the log when they do not follow.
@Suite("Following the log")
struct LogFollowingTests {
    static func entries(_ seqs: ClosedRange<Int64>, _ channel: String = "a") -> [LogEntry] {
        seqs.map { HubTests.entry(channel, $0) }
    }

    static func seqs(_ step: LogFollowing.Step) -> [Int64] {
        step.publish.map(\.seq)
    }

    @Test func whatThisNodeLogsIsHandedOverAtOnceWhenItFollows() {
        var following = LogFollowing(lastSeqs: ["a": 4])
        let step = following.logged(Self.entries(5...6), channel: "a")
        #expect(Self.seqs(step) == [5, 6] && step.fetchAfter == nil)
        #expect(following.last("a") == 6)
        // A channel never seen starts at 0: its first entries follow.
        #expect(Self.seqs(following.logged(Self.entries(1...2, "new"), channel: "new")) == [1, 2])
    }

    @Test func entriesThatDoNotFollowAreReadFromTheLogOnceInFlight() {
        var following = LogFollowing(lastSeqs: ["a": 4])
        // Another node logged 5 and 6: this node's 7 waits for a read after 4.
        let step = following.logged(Self.entries(7...7), channel: "a")
        #expect(step.publish.isEmpty && step.fetchAfter == 4)
        // While the read is in flight, hints start no second one.
        #expect(following.known("a", seq: 8) == LogFollowing.Step())
        #expect(following.logged(Self.entries(9...9), channel: "a") == LogFollowing.Step())
        // The read comes back with 5…7; 8 and 9 were heard of meanwhile: read again.
        let read = following.fetched(Self.entries(5...7), channel: "a", limit: 200)
        #expect(Self.seqs(read) == [5, 6, 7] && read.fetchAfter == 7)
        let rest = following.fetched(Self.entries(8...9), channel: "a", limit: 200)
        #expect(Self.seqs(rest) == [8, 9] && rest.fetchAfter == nil)
        #expect(following.last("a") == 9)
    }

    @Test func nothingIsHandedOverTwiceOrBackwards() {
        var following = LogFollowing(lastSeqs: ["a": 4])
        #expect(following.known("a", seq: 6).fetchAfter == 4)
        #expect(Self.seqs(following.fetched(Self.entries(5...6), channel: "a", limit: 200)) == [5, 6])
        // This node's own 5 and 6 arrive after the read handed them over: dropped.
        #expect(following.logged(Self.entries(5...6), channel: "a") == LogFollowing.Step())
        #expect(following.known("a", seq: 6) == LogFollowing.Step())
        #expect(following.known("a", seq: 3) == LogFollowing.Step())
        // A read that overlaps what was handed over gives only what is newer.
        #expect(following.known("a", seq: 8).fetchAfter == 6)
        #expect(Self.seqs(following.fetched(Self.entries(6...8), channel: "a", limit: 200)) == [7, 8])
    }

    @Test func aLongLogIsReadPageByPage() {
        var following = LogFollowing(lastSeqs: ["a": 0])
        #expect(following.known("a", seq: 5).fetchAfter == 0)
        let page = following.fetched(Self.entries(1...2), channel: "a", limit: 2)
        #expect(Self.seqs(page) == [1, 2] && page.fetchAfter == 2)
        let next = following.fetched(Self.entries(3...4), channel: "a", limit: 2)
        #expect(next.fetchAfter == 4)
        #expect(following.fetched(Self.entries(5...5), channel: "a", limit: 2).fetchAfter == nil)
    }

    @Test func aPrunedStretchIsHandedOverAsTheLogHasIt() {
        // The streams see the skip and say `gap` themselves.
        var following = LogFollowing(lastSeqs: ["a": 2])
        #expect(following.known("a", seq: 9).fetchAfter == 2)
        #expect(Self.seqs(following.fetched(Self.entries(7...9), channel: "a", limit: 200)) == [7, 8, 9])
    }

    @Test func aHintBeyondTheLogEndsWhenTheReadFindsNothingMore() {
        var following = LogFollowing(lastSeqs: ["a": 2])
        #expect(following.known("a", seq: 5).fetchAfter == 2)
        let read = following.fetched(Self.entries(3...3), channel: "a", limit: 200)
        #expect(Self.seqs(read) == [3] && read.fetchAfter == nil)
        // Heard of again (the next marks): read again.
        #expect(following.known("a", seq: 5).fetchAfter == 3)
    }

    @Test func aFailedReadIsTriedAgainWhenTheChannelIsHeardOfAgain() {
        var following = LogFollowing(lastSeqs: ["a": 2])
        #expect(following.known("a", seq: 3).fetchAfter == 2)
        following.failed(channel: "a")
        #expect(following.known("a", seq: 3).fetchAfter == 2)
    }
}
