import Foundation
import Synchronization
import Testing

@testable import Pushcast

/// A receiver that keeps what the hub hands it.
final class Collector: HubReceiver {
    let events = Mutex<[HubEvent]>([])

    func receive(_ events: [HubEvent]) {
        self.events.withLock { $0.append(contentsOf: events) }
    }

    var entries: [RenderedEntry] {
        events.withLock { $0 }.compactMap { if case .entry(let entry) = $0 { entry } else { nil } }
    }

    var count: Int { events.withLock { $0.count } }
}

/// The hub as plain values (DESIGN.md step 6): receivers per channel, each entry rendered
/// once and handed to all of them, versions, places for streams.
@Suite("Hub: receivers, rendering once, versions, places")
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

    @Test func eachReceiverGetsItsChannelsEventsRenderedOnce() {
        let hub = Hub(configuration: HubConfiguration())
        let (one, two, other) = (Collector(), Collector(), Collector())
        hub.attach(one, to: "a", changes: false)
        hub.attach(one, to: "a", changes: true)  // twice is once, the second kept
        hub.attach(two, to: "a", changes: true)
        hub.attach(other, to: "b", changes: false)
        hub.publish([Self.entry("a", 1), Self.entry("b", 1), Self.entry("a", 2)])
        #expect(one.entries.map(\.seq) == [1, 2] && two.entries.map(\.seq) == [1, 2])
        #expect(other.entries.map(\.channel) == ["b"])
        // The very same rendering for both, and kept for replays.
        #expect(one.entries[0] === two.entries[0])
        #expect(hub.recent.entry(of: "a", seq: 2) === one.entries[1])
        hub.detach(two, from: "a")
        hub.touch("a")
        #expect(one.count == 3 && two.count == 2)
        guard case .changed("a") = one.events.withLock({ $0.last }) else {
            Issue.record("the touch did not arrive")
            return
        }
        // A receiver that does not ask for changes is not handed one; it still gets the rest.
        hub.attach(other, to: "a", changes: false)
        hub.touch("a")
        #expect(one.count == 4 && other.count == 1)
        hub.retire("a", lastSeq: 2)
        #expect(one.count == 5 && other.count == 2)
    }

    @Test func shutdownReachesEveryReceiverOnce() {
        let hub = Hub(configuration: HubConfiguration())
        let (both, one) = (Collector(), Collector())
        hub.attach(both, to: "a", changes: true)
        hub.attach(both, to: "b", changes: false)
        hub.attach(one, to: "b", changes: false)
        hub.shutdown()
        #expect(both.count == 1 && one.count == 1)
    }

    @Test func placesForStreamsAreCountedUpToTheLimit() {
        let hub = Hub(configuration: HubConfiguration(maxStreams: 2))
        #expect(hub.reserveStream() && hub.reserveStream())
        #expect(!hub.reserveStream())
        #expect(hub.openStreams == 2)
        hub.releaseStream()
        #expect(hub.reserveStream() && hub.openStreams == 2)
    }
}
