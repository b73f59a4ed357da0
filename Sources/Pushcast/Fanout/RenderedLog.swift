import Synchronization

/// A channel's log read back for a replay, a page at a time, rendered once (DESIGN.md
/// step 7): a page the hub still keeps (`RecentEntries`) is its very buffers; a page read
/// from the store is rendered once and kept there too; and streams that ask for the same
/// page at the same moment (a reconnect storm) share one read.
public final class RenderedLog: Sendable {
    private struct PageKey: Hashable {
        let channel: String
        let after: Int64
        let through: Int64
    }

    private let store: any Store
    private let hub: Hub
    private let reading = Mutex<[PageKey: Task<[RenderedEntry], any Error>]>([:])

    public init(store: any Store, hub: Hub) {
        self.store = store
        self.hub = hub
    }

    /// The entries after `after`, up to `through` and at most `LogReplay.pageSize` of them,
    /// oldest first; fewer (or none) where the log no longer holds them.
    public func page(of channel: String, after: Int64, through: Int64) async throws -> [RenderedEntry] {
        let last = min(through, after + Int64(LogReplay.pageSize))
        guard last > after else { return [] }
        if let kept = hub.recent.run(of: channel, after: after, through: last) { return kept }
        let key = PageKey(channel: channel, after: after, through: last)
        let reading = self.reading.withLock { table in
            if let reading = table[key] { return reading }
            let reading = Task { try await self.read(key) }
            table[key] = reading
            return reading
        }
        defer { self.reading.withLock { $0[key] = nil } }
        return try await reading.value
    }

    private func read(_ key: PageKey) async throws -> [RenderedEntry] {
        let entries = try await store.entries(channel: key.channel, after: key.after, limit: Int(key.through - key.after))
        let renderer = hub.renderer
        let rendered = entries.filter { $0.seq <= key.through }.map { entry in
            hub.recent.entry(of: entry.channel, seq: entry.seq) ?? renderer.render(entry)
        }
        hub.recent.insert(rendered)
        return rendered
    }
}
