import NIOCore
import Pushcast
import Synchronization

/// One long poll waiting for its channel's next entry (SPEC §3): the hub's receiver from
/// before the poll reads the log (so nothing logged in between is missed) until an entry
/// comes, the channel is retired, the server stops, or its time is up.
final class PollWaiter: HubReceiver {
    private struct State {
        var event: HubEvent?
        var waiter: CheckedContinuation<HubEvent?, Never>?
        var done = false
    }

    private let state = Mutex(State())

    func receive(_ events: [HubEvent]) {
        guard let event = events.first(where: { if case .changed = $0 { false } else { true } }) else { return }
        resume(with: event)
    }

    /// The first event that ends the poll, or nil after `timeout`.
    func wait(timeout: TimeAmount, on loop: any EventLoop) async -> HubEvent? {
        let timer = loop.scheduleTask(in: timeout) { self.resume(with: nil) }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> (HubEvent?, Bool) in
                guard !state.done else { return (state.event, true) }
                state.waiter = continuation
                return (nil, false)
            }
            if ready.1 { continuation.resume(returning: ready.0) }
        }
    }

    private func resume(with event: HubEvent?) {
        let waiter = state.withLock { state -> CheckedContinuation<HubEvent?, Never>? in
            guard !state.done else { return nil }
            state.done = true
            state.event = event
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: event)
    }
}
