import Pushcast
import Synchronization

/// Something rendered from a channel's state, kept while the hub's version of that channel
/// is unchanged: the first caller after a change renders, every other caller awaits that
/// same rendering. A failed rendering (nil) is not kept.
final class VersionedCache<Value: Sendable>: Sendable {
    private let hub: Hub
    private let table = Mutex<[String: (version: Int, rendering: Task<Value?, Never>)]>([:])

    init(hub: Hub) {
        self.hub = hub
    }

    func value(for channel: String, render: @escaping @Sendable () async -> Value?) async -> Value? {
        let version = hub.version(of: channel)
        let rendering = table.withLock { table in
            if let cached = table[channel], cached.version == version { return cached.rendering }
            let rendering = Task { await render() }
            table[channel] = (version, rendering)
            return rendering
        }
        guard let value = await rendering.value else {
            table.withLock { table in
                if table[channel]?.version == version { table[channel] = nil }
            }
            return nil
        }
        return value
    }
}
