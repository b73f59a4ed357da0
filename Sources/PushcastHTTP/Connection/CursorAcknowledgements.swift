import DequeModule

/// The cursors a subscriber's stream has written, held until the reader's TCP has
/// acknowledged the bytes they stand for (SPEC §4: a cursor never passes an item its
/// reader may not have had). A socket's kernel takes bytes long before they reach the
/// reader; a reader that stops reading is cut off with a reset, which drops whatever the
/// server's kernel still holds for it, and a reader whose machine sleeps never sees it
/// either. Bytes the reader's side has acknowledged survive both: they are there to read
/// even after the reset. So a cursor waits here until every byte of the write that moves it
/// is acknowledged: the handler tells it what it handed to the socket, what the
/// kernel took, and how much the kernel still holds unacknowledged (`SIOCOUTQ`): at its
/// loop's tick, when several cursors wait, before the stream's cursors are written for a
/// stream that ends once sent, and before the connection closes. Decisions only, no socket.
struct CursorAcknowledgements {
    /// Bytes handed to the socket (sent, or queued in the pipeline), since the stream began.
    private var handed = 0
    /// Of those, bytes the kernel has taken.
    private var taken = 0
    /// Cursors, oldest first, each with the number of bytes (from the stream's start) that
    /// must be acknowledged before it is.
    private var waiting: Deque<(through: Int, positions: ChannelPositions)> = []

    /// Nothing waits for an acknowledgement.
    var isSettled: Bool { waiting.isEmpty }

    /// Enough wait that the kernel is asked now rather than at the next tick (a burst of
    /// writes, a replay), so that what waits stays small.
    var isCrowded: Bool { waiting.count >= Self.crowd }
    static let crowd = 8

    /// A write of `count` bytes, confirming `positions` (its item's): they wait for every
    /// byte handed to the socket so far, this write's too.
    mutating func write(_ count: Int, confirming positions: ChannelPositions) {
        handed += count
        if !positions.isEmpty { waiting.append((through: handed, positions: positions)) }
    }

    /// The kernel took `count` more of the bytes handed to it.
    mutating func taken(_ count: Int) {
        taken += count
    }

    /// The kernel holds `unacknowledged` bytes not yet acknowledged (those of responses
    /// before the stream's too): the cursors whose bytes all were, merged (empty for none).
    mutating func acknowledged(unacknowledged: Int) -> ChannelPositions {
        let acknowledged = taken - unacknowledged
        var confirmed = ChannelPositions()
        while let first = waiting.first, first.through <= acknowledged {
            confirmed.merge(first.positions)
            waiting.removeFirst()
        }
        return confirmed
    }

    /// The connection is gone: what still waits is never confirmed (its reader is sent it
    /// again when it comes back: at least once).
    mutating func connectionGone() {
        waiting.removeAll()
    }
}
