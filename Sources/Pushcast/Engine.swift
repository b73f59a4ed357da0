import CDF
import Foundation
import Logging
import ServiceLifecycle

/// The running engine behind `pushcast serve` (DESIGN.md "The flow"): the watcher feeds
/// the catalog, the scheduler checks channels, the store logs what changed, the hub hands
/// it to the streams, and subscribers' cursors are written back in batches. It is a
/// service: it runs until graceful shutdown, then stops watching, ends the streams, writes
/// the last cursors and lets the checks in flight finish.
public final class Engine: Service, Sendable {
    public let store: any Store
    public let catalog: Catalog
    public let directory: ChannelsDirectory
    public let configuration: EngineConfiguration
    public let hub: Hub
    /// The log read back for replays, rendered once.
    public let log: RenderedLog
    /// Subscribers' cursors as their streams confirm them, written in batches.
    public let cursors: CursorBook
    /// Hands what is logged (here, or by another node) to the hub, in order and once.
    public let follower: LogFollower
    /// The PostgreSQL store's connections, run for the life of the engine; nil on SQLite.
    private let postgres: PostgresStore?
    private let fetcher: RemoteFetcher
    private let scheduler: Scheduler
    private let logger: Logger
    private let readiness = Readiness()

    public init(configuration: EngineConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        directory = try ChannelsDirectory(path: configuration.channelsPath)
        if PostgresAddress.isPostgresURL(configuration.databasePath) {
            let postgres = PostgresStore(address: try PostgresAddress(url: configuration.databasePath))
            (store, self.postgres) = (postgres, postgres)
        } else {
            (store, postgres) = (try SQLiteStore(path: configuration.databasePath), nil)
        }
        catalog = Catalog(
            directory: directory, displayFolder: configuration.channelsPath, store: store,
            limits: configuration.parseLimits, logger: logger)
        fetcher = RemoteFetcher(limits: configuration.contentLimits, logger: logger)
        hub = Hub(configuration: configuration.hub)
        log = RenderedLog(store: store, hub: hub)
        cursors = CursorBook(store: store, logger: logger)
        follower = LogFollower(store: store, hub: hub, logger: logger)
        let checker = ChannelChecker(
            catalog: catalog, store: store,
            checker: Checker(directory: directory, limits: configuration.contentLimits, remote: fetcher, logger: logger),
            checkInterval: configuration.checkInterval, logger: logger, follower: follower, node: UUID().uuidString)
        scheduler = Scheduler(check: { await checker.run($0, due: $1) })
    }

    /// Asks for an immediate check of a live channel (a publisher's ping); false if it is not live.
    public func requestCheck(_ id: String) async -> Bool {
        guard await catalog.forCheck(id) != nil else { return false }
        await scheduler.request([id])
        return true
    }

    /// Returns true once the engine watches the channels folder and has read every
    /// manifest; false if it stopped before that.
    @discardableResult
    public func waitUntilReady() async -> Bool {
        await readiness.wait()
    }

    /// When a channel is next checked on its own schedule.
    public func nextCheck(_ id: String) async -> Date? {
        await scheduler.nextCheck(id)
    }

    public func run() async throws {
        do {
            try await runWithStore()
        } catch {
            await readiness.settle(ready: false)
            await fetcher.shutdown()
            throw error
        }
        // Whoever still waits for "ready" (the server, to say it serves) hears it never came.
        await readiness.settle(ready: false)
        await fetcher.shutdown()
    }

    private func runWithStore() async throws {
        guard let postgres else { return try await runEngine(listener: nil) }
        // The client's connections serve every query (none is answered before it runs), and
        // stay until the engine has written its last cursors.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await postgres.run() }
            guard await waitUntilReachable(postgres) else { return group.cancelAll() }
            try await postgres.migrate()
            try await runEngine(listener: PostgresListener(address: postgres.address))
            group.cancelAll()
        }
    }

    /// Waits until the PostgreSQL store answers, saying so while it does not; false when
    /// the server is asked to stop first.
    private func waitUntilReachable(_ postgres: PostgresStore) async -> Bool {
        let database = "\(postgres.address.host):\(postgres.address.port)/\(postgres.address.database)"
        var attempts = 0
        while await !postgres.isReachable() {
            if Task.isShuttingDownGracefully || Task.isCancelled { return false }
            if attempts % 15 == 0 {
                logger.warning(
                    "PostgreSQL does not answer; the server starts once it does (check --db, and that the database runs)",
                    metadata: ["database": "\(database)"])
            }
            attempts += 1
        }
        if attempts > 0 { logger.info("PostgreSQL answers", metadata: ["database": "\(database)"]) }
        return true
    }

    /// Runs the engine on a reachable store; `listener` hears the other nodes (PostgreSQL).
    private func runEngine(listener: PostgresListener?) async throws {
        // What was logged before now is for replays; the hub gets what comes after.
        follower.start(lastSeqs: Dictionary(try await store.channels().map { ($0.id, $0.lastSeq) }) { a, _ in a })
        let watching = !configuration.serveOnly
        let watcher = watching ? try DirectoryWatcher(root: directory.root, debounce: configuration.debounce) : nil
        await scheduler.request(try await catalog.start(readingFolder: watching).sorted())
        if watching {
            logger.info("watching", metadata: ["channels": "\(directory.root)"])
        } else {
            logger.info("serving only: other nodes watch the channels and log their items")
        }
        await prune()
        await readiness.settle(ready: true)
        await withTaskGroup(of: Void.self) { group in
            if let watcher {
                // From a batch of file events to the hub on one thread (`PublishThread`).
                group.addTask(executorPreference: PublishThread.shared) {
                    for await batch in watcher.changes { await self.handle(batch) }
                }
            }
            if let listener {
                let (catalog, scheduler) = (catalog, scheduler)
                let sync = ClusterSync(store: store, catalog: catalog, follower: follower, hub: hub, logger: logger) {
                    guard watching else { return }
                    await scheduler.request(await catalog.checkable().sorted())
                }
                group.addTask { await listener.run { await sync.hear($0) } }
            }
            group.addTask { await self.pruneUntilCancelled() }
            group.addTask { await self.cursors.run() }
            try? await gracefulShutdown()
            watcher?.stop()
            hub.shutdown()
            // The streams end with their close delimiters, and confirm what they sent.
            await hub.waitUntilNoStreams(for: 3)
            group.cancelAll()
        }
        await cursors.flush()
        await scheduler.stop()
        logger.info("engine stopped")
    }

    /// One debounced burst of file events: the catalog applies it in one call, then the
    /// channels it read again are touched, those to check are checked, and those it retired
    /// are told.
    func handle(_ batch: DirectoryWatcher.Batch) async {
        for (folder, reason) in batch.unwatched.sorted(by: { $0.key < $1.key }) {
            logger.warning(
                "a folder in the channels folder cannot be watched; changes in it are seen at the next check only",
                metadata: ["folder": "\(folder)", "reason": "\(reason)"])
        }
        let changes = await catalog.apply(paths: batch.paths, rescan: batch.rescan)
        if let failure = changes.failure { logger.failure("could not read a change", failure) }
        for id in changes.touched { hub.touch(id) }
        await scheduler.request(changes.toCheck)
        for id in changes.retired {
            await scheduler.forget(id)
            do {
                hub.retire(id, lastSeq: try await store.channel(id)?.lastSeq ?? 0)
            } catch {
                // Its streams are told without the last sequence; they end all the same.
                logger.failure("a retired channel's last sequence could not be read", error, metadata: ["channel": "\(id)"])
                hub.retire(id, lastSeq: 0)
            }
        }
    }

    /// Prunes the log every hour (SPEC §4); the first time is at start-up, before "ready".
    private func pruneUntilCancelled() async {
        while (try? await Task.sleep(for: .seconds(3600))) != nil {
            await prune()
        }
    }

    private func prune() async {
        do {
            let removed = try await store.prune(
                keepItems: configuration.retainItems, keepSeconds: configuration.retainDays * 86_400)
            if removed > 0 { logger.info("log pruned", metadata: ["entries": "\(removed)"]) }
        } catch {
            logger.failure("pruning failed; it is tried again in an hour", error)
        }
    }
}
