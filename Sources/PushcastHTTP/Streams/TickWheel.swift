/// The streams a loop's ticker visits, and when: a subscriber's stream at every tick (the
/// cursors its reader has acknowledged are settled then), every other stream at the tick it
/// is next due, a timing wheel of one slot per tick. A stream is due when its heartbeat is
/// (its last write plus its quiet interval), or when its stalled reader's write timeout ends
/// (`StreamMachine.tickDue`). Writes move that later without touching the wheel: a stream
/// visited before it is due is put back for the tick it is due then. So an idle stream is
/// visited when its heartbeat is due, an active one about once per heartbeat interval, and
/// a heartbeat comes within a tick of its interval. Visiting every stream at every tick was
/// 42 % of an idle server's CPU samples with 1,000 streams (docs/PUSH.md). Generic so that
/// tests need no sockets; used on its loop only.
struct TickWheel<Stream: AnyObject> {
    private var everyTick = StreamList<Stream>()
    private var slots: [StreamList<Stream>]
    /// The slot of each stream in the wheel.
    private var slotOf: [ObjectIdentifier: Int] = [:]
    /// The slot the next tick visits.
    private var turn = 0

    /// `slots`: how many ticks ahead a stream can be put. One due later is put as far as
    /// that, and put back when it is visited.
    init(slots: Int) {
        self.slots = Array(repeating: StreamList(), count: max(slots, 1))
    }

    var isEmpty: Bool { everyTick.isEmpty && slotOf.isEmpty }

    /// A stream visited at every tick.
    mutating func insertEveryTick(_ stream: Stream) {
        everyTick.insert(stream)
    }

    /// `stream` is visited at the `ticks`-th tick from now (1: the next one, which is also
    /// the soonest); a stream already in the wheel is moved.
    mutating func put(_ stream: Stream, inTicks ticks: Int) {
        let id = ObjectIdentifier(stream)
        if let slot = slotOf[id] { slots[slot].remove(stream) }
        let slot = (turn + min(max(ticks, 1), slots.count) - 1) % slots.count
        slotOf[id] = slot
        slots[slot].insert(stream)
    }

    mutating func remove(_ stream: Stream) {
        if let slot = slotOf.removeValue(forKey: ObjectIdentifier(stream)) {
            slots[slot].remove(stream)
        } else {
            everyTick.remove(stream)
        }
    }

    /// The streams this tick visits: those visited at every tick, and those due now, which
    /// leave the wheel (`put` each back for the tick it is due next).
    mutating func tick() -> (everyTick: [Stream], due: [Stream]) {
        let due = slots[turn].streams
        if !due.isEmpty {
            slots[turn] = StreamList()
            for stream in due { slotOf[ObjectIdentifier(stream)] = nil }
        }
        turn = (turn + 1) % slots.count
        return (everyTick.streams, due)
    }
}
