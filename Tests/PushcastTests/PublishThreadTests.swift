import Foundation
import Synchronization
import Testing

@testable import Pushcast

/// The publish thread: a task that prefers it runs there, and so do the default actors it
/// calls and what follows its suspensions; tasks run in the order they were started.
@Suite("Publish thread")
struct PublishThreadTests {
    /// A default actor, as the catalog and the scheduler are.
    actor Counter {
        var count = 0
        func increment() -> String? {
            count += 1
            return threadName()
        }
    }

    @Test func aPreferringTaskAndTheActorsItCallsRunOnTheOneThread() async throws {
        let counter = Counter()
        let names = try await Task(executorPreference: PublishThread.shared) {
            var names = [threadName()]
            names.append(await counter.increment())
            try await Task.sleep(for: .milliseconds(5))
            names.append(threadName())
            return names
        }.value
        #expect(names == Array(repeating: PublishThread.name, count: 3))
        // Without the preference, the same actor runs elsewhere.
        #expect(await counter.increment() != PublishThread.name)
    }

    @Test func thePublishThreadIsABatchThread() async {
        #expect(await Task(executorPreference: PublishThread.shared) { BatchScheduling.isAdopted }.value)
    }

    /// The order the tasks ran in.
    final class Order: Sendable {
        let indices = Mutex<[Int]>([])
    }

    @Test func tasksRunInTheOrderTheyStarted() async {
        let order = Order()
        let tasks = (0..<200).map { index in
            Task(executorPreference: PublishThread.shared) { order.indices.withLock { $0.append(index) } }
        }
        for task in tasks { await task.value }
        #expect(order.indices.withLock { $0 } == Array(0..<200))
    }
}

/// A pipe the publish thread waits on: what it was called for, and on which thread.
final class PipeSource: PublishThreadSource, @unchecked Sendable {
    let ends: (read: Int32, write: Int32)
    let calls = Mutex<[String]>([])
    let due: ContinuousClock.Instant?

    init(due: ContinuousClock.Instant? = nil) {
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0)
        _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
        ends = (fds[0], fds[1])
        self.due = due
    }

    var descriptor: Int32 { ends.read }
    var deadline: ContinuousClock.Instant? { calls.withLock { $0.contains { $0.hasPrefix("deadline") } } ? nil : due }

    func readable() {
        var byte: UInt8 = 0
        while read(ends.read, &byte, 1) == 1 {}
        calls.withLock { $0.append("readable on \(threadName() ?? "?")") }
    }

    func deadlinePassed() {
        calls.withLock { $0.append("deadline on \(threadName() ?? "?")") }
    }

    func removed() {
        close(ends.read)
        close(ends.write)
        calls.withLock { $0.append("removed") }
    }

    /// Waits up to 10 s for `count` calls.
    func waitFor(_ count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while calls.withLock({ $0.count }) < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

@Suite("Publish thread sources")
struct PublishThreadSourceTests {
    @Test func aReadableDescriptorIsHandledOnThePublishThreadUntilRemoved() async throws {
        let source = PipeSource()
        PublishThread.shared.add(source)
        var byte: UInt8 = 1
        _ = write(source.ends.write, &byte, 1)
        try await source.waitFor(1)
        PublishThread.shared.remove(source)
        try await source.waitFor(2)
        #expect(source.calls.withLock { $0 } == ["readable on \(PublishThread.name)", "removed"])
    }

    @Test func aQuietSourceIsCalledAtItsDeadline() async throws {
        let started = ContinuousClock.now
        let source = PipeSource(due: started + .milliseconds(50))
        PublishThread.shared.add(source)
        try await source.waitFor(1)
        #expect(ContinuousClock.now - started >= .milliseconds(50))
        PublishThread.shared.remove(source)
        try await source.waitFor(2)
        #expect(source.calls.withLock { $0 } == ["deadline on \(PublishThread.name)", "removed"])
    }
}

/// The calling thread's name, as the kernel has it.
func threadName() -> String? {
    (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8))?.trimmingCharacters(in: .newlines)
}
