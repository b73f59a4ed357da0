import Pushcast
import Testing

@testable import PushcastHTTP

/// The small structures a fan-out walks for every stream: a stream's positions per channel
/// (one channel inline, several in a dictionary), a loop's list of streams (one array, a
/// leaving stream replaced by the last), and a loop's streams by channel and by what they show.
@Suite("Fan-out structures")
struct FanoutStructuresTests {
    @Test func oneChannelIsKeptAndUpdated() {
        var positions = ChannelPositions()
        #expect(positions.isEmpty)
        #expect(positions["news"] == nil)
        positions["news"] = 3
        positions["news"] = 4
        #expect(!positions.isEmpty)
        #expect(positions["news"] == 4)
        #expect(positions["sports"] == nil)
        #expect(positions.dictionary == ["news": 4])
        positions["news"] = nil
        #expect(positions.isEmpty)
    }

    @Test func aSecondChannelKeepsTheFirst() {
        var positions = ChannelPositions()
        positions["news"] = 7
        positions["sports"] = 2
        positions["sports"] = 5
        #expect(positions["news"] == 7)
        #expect(positions["sports"] == 5)
        #expect(positions.dictionary == ["news": 7, "sports": 5])
        positions["news"] = nil
        #expect(positions.dictionary == ["sports": 5])
    }

    @Test func mergingKeepsTheFurtherSequenceOfEachChannel() {
        var positions = ChannelPositions()
        positions["news"] = 7
        var other = ChannelPositions()
        other["news"] = 5
        positions.merge(other)
        #expect(positions.dictionary == ["news": 7])
        other["news"] = 9
        other["sports"] = 2
        positions.merge(other)
        #expect(positions.dictionary == ["news": 9, "sports": 2])
    }

    final class Stream {}

    @Test func aLeavingStreamIsReplacedByTheLastAndTheOthersStay() {
        let streams = (0..<5).map { _ in Stream() }
        var list = StreamList<Stream>()
        for stream in streams { list.insert(stream) }
        list.insert(streams[0])  // again: kept once
        #expect(list.streams.count == 5)
        let removed = list.remove(streams[1])
        let removedAgain = list.remove(streams[1])
        #expect(removed && !removedAgain)
        #expect(list.streams.map(ObjectIdentifier.init) == [0, 4, 2, 3].map { ObjectIdentifier(streams[$0]) })
        // The moved one can leave in its new place.
        let movedLeft = list.remove(streams[4])
        let lastLeft = list.remove(streams[3])
        #expect(movedLeft && lastLeft)
        #expect(list.streams.map(ObjectIdentifier.init) == [0, 2].map { ObjectIdentifier(streams[$0]) })
        list.remove(streams[0])
        list.remove(streams[2])
        #expect(list.isEmpty)
    }

    @Test func eachTickVisitsTheEveryTickStreamsAndThoseDueThen() {
        let subscribers = (0..<2).map { _ in Stream() }
        let others = (0..<4).map { _ in Stream() }
        var wheel = TickWheel<Stream>(slots: 5)
        #expect(wheel.isEmpty)
        for stream in subscribers { wheel.insertEveryTick(stream) }
        // Due at the 1st, 3rd, 3rd and 5th tick from now; one put twice is kept once.
        for (stream, ticks) in zip(others, [1, 3, 3, 5]) { wheel.put(stream, inTicks: ticks) }
        wheel.put(others[0], inTicks: 1)
        func ids(_ streams: [Stream]) -> Set<ObjectIdentifier> { Set(streams.map(ObjectIdentifier.init)) }
        var dueAt: [Set<ObjectIdentifier>] = []
        for _ in 0..<5 {
            let (everyTick, due) = wheel.tick()
            #expect(ids(everyTick) == ids(subscribers))
            dueAt.append(ids(due))
        }
        #expect(dueAt == [ids([others[0]]), [], ids([others[1], others[2]]), [], ids([others[3]])])
        // Visited, they left the wheel; those put back come again, the others never.
        #expect(!wheel.isEmpty)
        wheel.put(others[1], inTicks: 2)
        for _ in 0..<7 {
            let due = wheel.tick().due
            if !due.isEmpty { dueAt.append(ids(due)) }
        }
        #expect(dueAt.count == 6 && dueAt.last == ids([others[1]]))
        for stream in subscribers { wheel.remove(stream) }
        #expect(wheel.isEmpty)
    }

    @Test func aStreamMovedSoonerOrDueBeyondTheWheelIsVisitedOnceAtItsTick() {
        let (moved, far, leaving) = (Stream(), Stream(), Stream())
        var wheel = TickWheel<Stream>(slots: 4)
        wheel.put(moved, inTicks: 4)
        wheel.put(far, inTicks: 1_000)  // beyond the wheel: as far as it goes
        wheel.put(leaving, inTicks: 2)
        wheel.put(moved, inTicks: 0)  // sooner: the next tick, and there only
        wheel.remove(leaving)
        var visits: [[ObjectIdentifier]] = []
        for _ in 0..<8 { visits.append(wheel.tick().due.map(ObjectIdentifier.init)) }
        #expect(visits == [[ObjectIdentifier(moved)], [], [], [ObjectIdentifier(far)], [], [], [], []])
        #expect(wheel.isEmpty)
    }

    @Test func aManifestReadAgainReachesOnlyTheStreamsShowingState() {
        let (items, page, both) = (Stream(), Stream(), Stream())
        var streams = LoopStreams<Stream>()
        /// What the hub is told: "channel interest", "channel -" for a detach.
        func told(_ changes: [(String, LoopStreams<Stream>.Interest?)]) -> [String] {
            changes.map { "\($0.0) \($0.1.map { "\($0)" } ?? "-")" }
        }
        #expect(told(streams.insert(items, channels: ["news"], showsState: false)) == ["news items"])
        #expect(told(streams.insert(page, channels: ["news"], showsState: true)) == ["news everything"])
        #expect(told(streams.insert(both, channels: ["news", "sports"], showsState: true)) == ["sports everything"])
        func receivers(_ events: [HubEvent]) -> Set<ObjectIdentifier> {
            Set(streams.receivers(of: events).map(ObjectIdentifier.init))
        }
        let ids = { (list: [Stream]) in Set(list.map(ObjectIdentifier.init)) }
        #expect(receivers([.changed("news")]) == ids([page, both]))
        #expect(receivers([.changed("sports")]) == ids([both]))
        #expect(receivers([.retired(channel: "news", lastSeq: 3)]) == ids([items, page, both]))
        #expect(receivers([.retired(channel: "sports", lastSeq: 1)]) == ids([both]))
        #expect(receivers([.shutdown]) == ids([items, page, both]))
        #expect(receivers([.changed("weather")]).isEmpty && receivers([]).isEmpty)

        // Leaving: the hub hears when the last stream showing state goes, and the last of all.
        #expect(told(streams.remove(page, channels: ["news"])) == [])
        #expect(receivers([.changed("news")]) == ids([both]))
        #expect(told(streams.remove(both, channels: ["news", "sports"])) == ["news items", "sports -"])
        #expect(receivers([.changed("news")]).isEmpty)
        #expect(told(streams.remove(both, channels: ["news", "sports"])) == [])  // not there any more
        #expect(told(streams.remove(items, channels: ["news"])) == ["news -"])
        #expect(streams.isEmpty)
    }
}

extension ChannelPositions {
    /// Every channel's sequence, to compare in tests.
    var dictionary: [String: Int64] {
        var positions: [String: Int64] = [:]
        forEach { positions[$0] = $1 }
        return positions
    }
}
