import Pushcast
import Synchronization
import Testing

@testable import PushcastHTTP

/// Rendered once per change, however many ask (DESIGN.md step 6).
@Suite("The versioned cache")
struct VersionedCacheTests {
    final class Counter: Sendable {
        let renders = Atomic<Int>(0)
    }

    @Test func concurrentCallersShareOneRenderingUntilTheChannelChanges() async {
        let hub = Hub(configuration: HubConfiguration())
        let cache = VersionedCache<Int>(hub: hub)
        let counter = Counter()
        let render: @Sendable () async -> Int? = {
            try? await Task.sleep(for: .milliseconds(20))
            return counter.renders.wrappingAdd(1, ordering: .relaxed).newValue
        }
        let values = await withTaskGroup(of: Int?.self) { group in
            for _ in 0..<100 { group.addTask { await cache.value(for: "a", render: render) } }
            return await group.reduce(into: [Int?]()) { $0.append($1) }
        }
        #expect(Set(values) == [1] && counter.renders.load(ordering: .relaxed) == 1)
        #expect(await cache.value(for: "a", render: render) == 1)
        hub.touch("a")
        #expect(await cache.value(for: "a", render: render) == 2)
        #expect(await cache.value(for: "b", render: render) == 3)
    }

    @Test func aFailedRenderingIsTriedAgain() async {
        let cache = VersionedCache<Int>(hub: Hub(configuration: HubConfiguration()))
        #expect(await cache.value(for: "a") { nil } == nil)
        #expect(await cache.value(for: "a") { 7 } == 7)
    }
}
