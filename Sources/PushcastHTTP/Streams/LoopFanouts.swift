import NIOCore
import Pushcast
import Synchronization

/// The `LoopFanout` of each event loop, made the first time a stream starts there.
final class LoopFanouts: Sendable {
    private let hub: Hub
    private let cursors: CursorBook
    /// How often each loop ticks its streams: a quarter of the shortest heartbeat or write
    /// timeout, from 50 ms to a second.
    let tickPeriod: TimeAmount
    private let table = Mutex<[ObjectIdentifier: LoopFanout]>([:])

    init(hub: Hub, cursors: CursorBook, liveHeartbeat: Double) {
        self.hub = hub
        self.cursors = cursors
        let shortest = min(hub.configuration.heartbeat, liveHeartbeat, hub.configuration.writeTimeout)
        tickPeriod = .milliseconds(Int64(min(max(shortest / 4, 0.05), 1) * 1000))
    }

    /// `loop`'s fan-out; called on `loop`.
    func fanout(for loop: any EventLoop) -> LoopFanout {
        table.withLock { table in
            if let fanout = table[ObjectIdentifier(loop)] { return fanout }
            let fanout = LoopFanout(loop: loop, hub: hub, cursors: cursors, tickPeriod: tickPeriod)
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
