/// Once set, stays set; anyone may wait for it. The engine sets it when it watches the
/// channels folder and has read every manifest, so that "ready" means ready.
actor Readiness {
    private var isReady = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func set() {
        isReady = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }

    func wait() async {
        if isReady { return }
        await withCheckedContinuation { waiters.append($0) }
    }
}
