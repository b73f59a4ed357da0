import Foundation

/// Runs a call that blocks (a socket read that waits for bytes, a process that is waited
/// for) on a thread of its own, and waits for it without holding a thread. Swift's
/// cooperative pool has one thread per core: on two cores, two such calls made from tests
/// themselves stalled every other test of the process until they ended, an HTTP client's
/// reads among them, whose stream then seemed to get no heartbeat for seconds.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}
