import Synchronization
import Testing

@testable import PushcastHTTP

/// The bound on admissions at work at once (`AdmissionGate`).
@Suite("Admission gate")
struct AdmissionGateTests {
    /// The waiters that went in, in order.
    final class Entries: Sendable {
        let numbers = Mutex<[Int]>([])
        var all: [Int] { numbers.withLock { $0 } }
    }

    @Test func atMostTheLimitWorkAndTheRestGoInTurn() async throws {
        let gate = AdmissionGate(limit: 2)
        let entries = Entries()
        await gate.enter()
        await gate.enter()
        // Two at work: the next ones wait (each queued before the next comes), in order.
        var waiting: [Task<Void, Never>] = []
        for number in 1...3 {
            waiting.append(
                Task {
                    await gate.enter()
                    entries.numbers.withLock { $0.append(number) }
                })
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(entries.all.isEmpty)
        gate.leave()
        await waiting[0].value
        try await Task.sleep(for: .milliseconds(20))
        #expect(entries.all == [1])
        gate.leave()
        gate.leave()
        for task in waiting { await task.value }
        #expect(entries.all == [1, 2, 3])
        // Each leave handed its place on: two of the three hold them now. Once they leave, two
        // enter at once.
        gate.leave()
        gate.leave()
        await gate.enter()
        await gate.enter()
    }
}
