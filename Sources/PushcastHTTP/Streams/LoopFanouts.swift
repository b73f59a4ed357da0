import NIOCore
import Pushcast
import Synchronization

/// The `LoopFanout` of each event loop, made the first time a stream starts there.
final class LoopFanouts: Sendable {
    private let hub: Hub
    private let cursors: CursorBook
    /// How often each loop's ticker turns: a quarter of the shortest heartbeat or write
    /// timeout, from 50 ms to a second (a subscriber's cursors are settled at every tick).
    let tickPeriod: TimeAmount
    /// How many ticks apart the ticker visits a stream that is not a subscriber's: so that it
    /// is still every quarter of the shortest interval (`TickRounds`).
    let tickRounds: Int
    private let table = Mutex<[ObjectIdentifier: LoopFanout]>([:])

    init(hub: Hub, cursors: CursorBook, liveHeartbeat: Double) {
        self.hub = hub
        self.cursors = cursors
        let shortest = min(hub.configuration.heartbeat, liveHeartbeat, hub.configuration.writeTimeout)
        let period = min(max(shortest / 4, 0.05), 1)
        tickPeriod = .milliseconds(Int64(period * 1000))
        tickRounds = max(1, Int(shortest / 4 / period))
    }

    /// `loop`'s fan-out; called on `loop`.
    func fanout(for loop: any EventLoop) -> LoopFanout {
        table.withLock { table in
            if let fanout = table[ObjectIdentifier(loop)] { return fanout }
            let fanout = LoopFanout(loop: loop, hub: hub, cursors: cursors, tickPeriod: tickPeriod, tickRounds: tickRounds)
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
