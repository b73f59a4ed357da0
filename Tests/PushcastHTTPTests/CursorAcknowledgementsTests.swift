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

    @Test func aCursorIsConfirmedOnceEveryByteBeforeItsWriteIsAcknowledged() {
        var cursors = CursorAcknowledgements()
        cursors.write(100, confirming: ChannelPositions())  // the head
        cursors.taken(100)
        cursors.write(500, confirming: ChannelPositions())  // item 2
        cursors.taken(500)
        cursors.write(500, confirming: Self.positions("news", 2))  // item 3 confirms 2
        cursors.taken(500)
        // The kernel took 1,100 bytes; 600 are not acknowledged: item 2's last bytes are not.
        #expect(cursors.acknowledged(unacknowledged: 600).isEmpty && !cursors.isSettled)
        // Everything up to item 3 is.
        #expect(cursors.acknowledged(unacknowledged: 500).dictionary == ["news": 2])
        #expect(cursors.isSettled)
    }

    @Test func bytesTheKernelHasNotTakenAreNotAcknowledged() {
        var cursors = CursorAcknowledgements()
        cursors.write(500, confirming: ChannelPositions())
        cursors.taken(200)  // the rest waits in the pipeline
        cursors.write(500, confirming: Self.positions("news", 2))
        // Nothing unacknowledged in the kernel, but 300 bytes before the write never reached it.
        #expect(cursors.acknowledged(unacknowledged: 0).isEmpty)
        cursors.taken(800)
        #expect(cursors.acknowledged(unacknowledged: 500).dictionary == ["news": 2])
    }

    @Test func severalWaitingAreMergedAndAGoneConnectionConfirmsNothingMore() {
        var cursors = CursorAcknowledgements()
        cursors.write(10, confirming: ChannelPositions())
        cursors.write(10, confirming: Self.positions("news", 2))
        cursors.write(10, confirming: Self.positions("sports", 7))
        cursors.write(10, confirming: Self.positions("news", 3))
        cursors.taken(40)
        #expect(cursors.acknowledged(unacknowledged: 15).dictionary == ["news": 2, "sports": 7])
        // Unacknowledged bytes of responses before the stream's count too: never too early.
        #expect(cursors.acknowledged(unacknowledged: 41).isEmpty)
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
