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

    @Test func eachTickVisitsTheSubscribersAndOneEvenRoundOfTheOthers() {
        let subscribers = (0..<2).map { _ in Stream() }
        let others = (0..<12).map { _ in Stream() }
        var ticked = TickRounds<Stream>(rounds: 5)
        #expect(ticked.isEmpty)
        for stream in subscribers { ticked.insert(stream, everyTick: true) }
        for stream in others { ticked.insert(stream, everyTick: false) }
        ticked.insert(others[0], everyTick: false)  // again: kept once
        var visits: [ObjectIdentifier: Int] = [:]
        for _ in 0..<5 {
            let (everyTick, round) = ticked.tick()
            #expect(Set(everyTick.map(ObjectIdentifier.init)) == Set(subscribers.map(ObjectIdentifier.init)))
            #expect(round.count == 2 || round.count == 3)
            for stream in everyTick + round { visits[ObjectIdentifier(stream), default: 0] += 1 }
        }
        // In five ticks: each subscriber's stream five times, every other stream once.
        #expect(subscribers.allSatisfy { visits[ObjectIdentifier($0)] == 5 })
        #expect(others.allSatisfy { visits[ObjectIdentifier($0)] == 1 })
        // One that leaves is visited no more; one that joins goes to the smallest round.
        ticked.remove(others[0])
        ticked.remove(subscribers[0])
        let joining = Stream()
        ticked.insert(joining, everyTick: false)
        var seen: [ObjectIdentifier] = []
        for _ in 0..<5 {
            let (everyTick, round) = ticked.tick()
            #expect(everyTick.map(ObjectIdentifier.init) == [ObjectIdentifier(subscribers[1])])
            seen += round.map(ObjectIdentifier.init)
        }
        #expect(seen.count == 12 && Set(seen).count == 12)
        #expect(!seen.contains(ObjectIdentifier(others[0])) && seen.contains(ObjectIdentifier(joining)))
    }

    @Test func oneRoundVisitsEveryStreamAtEveryTick() {
        let streams = (0..<3).map { _ in Stream() }
        var ticked = TickRounds<Stream>(rounds: 1)
        for stream in streams { ticked.insert(stream, everyTick: false) }
        for _ in 0..<3 { #expect(ticked.tick().round.count == 3) }
        for stream in streams { ticked.remove(stream) }
        #expect(ticked.isEmpty)
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
