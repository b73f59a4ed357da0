import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The one thread the publish path runs on: watching `channels/` (a `PublishThreadSource`,
/// the directory watcher's inotify descriptor), a batch of file events, the catalog reading
/// a manifest, the scheduler and the check, the store's transaction, and handing the entries
/// to the hub (docs/ENGINE.md "One thread from a file to the hub"). Tasks that prefer it
/// (`Task(executorPreference:)`) run there, and so do the default actors they call. A
/// publication used to cross five threads on its way (the cooperative pool twice, a task
/// started for the check, the store's writer queue and back), and then a sixth, the
/// watcher's own; each crossing wakes a thread, and on two cores often takes the core of the
/// thread that woke it.
///
/// The thread waits in `poll` on its sources' descriptors and on a pipe that `enqueue`
/// writes to only while the thread sleeps; between waits it runs the jobs that came, oldest
/// first.
public final class PublishThread: TaskExecutor, @unchecked Sendable {
    /// The process's publish thread, started the first time it is used; it lives as long as
    /// the process.
    public static let shared = PublishThread()

    /// The thread's name, as `ps -L`, `top -H` and `perf` show it.
    public static let name = "pushcast-pub"

    private let lock = NSLock()
    /// Guarded by `lock`: jobs waiting, oldest first; sources to add or remove; whether the
    /// thread is (about to be) waiting in `poll`, so that new work must wake it.
    private var waiting: [UnownedJob] = []
    private var changes: [(source: any PublishThreadSource, add: Bool)] = []
    private var sleeping = false
    /// The pipe written to wake the thread from `poll`.
    private let wakeRead: Int32
    private let wakeWrite: Int32

    private init() {
        var ends: [Int32] = [0, 0]
        precondition(pipe(&ends) == 0, "the publish thread cannot make its pipe")
        for end in ends {
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        (wakeRead, wakeWrite) = (ends[0], ends[1])
        Thread { [self] in run() }.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        hand { waiting.append(job) }
    }

    /// From now on the thread calls `source` when its descriptor is readable or its deadline
    /// has passed.
    func add(_ source: any PublishThreadSource) {
        change(source, add: true)
    }

    /// The thread stops calling `source`, then calls its `removed()` (where it may close its
    /// descriptor: the thread no longer waits on it).
    func remove(_ source: any PublishThreadSource) {
        change(source, add: false)
    }

    private func change(_ source: any PublishThreadSource, add: Bool) {
        hand { changes.append((source, add)) }
    }

    /// Records work for the thread under the lock, and wakes it if it sleeps.
    private func hand(_ record: () -> Void) {
        lock.lock()
        record()
        let asleep = sleeping
        sleeping = false
        lock.unlock()
        guard asleep else { return }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    /// Runs the jobs in the order they came, and the sources as they become ready, for ever.
    private func run() {
        ThreadName.set(Self.name)
        BatchScheduling.adopt(Self.name)
        var running: [UnownedJob] = []
        var sources: [any PublishThreadSource] = []
        var removed: [any PublishThreadSource] = []
        var descriptors: [pollfd] = []
        while true {
            lock.lock()
            for (source, add) in changes {
                if add {
                    sources.append(source)
                } else if let index = sources.firstIndex(where: { $0 === source }) {
                    removed.append(sources.remove(at: index))
                }
            }
            changes.removeAll(keepingCapacity: true)
            swap(&running, &waiting)
            let idle = running.isEmpty && removed.isEmpty
            sleeping = idle
            lock.unlock()
            for source in removed { source.removed() }
            removed.removeAll()
            if !running.isEmpty {
                for job in running { job.runSynchronously(on: asUnownedTaskExecutor()) }
                running.removeAll(keepingCapacity: true)
                continue
            }
            if idle { waitForSources(sources, descriptors: &descriptors) }
        }
    }

    /// Waits until the pipe or a source's descriptor is readable, or the first deadline,
    /// and calls the sources that are due.
    private func waitForSources(_ sources: [any PublishThreadSource], descriptors: inout [pollfd]) {
        descriptors.removeAll(keepingCapacity: true)
        descriptors.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0))
        var first: ContinuousClock.Instant?
        for source in sources {
            descriptors.append(pollfd(fd: source.descriptor, events: Int16(POLLIN), revents: 0))
            if let deadline = source.deadline { first = min(first ?? deadline, deadline) }
        }
        let timeout = first.map { Self.milliseconds(until: $0) } ?? -1
        let ready = poll(&descriptors, nfds_t(descriptors.count), timeout)
        lock.lock()
        sleeping = false
        lock.unlock()
        guard ready >= 0 else { return }  // EINTR: look again
        if descriptors[0].revents != 0 {
            var bytes = (UInt64(0), UInt64(0))
            while withUnsafeMutableBytes(of: &bytes, { read(wakeRead, $0.baseAddress, $0.count) }) > 0 {}
        }
        let now = ContinuousClock.now
        for (index, source) in sources.enumerated() {
            if descriptors[index + 1].revents != 0 {
                source.readable()
            } else if let deadline = source.deadline, deadline <= now {
                source.deadlinePassed()
            }
        }
    }

    /// `poll`'s timeout for `deadline`: whole milliseconds, rounded up so that the deadline
    /// has passed when it returns.
    private static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        let left = ContinuousClock.now.duration(to: deadline)
        guard left > .zero else { return 0 }
        let (seconds, attoseconds) = left.components
        return Int32(min(seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000, 60_000))
    }
}

/// Something the publish thread waits on beside its jobs: a descriptor to read when it is
/// readable, and a deadline. Called on the publish thread only, from `add` until `removed`.
protocol PublishThreadSource: AnyObject {
    var descriptor: Int32 { get }
    /// When `deadlinePassed` is due if the descriptor stays quiet; nil for no deadline.
    var deadline: ContinuousClock.Instant? { get }
    func readable()
    func deadlinePassed()
    /// The thread no longer waits on the source.
    func removed()
}
