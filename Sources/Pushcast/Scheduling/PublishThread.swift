import Foundation

/// The one thread the publish path runs on: a batch of file events, the catalog reading a
/// manifest, the scheduler and the check, the store's transaction, and handing the entries
/// to the hub (docs/ENGINE.md "One thread from a file to the hub"). Tasks that prefer it
/// (`Task(executorPreference:)`) run there, and so do the default actors they call. A
/// publication used to cross five threads on its way (the cooperative pool twice, a task
/// started for the check, the store's writer queue and back); each crossing wakes a thread,
/// and on two cores often takes the core of the thread that woke it.
public final class PublishThread: TaskExecutor, @unchecked Sendable {
    /// The process's publish thread, started the first time it is used; it lives as long as
    /// the process.
    public static let shared = PublishThread()

    /// The thread's name, as `ps -L`, `top -H` and `perf` show it.
    public static let name = "pushcast-pub"

    private let condition = NSCondition()
    /// Jobs waiting, oldest first; guarded by `condition`.
    private var waiting: [UnownedJob] = []

    private init() {
        Thread { [self] in run() }.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        waiting.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs the jobs in the order they came, for ever.
    private func run() {
        ThreadName.set(Self.name)
        var running: [UnownedJob] = []
        while true {
            condition.lock()
            while waiting.isEmpty { condition.wait() }
            swap(&running, &waiting)
            condition.unlock()
            for job in running { job.runSynchronously(on: asUnownedTaskExecutor()) }
            running.removeAll(keepingCapacity: true)
        }
    }
}
