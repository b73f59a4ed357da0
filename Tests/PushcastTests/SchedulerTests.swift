import Foundation
import Synchronization
import Testing

@testable import Pushcast

/// The scheduler's timer: a due check never runs before its time and always runs, whether
/// the due time moved later (the timer armed for the earlier one wakes for nothing, then
/// arms again) or earlier (the timer is moved).
@Suite("Scheduler")
struct SchedulerTests {
    /// What the check closure was asked, and when each due check was due.
    final class Record: Sendable {
        let log = Mutex<[(due: Bool, at: Date)]>([])
        let dueTimes = Mutex<[Date]>([])
    }

    /// Where the scheduler's checks ran.
    final class Names: Sendable {
        let names = Mutex<[String?]>([])
    }

    @Test func theSchedulersChecksRunOnIt() async throws {
        let ran = Names()
        let scheduler = Scheduler { _, _ in
            ran.names.withLock { $0.append(threadName()) }
            return nil
        }
        await scheduler.request(["news"])
        await scheduler.request(["sports"])
        try await waitUntil { ran.names.withLock { $0.count } == 2 }
        #expect(ran.names.withLock { $0 } == [PublishThread.name, PublishThread.name])
    }

    @Test func aDueCheckRunsAtItsTimeWhetherItMovedLaterOrEarlier() async throws {
        let record = Record()
        // Each check says when the channel is next due: 0.3 s, then 0.8 s, then 0.1 s after
        // it, then never.
        let delays: [Double?] = [0.3, 0.8, 0.1, nil]
        let scheduler = Scheduler { _, due in
            let now = Date()
            let count = record.log.withLock { log in
                log.append((due, now))
                return log.count
            }
            guard count <= delays.count, let delay = delays[count - 1] else { return nil }
            let next = now.addingTimeInterval(delay)
            record.dueTimes.withLock { $0.append(next) }
            return next
        }
        await scheduler.request(["news"])  // armed for 0.3 s from now
        try await waitUntil { record.log.withLock { $0.count } == 1 }
        await scheduler.request(["news"])  // due 0.8 s from now: the timer stays on the earlier time
        try await waitUntil(seconds: 10) { record.log.withLock { $0.count } == 3 }
        // The third check was due: not before the second check's due time.
        let (log, dueTimes) = (record.log.withLock { $0 }, record.dueTimes.withLock { $0 })
        #expect(log.map(\.due) == [false, false, true])
        #expect(log[2].at >= dueTimes[1])
        // It moved the due time earlier (0.1 s): that check comes in time too, and is the last.
        try await waitUntil(seconds: 10) { record.log.withLock { $0.count } == 4 }
        let last = record.log.withLock { $0[3] }
        #expect(last.due && last.at >= record.dueTimes.withLock { $0[2] })
        try await Task.sleep(for: .milliseconds(300))
        #expect(record.log.withLock { $0.count } == 4)
        await scheduler.stop()
    }

    private func waitUntil(seconds: Double = 5, _ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else {
                Issue.record("timed out")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
