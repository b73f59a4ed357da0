import Pushcast
import Synchronization

/// Something rendered from a channel's state, kept while the hub's version of that channel
/// is unchanged: the first caller after a change renders, every other caller awaits that
/// same rendering. A failed rendering is not kept: each of its callers gets the error, and
/// the next caller renders again.
final class VersionedCache<Value: Sendable>: Sendable {
    private let hub: Hub
    private let table = Mutex<[String: (version: Int, rendering: Task<Value, any Error>)]>([:])

    init(hub: Hub) {
        self.hub = hub
    }

    func value(for channel: String, render: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let version = hub.version(of: channel)
        let rendering = table.withLock { table in
            if let cached = table[channel], cached.version == version { return cached.rendering }
            let rendering = Task { try await render() }
            table[channel] = (version, rendering)
            return rendering
        }
        do {
            return try await rendering.value
        } catch {
            table.withLock { table in
                if table[channel]?.version == version { table[channel] = nil }
            }
            throw error
        }
    }
}
