import DequeModule
import Synchronization

/// At most `limit` stream admissions at work at once; the others wait their turn, first
/// come first served, suspended before they read anything. Ten thousand readers connecting
/// at once then hold ten thousand small waiting tasks, not ten thousand admissions deep in
/// the store's reads (each with its task's frames and the rows it read): the memory a burst
/// of connections takes stays that of the streams themselves.
final class AdmissionGate: Sendable {
    private struct State {
        var working = 0
        var waiting = Deque<CheckedContinuation<Void, Never>>()
    }

    let limit: Int
    private let state: Mutex<State>

    init(limit: Int) {
        precondition(limit > 0)
        self.limit = limit
        state = Mutex(State())
    }

    /// Returns once this admission may work; pair with `leave`.
    func enter() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let admitted = state.withLock { state in
                guard state.working < limit else {
                    state.waiting.append(continuation)
                    return false
                }
                state.working += 1
                return true
            }
            if admitted { continuation.resume() }
        }
    }

    /// This admission is done: the first waiting one, if any, takes its place.
    func leave() {
        let next = state.withLock { state in
            guard let next = state.waiting.popFirst() else {
                state.working -= 1
                return nil as CheckedContinuation<Void, Never>?
            }
            return next
        }
        next?.resume()
    }
}
