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

/// The calling thread's name, as the kernel has it.
func threadName() -> String? {
    (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8))?.trimmingCharacters(in: .newlines)
}
