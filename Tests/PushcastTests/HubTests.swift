import Foundation
import Testing

@testable import Pushcast

/// The hub's bookkeeping that live pages rely on (SPEC §3.1 "Slow readers", §3.2).
@Suite("Hub: versions and coalescing")
struct HubTests {
    static func entry(_ channel: String, _ seq: Int64) -> LogEntry {
        LogEntry(
            channel: channel, seq: seq, event: .new, itemID: "i\(seq)", revision: 1, title: "T\(seq)", abstract: nil,
            href: "http://example.com/\(seq)", local: false, lastmod: nil, section: "[]", precache: false, contentType: nil,
            contentHash: nil, contentSize: nil, content: nil, loggedAt: 0)
    }

    @Test func everyChangeOfAChannelMovesItsVersionOnly() {
        let hub = Hub(configuration: HubConfiguration())
        #expect(hub.version(of: "a") == 0)
        hub.publish([Self.entry("a", 1), Self.entry("a", 2)])
        #expect(hub.version(of: "a") == 1 && hub.version(of: "b") == 0)
        hub.touch("b")
        hub.retire("a", lastSeq: 2)
        #expect(hub.version(of: "a") == 2 && hub.version(of: "b") == 1)
    }

    @Test func aCoalescingStreamKeepsOnePendingChangeHoweverManyCome() async throws {
        let hub = Hub(configuration: HubConfiguration(queueCapacity: 4))
        let live = try #require(hub.register(["a"], coalescing: true))
        let items = try #require(hub.register(["a"]))
        for seq in 1...100 { hub.publish([Self.entry("a", Int64(seq))]) }
        hub.touch("a")
        // The item stream fell behind: it is told to resume, and ends.
        guard case .overflow = await items.next() else { Issue.record("no overflow"); return }
        // The live stream has one change to show, then nothing but what comes next.
        guard case .entry(let first) = await live.next() else { Issue.record("no change"); return }
        #expect(first.seq == 1)
        hub.shutdown()
        guard case .shutdown = await live.next() else { Issue.record("more than one change was queued"); return }
    }

    @Test func aManifestReloadReachesLiveStreams() async throws {
        let hub = Hub(configuration: HubConfiguration())
        let live = try #require(hub.register(["a"], coalescing: true))
        hub.touch("a")
        guard case .changed("a") = await live.next() else { Issue.record("touch not seen"); return }
    }
}
