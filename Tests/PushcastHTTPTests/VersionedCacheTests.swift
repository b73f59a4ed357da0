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

    @Test func concurrentCallersShareOneRenderingUntilTheChannelChanges() async throws {
        let hub = Hub(configuration: HubConfiguration())
        let cache = VersionedCache<Int>(hub: hub)
        let counter = Counter()
        let render: @Sendable () async throws -> Int = {
            try await Task.sleep(for: .milliseconds(20))
            return counter.renders.wrappingAdd(1, ordering: .relaxed).newValue
        }
        let values = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<100 { group.addTask { try await cache.value(for: "a", render: render) } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(Set(values) == [1] && counter.renders.load(ordering: .relaxed) == 1)
        #expect(try await cache.value(for: "a", render: render) == 1)
        hub.touch("a")
        #expect(try await cache.value(for: "a", render: render) == 2)
        #expect(try await cache.value(for: "b", render: render) == 3)
    }

    struct Broken: Error {}

    @Test func aFailedRenderingIsTriedAgain() async throws {
        let cache = VersionedCache<Int>(hub: Hub(configuration: HubConfiguration()))
        await #expect(throws: Broken.self) { try await cache.value(for: "a") { throw Broken() } }
        #expect(try await cache.value(for: "a") { 7 } == 7)
    }
}
