import NIOCore
import Pushcast

/// What every push stream shares (SPEC §3.1): it is driven by events on its connection's
/// event loop, so a waiting stream costs no task. The hub wakes it, and it handles what its
/// sink holds there and then (`handle`, a subclass's), while the connection takes more.
/// What needs the store (the opening, a stretch to replay) runs in a task while the stream
/// is `busy`, and events queue in the sink meanwhile. A stream's state belongs to the event
/// loop, or to that one task while `busy` (handed over and back through the loop).
class PushStream: StreamConsumer, @unchecked Sendable {
    let engine: Engine
    let framing: StreamFraming
    let sink: StreamSink
    let meter: TransportMeter
    let output: any StreamOutput
    /// The meter's counts for this stream's event loop.
    private let tally: TransportMeter.Shard

    private var opened = false
    private var busy = false
    private(set) var ended = false
    /// The connection has more than it takes: counted by the ticker as a write in progress.
    private var stalled = false
    /// The task's write, waiting for the connection to take more.
    private var writableWaiter: CheckedContinuation<Void, any Error>?

    init(engine: Engine, framing: StreamFraming, sink: StreamSink, meter: TransportMeter, output: any StreamOutput) {
        self.engine = engine
        self.framing = framing
        self.sink = sink
        self.meter = meter
        self.output = output
        tally = meter.shard(for: output.eventLoop)
    }

    /// From the task: what the stream starts with, before live events.
    func open() async throws {}

    /// On the event loop: one event from the sink. It may start a task (`runInTask`), and
    /// the sink waits until that has finished.
    func handle(_ event: StreamSink.Event) {}

    /// On the event loop, once the response head is written: the opening, then live events.
    final func start() {
        meter.open.wrappingAdd(1, ordering: .relaxed)
        sink.setConsumer(self)
        runInTask { try await self.open() }
    }

    /// On the event loop: the connection takes more, or has stopped taking.
    final func writabilityChanged(_ writable: Bool) {
        guard !ended, writable == stalled else { return }
        stalled = !writable
        if stalled {
            sink.stalled()
            return
        }
        sink.unstalled()
        if let waiter = writableWaiter {
            writableWaiter = nil
            waiter.resume()
        } else {
            drain()
        }
    }

    /// On the event loop: ends the stream, ending the response too unless its connection has
    /// gone. Safe to call more than once.
    final func end(finishing: Bool = true) {
        guard !ended else { return }
        ended = true
        sink.setConsumer(nil)
        engine.hub.unregister(sink)
        meter.open.wrappingSubtract(1, ordering: .relaxed)
        if let waiter = writableWaiter {
            writableWaiter = nil
            waiter.resume(throwing: ChannelError.ioOnClosedChannel)
        }
        if finishing { output.finish() }
    }

    /// On the event loop: handles what the sink holds while the connection takes it.
    private func drain() {
        while canWrite, let event = sink.poll() { handle(event) }
    }

    // MARK: StreamConsumer

    final func wake() {
        drain()
    }

    final func take(_ event: StreamSink.Event) -> Bool {
        guard canWrite else { return false }
        handle(event)
        return true
    }

    final func cutOff() {
        let output = self.output
        output.eventLoop.execute { output.reset() }
    }

    private var canWrite: Bool { !busy && !ended && !stalled && output.isWritable }

    /// On the event loop: writes one part with the delimiter after it (the close delimiter
    /// after the last, which ends the stream). `written` is called once the bytes have reached
    /// the socket (`StreamOutput.write`).
    final func send(_ part: ByteBuffer, final: Bool = false, written: ((Bool) -> Void)? = nil) {
        output.write(part, opening: !opened, final: final, written: written)
        sink.wrote()
        tally.sent(framing.delimiters.framedLength(of: part, opening: !opened, final: final))
        opened = true
        if final { end() }
    }

    /// On the event loop: sends an item's part; a live one counts its publish-to-write latency.
    final func send(item entry: RenderedEntry, written: ((Bool) -> Void)? = nil) {
        send(framing.item(entry), written: written)
        tally.delivered(published: entry.published)
    }

    /// On the event loop: runs `body` while the stream is busy, then goes back to the sink;
    /// a failure ends the stream.
    final func runInTask(_ body: @escaping @Sendable () async throws -> Void) {
        busy = true
        let loop = output.eventLoop
        Task {
            let failed: Bool
            do {
                try await body()
                failed = false
            } catch {
                failed = true
            }
            loop.execute {
                self.busy = false
                if failed { self.end() } else { self.drain() }
            }
        }
    }

    /// From the task: runs `writes` on the event loop (they call `send`), then waits until
    /// the connection takes more; throws once the stream has ended.
    final func onLoop(_ writes: @escaping () -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            output.eventLoop.execute {
                guard !self.ended else { return continuation.resume(throwing: ChannelError.ioOnClosedChannel) }
                writes()
                if self.ended || !self.stalled && self.output.isWritable {
                    continuation.resume()
                } else {
                    self.writableWaiter = continuation
                }
            }
        }
    }
}
