import Testing

@testable import PushcastHTTP

/// The two small structures a fan-out walks for every stream: a stream's positions per
/// channel (one channel inline, several in a dictionary) and a loop's list of streams (one
/// array, a leaving stream replaced by the last).
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
}
