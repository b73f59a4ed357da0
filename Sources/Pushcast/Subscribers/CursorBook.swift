import Logging
import Synchronization

/// Subscribers' delivery cursors as their streams confirm them (SPEC §4), written to the
/// store in batches: confirmations from every stream gather here, and one transaction at
/// most every `interval` writes them all; the engine writes the rest once more at shutdown.
/// With nothing confirmed, nothing wakes: the first confirmation after a batch rings for the
/// next one (`run`), so an idle server has no timer of its own here.
///
/// A stream confirms an item only once its reader's TCP has acknowledged the item's bytes,
/// so a cursor never passes an item its reader may not have had, even when the server then
/// cuts the connection off with a reset. A
/// `kill -9` between a confirmation and its batch loses no item: the reader is sent again
/// what it had (at least once delivery). A failed write is logged and its cursors are kept
/// for the next batch.
public final class CursorBook: Sendable {
    /// A sequence a subscriber's stream confirmed in one channel.
    public struct Confirmation: Sendable {
        public let subscriber: String
        public let channel: String
        public let seq: Int64

        public init(subscriber: String, channel: String, seq: Int64) {
            self.subscriber = subscriber
            self.channel = channel
            self.seq = seq
        }
    }

    private struct Pending {
        /// As confirmed, merged only when a batch is written (off the streams' event loops).
        var confirmations: [Confirmation] = []
        /// Cursors of a batch that failed, to be written with the next.
        var retry: [SubscriptionKey: Int64] = [:]
        /// The batches being written, by number: not written yet either.
        var writing: [Int: [SubscriptionKey: Int64]] = [:]
        var lastBatch = 0
        /// Batches that failed in a row.
        var failures = 0
        /// Whether `run` has been told of what is pending.
        var rung = false
    }

    public let interval: Duration
    private let store: any Store
    private let logger: Logger
    private let pending = Mutex(Pending())

    /// Rung when something is pending that `run` has not been told of; holds one ring at most.
    private let bell: AsyncStream<Void>
    private let ring: AsyncStream<Void>.Continuation

    public init(store: any Store, logger: Logger, interval: Duration = .milliseconds(200)) {
        self.store = store
        self.logger = logger
        self.interval = interval
        (bell, ring) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Cursors that may move forward to these sequences (a later confirmation of the same
    /// cursor wins only if it is further).
    public func confirm(_ confirmations: [Confirmation]) {
        let first = pending.withLock { pending in
            pending.confirmations.append(contentsOf: confirmations)
            defer { pending.rung = true }
            return !pending.rung
        }
        if first { ring.yield() }
    }

    /// Cursors confirmed and not yet written, counting those of a batch being written.
    public var pendingCount: Int {
        pending.withLock { pending in
            var cursors = Self.merged(pending)
            for batch in pending.writing.values { cursors.merge(batch, uniquingKeysWith: max) }
            return cursors.count
        }
    }

    /// Writes every pending cursor in one transaction. A failure is logged, and the cursors
    /// stay pending for the next batch.
    public func flush() async {
        let (batch, number) = pending.withLock { pending -> ([SubscriptionKey: Int64], Int) in
            defer { (pending.confirmations, pending.retry) = ([], [:]) }
            let batch = Self.merged(pending)
            guard !batch.isEmpty else { return (batch, 0) }
            pending.lastBatch += 1
            pending.writing[pending.lastBatch] = batch
            return (batch, pending.lastBatch)
        }
        guard !batch.isEmpty else { return }
        do {
            try await store.advanceCursors(batch)
            let failed = pending.withLock { pending -> Int in
                defer { (pending.failures, pending.writing[number]) = (0, nil) }
                return pending.failures
            }
            if failed > 0 {
                logger.notice("subscriber cursors are written again", metadata: ["failedBatches": "\(failed)"])
            }
        } catch {
            let failures = pending.withLock { pending -> Int in
                pending.retry.merge(batch, uniquingKeysWith: max)
                pending.writing[number] = nil
                pending.failures += 1
                return pending.failures
            }
            // The first failure, then one in a hundred while the store keeps failing.
            if failures % 100 == 1 {
                logger.failure(
                    "subscriber cursors could not be written; they are kept and written again shortly", error,
                    metadata: ["cursors": "\(batch.count)", "failedBatches": "\(failures)"])
            }
        }
    }

    /// Each cursor's furthest confirmed sequence.
    private static func merged(_ pending: Pending) -> [SubscriptionKey: Int64] {
        var cursors = pending.retry
        for confirmation in pending.confirmations {
            let key = SubscriptionKey(subscriber: confirmation.subscriber, channel: confirmation.channel)
            cursors[key] = max(cursors[key] ?? confirmation.seq, confirmation.seq)
        }
        return cursors
    }

    /// Until the task is cancelled: once something is pending, waits `interval` (for more to
    /// gather) and writes a batch; a batch that failed rings again, to be written again.
    public func run() async {
        for await _ in bell {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            pending.withLock { $0.rung = false }
            await flush()
            let unwritten = pending.withLock { pending in
                defer { pending.rung = pending.rung || !pending.retry.isEmpty }
                return !pending.rung && !pending.retry.isEmpty
            }
            if unwritten { ring.yield() }
        }
    }
}
