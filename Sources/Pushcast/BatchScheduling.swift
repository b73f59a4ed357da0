import Logging
import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Asks the kernel to run the calling thread as a batch thread (`SCHED_BATCH`): it gets its
/// share of the CPU as before, but waking it never preempts the thread that woke it. The
/// publish thread and the event loops run so (docs/PUSH.md, "Wake-ups that do not
/// preempt"): a publication wakes every loop, and the first loop woken used to take the
/// publish thread's core at once, so the second was woken only when the publish thread got
/// a core again, up to a millisecond later. Any thread may ask this for itself without
/// privileges, and a thread it starts inherits it; should the kernel refuse (a sandbox that
/// filters the call), the thread keeps the default policy, nothing else changes, and the log
/// says so.
public enum BatchScheduling {
    private static let logger = Logger(label: "pushcast")

    /// The kernel's number for the policy (`<sched.h>` defines it only for GNU sources).
    static let policy: Int32 = 3

    /// Every event loop of `group` runs as a batch thread from its next turn on.
    public static func adopt(on group: any EventLoopGroup) {
        for loop in group.makeIterator() { loop.execute { adopt("an event loop") } }
    }

    static func adopt(_ thread: String) {
        var parameters = sched_param(sched_priority: 0)
        // Said once: every thread that asks meets the same refusal.
        guard sched_setscheduler(0, policy, &parameters) != 0, !refused.exchange(true, ordering: .relaxed) else { return }
        logger.notice(
            "the kernel refused to make the server's threads batch threads, so items may reach readers a little later; where a system-call filter confines the server, allow sched_setscheduler in it (contrib/pushcast.service does)",
            metadata: ["thread": "\(thread)"])
    }

    /// Whether a refusal was logged already.
    private static let refused = Atomic<Bool>(false)

    /// Whether the calling thread runs as a batch thread.
    public static var isAdopted: Bool {
        sched_getscheduler(0) == policy
    }
}
