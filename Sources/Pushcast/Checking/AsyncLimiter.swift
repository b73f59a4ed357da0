import DequeModule
import Synchronization

/// At most `limit` holders at once; the others wait in line (first come, first served),
/// suspended, without spinning. Remote fetches are limited per origin and in all with it,
/// and stream admissions with one of 32 (`StreamAdmission`): ten thousand readers
/// connecting at once then hold ten thousand small waiting tasks, not ten thousand
/// admissions deep in the store's reads.
public final class AsyncLimiter: Sendable {
    private struct State {
        var holders = 0
        var waiting = Deque<CheckedContinuation<Void, Never>>()
    }

    private let limit: Int
    private let state = Mutex(State())

    public init(limit: Int) {
        self.limit = max(limit, 1)
    }

    /// Returns once this holder may work; pair with `release`.
    public func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let admitted = state.withLock { state in
                guard state.holders < limit else {
                    state.waiting.append(continuation)
                    return false
                }
                state.holders += 1
                return true
            }
            if admitted { continuation.resume() }
        }
    }

    /// This holder is done: the first waiting one, if any, takes its place.
    public func release() {
        let next = state.withLock { state in
            guard let next = state.waiting.popFirst() else {
                state.holders -= 1
                return nil as CheckedContinuation<Void, Never>?
            }
            return next
        }
        next?.resume()
    }

    func run<T: Sendable>(_ work: @Sendable () async -> T) async -> T {
        await acquire()
        let result = await work()
        release()
        return result
    }
}
