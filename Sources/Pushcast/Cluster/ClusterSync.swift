import Logging

/// What a node does with what its `PostgresListener` hears (docs/CLUSTER.md): a channel's
/// log reaching further goes to the `LogFollower`, which reads and fans out what this node
/// has not; a channel's row changed by any node is read back into the catalog, and the
/// channel's pages and streams are told. A lost connection is said once, and its return,
/// when the node's channels are checked again (checks failed while the database was away).
actor ClusterSync {
    private let store: any Store
    private let catalog: Catalog
    private let follower: LogFollower
    private let hub: Hub
    private let logger: Logger
    private let recheck: @Sendable () async -> Void
    /// When each channel's row last changed, as the last marks showed.
    private var seen: [String: Double] = [:]
    private var lostSince: ContinuousClock.Instant?

    init(
        store: any Store, catalog: Catalog, follower: LogFollower, hub: Hub, logger: Logger,
        recheck: @escaping @Sendable () async -> Void
    ) {
        self.recheck = recheck
        self.store = store
        self.catalog = catalog
        self.follower = follower
        self.hub = hub
        self.logger = logger
    }

    func hear(_ signal: PostgresListener.Signal) async {
        switch signal {
        case .logged(let channel, let seq):
            follower.known(channel, seq: seq)
        case .changed(let channel):
            await refresh(channel)
        case .marks(let marks):
            await take(marks)
        case .connected:
            if let lostSince {
                logger.info(
                    "the database's notifications are heard again; what was missed is being read",
                    metadata: ["after": "\(ContinuousClock.now - lostSince)"])
                self.lostSince = nil
                await recheck()
            }
        case .lost(let error):
            if lostSince == nil {
                lostSince = .now
                logger.failure(
                    "the database's notifications are not heard; other nodes' items arrive once it answers again",
                    error, level: .warning)
            }
        }
    }

    /// Every channel's mark: logs that reach further are read, rows that changed are read
    /// back, channels gone from the store are forgotten.
    private func take(_ marks: [ChannelMark]) async {
        var now: [String: Double] = [:]
        var unread: [String] = []
        for mark in marks {
            now[mark.id] = mark.updatedAt
            follower.known(mark.id, seq: mark.lastSeq)
            if seen[mark.id] != mark.updatedAt, await !refresh(mark.id) { unread.append(mark.id) }
        }
        for id in seen.keys where now[id] == nil { _ = await refresh(id) }
        seen = now
        // Read again at the next marks.
        for id in unread { seen[id] = nil }
    }

    /// Reads one channel's row back into the catalog, and tells its streams and pages;
    /// false when it could not be read.
    @discardableResult
    private func refresh(_ id: String) async -> Bool {
        do {
            let record = try await store.channel(id)
            let manifest = record == nil ? nil : try await store.manifest(id)
            switch await catalog.adopt(record, manifest: manifest, id: id) {
            case .changed:
                hub.touch(id)
            case .retired:
                hub.retire(id, lastSeq: record?.lastSeq ?? 0)
            case .unchanged, .forgotten:
                break
            }
            return true
        } catch {
            logger.failure(
                "a channel another node changed could not be read; it is read again within a second", error,
                level: .warning, metadata: ["channel": "\(id)"])
            return false
        }
    }
}
