import NIOCore
import Pushcast
import Synchronization

/// The `LoopFanout` of each event loop, made the first time a stream starts there.
final class LoopFanouts: Sendable {
    private let hub: Hub
    private let cursors: CursorBook
    /// How often each loop's ticker turns: a quarter of the shortest heartbeat or write
    /// timeout, from 50 ms to a second (a subscriber's cursors are settled at every tick). A
    /// heartbeat comes within one period of its interval.
    let tickPeriod: TimeAmount
    /// How many ticks ahead each loop's `TickWheel` reaches: the longest interval, within
    /// 4,096 ticks (a stream due later is visited sooner and put back).
    let tickSlots: Int
    private let table = Mutex<[ObjectIdentifier: LoopFanout]>([:])

    init(hub: Hub, cursors: CursorBook, liveHeartbeat: Double) {
        self.hub = hub
        self.cursors = cursors
        let intervals = [hub.configuration.heartbeat, liveHeartbeat, hub.configuration.writeTimeout]
        let period = min(max(intervals.min()! / 4, 0.05), 1)
        tickPeriod = .milliseconds(Int64(period * 1000))
        tickSlots = Int(min((intervals.max()! / period).rounded(.up) + 1, 4096))
    }

    /// `loop`'s fan-out; called on `loop`.
    func fanout(for loop: any EventLoop) -> LoopFanout {
        table.withLock { table in
            if let fanout = table[ObjectIdentifier(loop)] { return fanout }
            let fanout = LoopFanout(loop: loop, hub: hub, cursors: cursors, tickPeriod: tickPeriod, tickSlots: tickSlots)
            table[ObjectIdentifier(loop)] = fanout
            return fanout
        }
    }

    /// Events waiting in every stream's queue now.
    func queuedEvents() async throws -> Int {
        var total = 0
        for fanout in table.withLock({ Array($0.values) }) { total += try await fanout.queuedEvents().get() }
        return total
    }
}
