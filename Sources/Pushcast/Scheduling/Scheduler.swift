import Foundation

/// Decides when each channel is checked and runs the checks (DESIGN.md step 4).
///
/// A check asked for (a file event, start-up, a publisher's ping) runs at once; a check of
/// a channel already being checked runs once more after it, however often it was asked.
/// Different channels are checked side by side. When a check ends it says when the channel
/// is due next (its SCHEDULE window, or the default interval); one timer task for all
/// channels sleeps until the earliest due time. The checks run on the publish thread.
actor Scheduler {
    /// Checks a channel (`due`: on its schedule, rather than asked); returns when it is next
    /// due on its own, or nil for never.
    typealias Check = @Sendable (_ channel: String, _ due: Bool) async -> Date?

    private let check: Check
    /// Where the checks run (the publish thread).
    private let executor: any TaskExecutor
    private var running: [String: Task<Void, Never>] = [:]
    private var again: Set<String> = []
    private var due: [String: Date] = [:]
    private var timer: Task<Void, Never>?
    private var armedFor: Date?
    private var stopped = false

    init(executor: any TaskExecutor = PublishThread.shared, check: @escaping Check) {
        self.executor = executor
        self.check = check
    }

    /// Checks `channels` now (each right after its check in flight, if one is), in their order.
    func request(_ channels: [String]) {
        for channel in channels { start(channel, due: false) }
    }

    private func start(_ channel: String, due isDue: Bool) {
        guard !stopped else { return }
        guard running[channel] == nil else {
            again.insert(channel)
            return
        }
        due[channel] = nil
        running[channel] = Task(executorPreference: executor) { [self, check] in
            let next = await check(channel, isDue)
            await finished(channel, next: next)
        }
    }

    /// Forgets a channel's due time (it was retired).
    func forget(_ channel: String) {
        due[channel] = nil
        rearm()
    }

    /// When `channel` is next due on its own.
    func nextCheck(_ channel: String) -> Date? {
        due[channel]
    }

    /// Stops the timer and waits for the checks in flight.
    func stop() async {
        stopped = true
        timer?.cancel()
        timer = nil
        due = [:]
        again = []
        while let task = running.values.first {
            await task.value
        }
    }

    private func finished(_ channel: String, next: Date?) {
        running[channel] = nil
        if again.remove(channel) != nil {
            start(channel, due: false)
            return
        }
        due[channel] = stopped ? nil : next
        rearm()
    }

    /// Arms the timer for the earliest due time. A timer armed for an earlier time is left
    /// as it is: it wakes for nothing and arms again then. A check nearly always moves its
    /// channel's due time later, and moving the timer each time was a task cancelled and
    /// another started for every check.
    private func rearm() {
        guard let earliest = due.values.min() else {
            timer?.cancel()
            timer = nil
            armedFor = nil
            return
        }
        if let armedFor, armedFor <= earliest, timer != nil { return }
        timer?.cancel()
        armedFor = earliest
        timer = Task { [weak self] in
            let wait = min(max(earliest.timeIntervalSinceNow, 0), 366 * 86_400)
            if wait > 0 { try? await Task.sleep(for: .milliseconds(Int64(wait * 1000))) }
            guard !Task.isCancelled else { return }
            await self?.runDue()
        }
    }

    private func runDue() {
        timer = nil
        armedFor = nil
        let now = Date()
        for (channel, date) in due where date <= now { start(channel, due: true) }
        rearm()
    }
}
