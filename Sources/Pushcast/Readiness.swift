/// Once settled, stays settled; anyone may wait for it. The engine says `ready` when it
/// watches the channels folder and has read every manifest, so that "ready" means ready,
/// or `stopped` when it ends before that (asked to stop while its database did not answer).
actor Readiness {
    private var outcome: Bool?
    private var waiters: [CheckedContinuation<Bool, Never>] = []

    /// Ready (true) or stopped before it was (false); the first call decides.
    func settle(ready: Bool) {
        guard outcome == nil else { return }
        outcome = ready
        for waiter in waiters { waiter.resume(returning: ready) }
        waiters = []
    }

    /// True once ready; false if it stopped first.
    func wait() async -> Bool {
        if let outcome { return outcome }
        return await withCheckedContinuation { waiters.append($0) }
    }
}
