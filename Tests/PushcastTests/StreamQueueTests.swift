import Testing

@testable import Pushcast

/// A stream's bounded queue (SPEC §3.1 "Slow readers"), as a plain value.
@Suite("Stream queue: bounded, coalescing, overflow")
struct StreamQueueTests {
    static let renderer = PartRenderer(publicURL: "")

    static func entry(_ seq: Int64, _ channel: String = "a") -> HubEvent {
        .entry(renderer.render(HubTests.entry(channel, seq)))
    }

    static func seq(_ event: HubEvent?) -> Int64? {
        if case .entry(let entry) = event { entry.seq } else { nil }
    }

    @Test func eventsComeOutInOrderAndOneCanBePutBack() {
        var queue = StreamQueue(capacity: 4, coalescing: false)
        for seq in 1...3 { #expect(queue.offer(Self.entry(Int64(seq))) == .queued) }
        let first = queue.take()
        #expect(Self.seq(first) == 1)
        queue.putBack(first!)
        #expect((1...3).map { _ in Self.seq(queue.take()) } == [1, 2, 3])
        #expect(queue.take() == nil && queue.isEmpty)
    }

    @Test func oneMoreThanTheCapacityDropsEverythingAndTakesNothingMore() {
        var queue = StreamQueue(capacity: 3, coalescing: false)
        for seq in 1...3 { #expect(queue.offer(Self.entry(Int64(seq))) == .queued) }
        #expect(queue.offer(Self.entry(4)) == .overflowed)
        #expect(queue.overflowed && queue.isEmpty)
        #expect(queue.offer(Self.entry(5)) == .dropped)
        #expect(queue.offer(.changed("a")) == .dropped && queue.isEmpty)
        // What the overflow lost reaches the newest offered.
        #expect(queue.newestOffered == ["a": 5])
    }

    @Test func aCoalescingQueueKeepsOneChangeHoweverManyCome() {
        var queue = StreamQueue(capacity: 2, coalescing: true)
        #expect(queue.offer(Self.entry(1)) == .queued)
        for seq in 2...100 { #expect(queue.offer(Self.entry(Int64(seq))) == .coalesced) }
        #expect(queue.offer(.changed("a")) == .coalesced)
        #expect(queue.offer(.retired(channel: "a", lastSeq: 100)) == .coalesced)
        #expect(queue.count == 1 && !queue.overflowed)
        #expect(Self.seq(queue.take()) == 1)
        #expect(queue.offer(.changed("a")) == .queued)
    }
}
