import Testing

@testable import PushcastHTTP

/// A subscriber's cursors wait for the reader's TCP acknowledgement (`CursorAcknowledgements`).
@Suite("Cursor acknowledgements")
struct CursorAcknowledgementsTests {
    static func positions(_ channel: String, _ seq: Int64) -> ChannelPositions {
        var positions = ChannelPositions()
        positions[channel] = seq
        return positions
    }

    @Test func aCursorIsConfirmedOnceEveryByteOfItsWriteIsAcknowledged() {
        var cursors = CursorAcknowledgements()
        cursors.write(100, confirming: ChannelPositions())  // the head
        cursors.taken(100)
        cursors.write(500, confirming: Self.positions("news", 2))
        cursors.taken(500)
        cursors.write(500, confirming: Self.positions("news", 3))
        cursors.taken(500)
        // The kernel took 1,100 bytes; 501 are not acknowledged: item 2's last byte is not.
        #expect(cursors.acknowledged(unacknowledged: 501).isEmpty && !cursors.isSettled)
        // All of item 2's are, not yet item 3's.
        #expect(cursors.acknowledged(unacknowledged: 500).dictionary == ["news": 2])
        #expect(!cursors.isSettled)
        #expect(cursors.acknowledged(unacknowledged: 0).dictionary == ["news": 3])
        #expect(cursors.isSettled)
    }

    @Test func bytesTheKernelHasNotTakenAreNotAcknowledged() {
        var cursors = CursorAcknowledgements()
        cursors.write(500, confirming: Self.positions("news", 2))
        cursors.taken(200)  // the rest waits in the pipeline
        // Nothing unacknowledged in the kernel, but 300 bytes of the write never reached it.
        #expect(cursors.acknowledged(unacknowledged: 0).isEmpty)
        cursors.taken(300)
        #expect(cursors.acknowledged(unacknowledged: 0).dictionary == ["news": 2])
    }

    @Test func severalWaitingAreMergedAndAGoneConnectionConfirmsNothingMore() {
        var cursors = CursorAcknowledgements()
        cursors.write(10, confirming: Self.positions("news", 2))
        cursors.write(10, confirming: Self.positions("sports", 7))
        cursors.write(10, confirming: Self.positions("news", 3))
        cursors.taken(30)
        #expect(cursors.acknowledged(unacknowledged: 10).dictionary == ["news": 2, "sports": 7])
        // Unacknowledged bytes of responses before the stream's count too: never too early.
        #expect(cursors.acknowledged(unacknowledged: 31).isEmpty)
        cursors.connectionGone()
        #expect(cursors.isSettled && cursors.acknowledged(unacknowledged: 0).isEmpty)
    }

    @Test func aBurstOfWritesIsACrowdToSettleAtOnce() {
        var cursors = CursorAcknowledgements()
        for seq in 1..<Int64(CursorAcknowledgements.crowd) { cursors.write(10, confirming: Self.positions("news", seq)) }
        #expect(!cursors.isCrowded)
        cursors.write(10, confirming: Self.positions("news", Int64(CursorAcknowledgements.crowd)))
        #expect(cursors.isCrowded)
        cursors.taken(80)
        #expect(cursors.acknowledged(unacknowledged: 0).dictionary == ["news": Int64(CursorAcknowledgements.crowd)])
        #expect(!cursors.isCrowded)
    }
}
