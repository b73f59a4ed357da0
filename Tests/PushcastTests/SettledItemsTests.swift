import CDF
import Foundation
import Logging
import Testing

@testable import Pushcast

/// What a check passes by (`SettledItems`): known items that are not precached, while their
/// LASTMOD does not grow. As plain values, and through real checks of a channel on disk.
@Suite("Settled items: what a check passes by")
struct SettledItemsTests {
    static func item(_ id: String, lastmod: String? = nil, precache: Bool = false) -> Item {
        Item(
            id: id, href: "news/\(id).html", local: true, lastmod: lastmod.flatMap(Timestamp.init(lastmod:)),
            precache: precache)
    }

    @Test func aKnownItemIsPassedByUntilItsLastmodGrows() {
        let settled = SettledItems()
        let items = [Self.item("a"), Self.item("b", lastmod: "2026-12-01"), Self.item("c", precache: true)]
        #expect(settled.unsettled(items, channel: "news").map(\.id) == ["a", "b", "c"])
        settled.settle(items.map { ItemObservation(item: $0) }, listed: items, channel: "news")
        // Precached items are read every time; the others are passed by.
        #expect(settled.unsettled(items, channel: "news").map(\.id) == ["c"])
        // Another channel knows nothing of them.
        #expect(settled.unsettled(items, channel: "sports").map(\.id) == ["a", "b", "c"])
        // A LASTMOD that grows, or appears, is a change to look at; one that stays or goes back is not.
        let later = [
            Self.item("a", lastmod: "2026-11-01"), Self.item("b", lastmod: "2026-12-02"), Self.item("c", precache: true),
        ]
        #expect(settled.unsettled(later, channel: "news").map(\.id) == ["a", "b", "c"])
        let same = [Self.item("a"), Self.item("b", lastmod: "2026-11-30")]
        #expect(settled.unsettled(same, channel: "news").isEmpty)
        // Once seen with its greater LASTMOD, that is what it is known with.
        settled.settle([ItemObservation(item: later[1])], listed: later, channel: "news")
        #expect(settled.unsettled(later, channel: "news").map(\.id) == ["a", "c"])
        #expect(settled.unsettled([Self.item("b", lastmod: "2026-12-01")], channel: "news").isEmpty)
    }

    @Test func anItemAwaitingItsFileOrNoLongerListedIsNotSettled() {
        let settled = SettledItems()
        let items = [Self.item("a"), Self.item("b")]
        settled.settle(
            [ItemObservation(item: items[0]), ItemObservation(item: items[1], awaitingFile: true)], listed: items,
            channel: "news")
        #expect(settled.unsettled(items, channel: "news").map(\.id) == ["b"])
        // A manifest without "a": forgotten, so it is observed again if it comes back.
        settled.settle([], listed: [items[1]], channel: "news")
        #expect(settled.unsettled(items, channel: "news").map(\.id) == ["a", "b"])
    }

    /// A channel folder, its store, and the checker that checks it, as the engine has them.
    struct Setup {
        let folder: TemporaryChannels
        let store: SQLiteStore
        let catalog: Catalog
        let checker: ChannelChecker
        let fetcher: RemoteFetcher

        init() throws {
            folder = try TemporaryChannels()
            store = try SQLiteStore(path: folder.base.appendingPathComponent("db.sqlite").path)
            let directory = try ChannelsDirectory(path: folder.channels.path)
            let logger = Logger(label: "test")
            catalog = Catalog(
                directory: directory, displayFolder: "channels", store: store, limits: ParseLimits(), logger: logger)
            fetcher = RemoteFetcher(limits: ContentLimits(), logger: logger)
            checker = ChannelChecker(
                catalog: catalog, store: store,
                checker: Checker(directory: directory, limits: ContentLimits(), remote: fetcher, logger: logger),
                checkInterval: 3600, logger: logger,
                follower: LogFollower(store: store, hub: Hub(configuration: HubConfiguration()), logger: logger),
                node: "test")
        }

        /// Writes the manifest with `items` (ITEM elements), loads it and checks the channel;
        /// returns what the check logged, as `event id`.
        func publish(_ items: String) async throws -> [String] {
            let before = try await store.channel("news")?.lastSeq ?? 0
            try folder.write("<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>News</TITLE>\(items)</CHANNEL>", to: "news.cdf")
            _ = try await catalog.reload(file: "news.cdf")
            _ = await checker.run("news", due: false)
            let logged = try await store.entries(channel: "news", after: before, limit: 100)
            return logged.map { "\($0.event.rawValue) \($0.itemID)" }
        }
    }

    /// Runs `body` with a setup, its HTTP client shut down afterwards whatever happens.
    static func withSetup(_ body: (Setup) async throws -> Void) async throws {
        let setup = try Setup()
        do {
            try await body(setup)
        } catch {
            await setup.fetcher.shutdown()
            throw error
        }
        await setup.fetcher.shutdown()
    }

    @Test func checksLogWhatChangedAndPassByTheRest() async throws {
        try await Self.withSetup { setup in try await Self.passingBy(setup) }
    }

    static func passingBy(_ setup: Setup) async throws {
        try setup.folder.write("<p>a</p>", to: "news/a.html")
        try setup.folder.write("<p>c</p>", to: "news/c.html")
        let a = #"<ITEM HREF="news/a.html" PRECACHE="NO" LASTMOD="2026-12-01T10:00"><TITLE>A</TITLE></ITEM>"#
        let b = #"<ITEM HREF="news/b.html" PRECACHE="NO"><TITLE>B</TITLE></ITEM>"#
        let c = #"<ITEM HREF="news/c.html" PRECACHE="YES"><TITLE>C</TITLE></ITEM>"#
        // b's file is not there yet: it waits, and is not settled.
        // (Items without LASTMOD are logged first.)
        #expect(try await setup.publish(a + b + c) == ["new news/c.html", "new news/a.html"])
        // a is passed by (its file may even go); b's file came; c's content changed under the same manifest.
        try FileManager.default.removeItem(at: setup.folder.channels.appendingPathComponent("news/a.html"))
        try setup.folder.write("<p>b</p>", to: "news/b.html")
        try setup.folder.write("<p>c, again</p>", to: "news/c.html")
        #expect(try await setup.publish(a + b + c) == ["new news/b.html", "updated news/c.html"])
        // a's LASTMOD grows: it is looked at again and logged as updated, however settled it was.
        let newer = a.replacingOccurrences(of: "2026-12-01T10:00", with: "2026-12-02T10:00")
        #expect(try await setup.publish(newer + b + c) == ["updated news/a.html"])
        #expect(try await setup.publish(newer + b).isEmpty)
        // a was seen without its file this time: not settled (an item so seen may not be known).
        let items = try #require(await setup.catalog.entry("news")?.channel?.items)
        #expect(setup.checker.settled.unsettled(items, channel: "news").map(\.id) == ["news/a.html"])
        // Its file is back: the next check sees it, and settles it.
        try setup.folder.write("<p>a</p>", to: "news/a.html")
        _ = await setup.checker.run("news", due: false)
        #expect(setup.checker.settled.unsettled(items, channel: "news").isEmpty)
        // A check that passes by every item logs nothing and is still recorded as a check.
        let checkedBefore = try #require(try await setup.store.channel("news")?.lastCheck)
        try await Task.sleep(for: .milliseconds(20))
        _ = await setup.checker.run("news", due: false)
        #expect(try #require(try await setup.store.channel("news")?.lastCheck) > checkedBefore)
        #expect(try await setup.store.channel("news")?.lastSeq == 5)
    }
}
