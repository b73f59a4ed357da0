import Logging
import NIOCore
import Pushcast

/// One push stream, whatever its transport (DESIGN.md "One stream path"): it lives on its
/// connection's event loop and drives a `StreamMachine` there. The hub's events come through
/// the loop's `LoopFanout`, the connection's through its `StreamChannelHandler`, and it
/// carries out what the machine returns: a part written (framed by its `StreamFraming`), a
/// read of the store in a short task (`StreamSource`), a reset. Nothing runs for it while
/// it waits: no task, no timer (the loop's ticker visits the streams that are due at once).
final class PushStream {
    /// What a write goes through, fetched into the cache ahead of this stream's turn; first,
    /// so that it is on the object's first cache line, the one fetched a turn before.
    private let writePath: WritePath
    let id: Int
    let spec: StreamSpec
    private var machine: StreamMachine
    private var output: StreamChannelHandler?
    private let fanout: LoopFanout
    private let streams: PushStreams
    private let meter: TransportMeter
    /// The meter's counts for this loop.
    private let tally: TransportMeter.Shard
    private var ended = false

    init(id: Int, spec: StreamSpec, output: StreamChannelHandler, writePath: WritePath, fanout: LoopFanout, streams: PushStreams) {
        self.id = id
        self.spec = spec
        self.output = output
        self.writePath = writePath
        self.fanout = fanout
        self.streams = streams
        machine = StreamMachine(
            StreamMachine.Settings(
                presentation: spec.presentation, channels: spec.channels, quiet: .milliseconds(Int64(spec.quiet * 1000)),
                writeTimeout: .milliseconds(Int64(streams.hub.configuration.writeTimeout * 1000)),
                queueCapacity: streams.hub.configuration.queueCapacity),
            now: .now)
        meter = streams.stats[spec.transport]
        tally = meter.shard(for: fanout.loop)
    }

    var channels: [String] { machine.settings.channels }
    /// A subscriber's stream: where the cursors its writes confirm go, once its reader has
    /// acknowledged them (the handler calls it, also after the stream has ended).
    var cursorSink: ((ChannelPositions) -> Void)? {
        guard let subscriber = spec.subscriber else { return nil }
        return { [fanout] positions in fanout.confirm(subscriber: subscriber, positions) }
    }
    /// Whether it shows its channels' state (a page, a badge), which every change sends again.
    var showsState: Bool { machine.settings.presentation == .state }
    /// Events waiting in its queue.
    var queued: Int { machine.queued }
    /// When the loop's ticker must look at it again; nil once it has ended.
    var tickDue: ContinuousClock.Instant? { ended ? nil : machine.tickDue }

    // MARK: Inputs, on the event loop

    /// The response head is written: the stream joins its loop's fan-out, then opens.
    func start() {
        meter.open.wrappingAdd(1, ordering: .relaxed)
        fanout.add(self)
        let now = ContinuousClock.now
        run(machine.start(now: now), now: now)
    }

    /// Fetches the objects of its next write into the cache (`LoopFanout.deliver`).
    func prefetchWritePath() {
        writePath.prefetch()
    }

    /// An event from the hub, handed over at `now` (read once for all the loop's streams).
    func receive(_ event: HubEvent, now: ContinuousClock.Instant) {
        switch machine.receive(event, now: now) {
        case .act(let action):
            run(action, now: now)
        case .coalesced:
            streams.hub.counters.coalesced.wrappingAdd(1, ordering: .relaxed)
        case .overflowed:
            streams.hub.counters.overflowed.wrappingAdd(1, ordering: .relaxed)
            streams.logger.info("a reader fell behind; it is told where to resume", metadata: metadata())
        case .queued, .ignored:
            break
        }
    }

    func tick(now: ContinuousClock.Instant) {
        output?.settleCursors()
        run(machine.tick(now: now), now: now)
    }

    func writabilityChanged(_ writable: Bool) {
        let now = ContinuousClock.now
        run(machine.writabilityChanged(writable, now: now), now: now)
        // A reader that stalls is due sooner than its heartbeat may be.
        if !writable { fanout.lookAgain(self) }
    }

    /// The server is stopping.
    func shutdown() {
        receive(.shutdown, now: .now)
    }

    /// The connection has gone (the reader left, or a write failed).
    func connectionClosed() {
        guard !ended else { return }
        streams.logger.debug("a reader went away", metadata: metadata())
        end()
    }

    /// Writing to the connection failed; it is closing.
    func connectionFailed(_ error: any Error) {
        guard !ended else { return }
        streams.logger.failure("a stream's connection failed", error, level: .info, metadata: metadata([:]))
        end()
    }

    /// A fetch came back.
    func fetched(_ result: StreamMachine.Fetched) {
        guard !ended else { return }
        if case .failed(let reason) = result {
            streams.logger.error("a stream could not read what it sends, and ends", metadata: metadata(["reason": reason]))
        }
        let now = ContinuousClock.now
        run(machine.fetched(result, now: now), now: now)
    }

    // MARK: Actions

    /// Carries out `first`, then whatever the machine has next, until it waits.
    private func run(_ first: StreamMachine.Action?, now: ContinuousClock.Instant) {
        var next = first
        while let action = next, !ended {
            perform(action)
            next = ended ? nil : machine.next(now: now)
        }
    }

    private func perform(_ action: StreamMachine.Action) {
        switch action {
        case .write(let part, let final, let confirming):
            guard let output else { return end() }
            guard let chunk = spec.framing.chunk(part, final: final, cache: fanout.chunks) else { return boundaryOccurred() }
            output.write(chunk, final: final, confirming: confirming)
            tally.sent(chunk.readableBytes)
            switch part {
            case .item(let entry, let live): tally.delivered(published: live ? entry.published : nil)
            case .state(_, let showing?): tally.delivered(published: showing.published)
            default: break
            }
            if final { end() }
        case .fetch(let fetch):
            start(fetch)
        case .reset:
            streams.hub.counters.cutOff.wrappingAdd(1, ordering: .relaxed)
            streams.logger.info("a reader stalled past the write timeout is cut off", metadata: metadata())
            output?.reset()
            end()
        case .close:
            output?.finish()
            end()
        }
    }

    /// The next part holds the stream's boundary: the stream ends before it, with the close
    /// delimiter (the reader resumes with `since`), and new streams get another boundary.
    private func boundaryOccurred() {
        if let boundary = spec.framing.boundary { streams.admission.boundaries.replace(boundary) }
        streams.logger.warning(
            "a part holds its stream's boundary; the stream ends before it and its reader resumes with a new one",
            metadata: metadata())
        output?.close()
        end()
    }

    /// A fetch in a short task; its result comes back on the loop. The state of a channel's
    /// page or badge is fetched once per loop and change, for all its streams.
    private func start(_ fetch: StreamMachine.Fetch) {
        let (source, spec) = (streams.source, self.spec)
        if fetch == .cursors { return writeCursors() }
        if let key = sharedStateKey(fetch) {
            return fanout.loadState(key, for: self) { await source.fetch(.state, for: spec) }
        }
        let loop = fanout.loop
        let stream = NIOLoopBound(self, eventLoop: loop)
        Task {
            let result = await source.fetch(fetch, for: spec)
            loop.execute { stream.value.fetched(result) }
        }
    }

    /// Once the reader has acknowledged everything written so far (and so confirmed its
    /// cursors), writes the cursors to the store, then goes on.
    private func writeCursors() {
        let (loop, fanout, book) = (fanout.loop, fanout, streams.cursors)
        let stream = NIOLoopBound(self, eventLoop: loop)
        output?.whenAcknowledged {
            fanout.handOverConfirmations()
            Task {
                await book.flush()
                loop.execute { stream.value.fetched(.cursorsWritten) }
            }
        }
    }

    /// The key shared by every fetch of the same state: the same channel's page (or badge)
    /// at the same version. Nil for anything else.
    private func sharedStateKey(_ fetch: StreamMachine.Fetch) -> String? {
        switch (fetch, spec.subject) {
        case (.opening, .channelPage(let channel, nil)), (.state, .channelPage(let channel, _)):
            "page \(channel) \(streams.hub.version(of: channel))"
        case (.opening, .badge(let channel)), (.state, .badge(let channel)):
            "badge \(channel) \(streams.hub.version(of: channel))"
        default:
            nil
        }
    }

    /// The stream is over: it leaves the fan-out and gives its place back. Once.
    private func end() {
        guard !ended else { return }
        ended = true
        machine.close()
        fanout.remove(self)
        streams.hub.releaseStream()
        meter.open.wrappingSubtract(1, ordering: .relaxed)
        output?.streamEnded()
        output = nil
    }

    private func metadata(_ extra: [String: String] = [:]) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["stream": "\(id)"]
        for (key, value) in spec.logMetadata.merging(extra, uniquingKeysWith: { $1 }) { metadata[key] = "\(value)" }
        return metadata
    }
}
