import Synchronization
import Testing

@testable import Pushcast

/// The bound on holders at work at once (`AsyncLimiter`: stream admissions, remote fetches).
@Suite("Async limiter")
struct AsyncLimiterTests {
    /// The waiters that went in, in order.
    final class Entries: Sendable {
        let numbers = Mutex<[Int]>([])
        var all: [Int] { numbers.withLock { $0 } }
    }

    @Test func atMostTheLimitWorkAndTheRestGoInTurn() async throws {
        let gate = AsyncLimiter(limit: 2)
        let entries = Entries()
        await gate.acquire()
        await gate.acquire()
        // Two at work: the next ones wait (each queued before the next comes), in order.
        var waiting: [Task<Void, Never>] = []
        for number in 1...3 {
            waiting.append(
                Task {
                    await gate.acquire()
                    entries.numbers.withLock { $0.append(number) }
                })
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(entries.all.isEmpty)
        gate.release()
        await waiting[0].value
        try await Task.sleep(for: .milliseconds(20))
        #expect(entries.all == [1])
        // One release at a time: two waiters let in together append in whatever order their
        // tasks happen to run.
        gate.release()
        await waiting[1].value
        #expect(entries.all == [1, 2])
        gate.release()
        await waiting[2].value
        #expect(entries.all == [1, 2, 3])
        // Each release handed its place on: two of the three hold them now. Once they release, two
        // acquire at once.
        gate.release()
        gate.release()
        await gate.acquire()
        await gate.acquire()
    }
}
