import NIOCore
import Testing

@testable import Pushcast
@testable import PushcastHTTP

/// A push stream's life as a state machine (`StreamMachine`), without sockets: every rule
/// of SPEC §3.1 it carries, input by input.
@Suite("Stream machine")
struct StreamMachineTests {
    static let renderer = PartRenderer(publicURL: "")
    static let start = ContinuousClock.now

    static func entry(_ seq: Int64, _ channel: String = "a") -> RenderedEntry {
        renderer.render(
            LogEntry(
                channel: channel, seq: seq, event: .new, itemID: "i\(seq)", revision: 1, title: "T\(seq)", abstract: nil,
                href: "http://example.com/\(seq)", local: false, lastmod: nil, section: "[]", precache: false,
                contentType: nil, contentHash: nil, contentSize: nil, content: nil, loggedAt: 0),
            published: .now)
    }

    static func machine(
        _ presentation: StreamMachine.Presentation = .items(durable: false, once: false), channels: [String] = ["a"],
        capacity: Int = 8
    ) -> StreamMachine {
        StreamMachine(
            StreamMachine.Settings(
                presentation: presentation, channels: channels, quiet: .seconds(20), writeTimeout: .seconds(30),
                queueCapacity: capacity),
            now: Self.start)
    }

    static func opening(_ channel: String = "a", after: Int64?, first: Int64? = 1, last: Int64, retired: Bool = false, snapshots: Bool = true)
        -> StreamMachine.ChannelOpening
    {
        let plan = ResumePlan.make(
            channel: channel, after: after, bounds: LogBounds(first: first, last: last), retired: retired, snapshots: snapshots)
        return StreamMachine.ChannelOpening(channel: channel, plan: plan, snapshot: ByteBuffer(string: "snapshot"), lastSeq: last)
    }

    /// What a stream wrote, in a form easy to compare.
    enum Written: Equatable {
        case item(String, Int64, live: Bool)
        case heartbeat, snapshot, state(String)
        case gap(LogGap)
        case retired(String)
    }

    /// Carries out the machine's actions the way `PushStream` does, from `first` on: parts
    /// are recorded (with `final` and what they confirm), a fetch stops the run.
    struct Run {
        var written: [Written] = []
        var finals: [Bool] = []
        var confirmed: [[String: Int64]] = []
        var fetch: StreamMachine.Fetch?
        var reset = false
        var closed = false

        init(_ machine: inout StreamMachine, _ first: StreamMachine.Action?, now: ContinuousClock.Instant = StreamMachineTests.start) {
            var next = first
            while let action = next {
                switch action {
                case .write(let part, let final, let confirming):
                    written.append(Self.written(part))
                    finals.append(final)
                    if !confirming.isEmpty { confirmed.append(confirming.dictionary) }
                case .fetch(let fetch):
                    self.fetch = fetch
                    return
                case .reset:
                    reset = true
                case .close:
                    closed = true
                }
                next = machine.next(now: now)
            }
        }

        static func written(_ part: StreamMachine.Part) -> Written {
            switch part {
            case .item(let entry, let live): .item(entry.channel, entry.seq, live: live)
            case .heartbeat: .heartbeat
            case .snapshot: .snapshot
            case .state(let buffer, _): .state(String(buffer: buffer))
            case .gap(let gap): .gap(gap)
            case .retired(let channel, _): .retired(channel)
            }
        }
    }

    static func receive(_ machine: inout StreamMachine, _ event: HubEvent, now: ContinuousClock.Instant = start) -> Run {
        guard case .act(let action) = machine.receive(event, now: now) else { return Run(&machine, nil, now: now) }
        return Run(&machine, action, now: now)
    }

    @Test func aFreshStreamSendsItsSnapshotThenLiveItemsWithNoRepeat() {
        var machine = Self.machine()
        #expect(Run(&machine, machine.start(now: Self.start)).fetch == .opening)
        // Live items come while the opening is read: they wait, and those it covers are dropped.
        for seq in 4...6 { #expect(Self.receive(&machine, .entry(Self.entry(Int64(seq)))).written.isEmpty) }
        let run = Run(&machine, machine.fetched(.opening([Self.opening(after: nil, last: 5)]), now: Self.start))
        #expect(run.written == [.snapshot, .item("a", 6, live: true)])
        // Then each live item is written the moment it comes.
        #expect(Self.receive(&machine, .entry(Self.entry(7))).written == [.item("a", 7, live: true)])
        #expect(Self.receive(&machine, .entry(Self.entry(7))).written.isEmpty)
    }

    @Test func aResumeReplaysPageByPageWithNoHoleAndNoRepeatAtTheSeam() {
        var machine = Self.machine()
        _ = machine.start(now: Self.start)
        for seq in 299...301 { _ = machine.receive(.entry(Self.entry(Int64(seq))), now: Self.start) }
        var run = Run(&machine, machine.fetched(.opening([Self.opening(after: 10, last: 300)]), now: Self.start))
        #expect(run.written.isEmpty && run.fetch == .page(channel: "a", after: 10, through: 300))
        run = Run(&machine, machine.fetched(.page((11...210).map { Self.entry($0) }), now: Self.start))
        #expect(run.written.count == 200 && run.fetch == .page(channel: "a", after: 210, through: 300))
        run = Run(&machine, machine.fetched(.page((211...300).map { Self.entry($0) }), now: Self.start))
        #expect(run.written.first == .item("a", 211, live: false))
        #expect(run.written.suffix(2) == [.item("a", 300, live: false), .item("a", 301, live: true)])
        #expect(run.written.count == 91 && run.fetch == nil)
    }

    @Test func aLiveItemThatSkipsAheadIsPrecededByTheEntriesBetween() {
        var machine = Self.machine()
        _ = machine.start(now: Self.start)
        _ = Run(&machine, machine.fetched(.opening([Self.opening(after: nil, last: 5)]), now: Self.start))
        var run = Self.receive(&machine, .entry(Self.entry(9)))
        #expect(run.written.isEmpty && run.fetch == .page(channel: "a", after: 5, through: 8))
        #expect(machine.receive(.entry(Self.entry(10)), now: Self.start).isQueued)
        run = Run(&machine, machine.fetched(.page((6...8).map { Self.entry($0) }), now: Self.start))
        #expect(run.written == [6, 7, 8].map { .item("a", $0, live: false) } + [9, 10].map { .item("a", $0, live: true) })
    }

    @Test func prunedHistoryIsAGapThenASnapshot() {
        var machine = Self.machine()
        _ = machine.start(now: Self.start)
        let run = Run(&machine, machine.fetched(.opening([Self.opening(after: 2, first: 6, last: 5)]), now: Self.start))
        #expect(run.written.first == .gap(LogGap(channel: "a", from: 3, to: 5, reason: .pruned, resumeSince: 5)))
        #expect(run.written.dropFirst().first == .snapshot)
    }

    @Test func aReaderThatFallsBehindIsToldWhereToResumeAndEnds() {
        var machine = Self.machine(capacity: 3)
        _ = machine.start(now: Self.start)
        _ = Run(&machine, machine.fetched(.opening([Self.opening(after: nil, last: 5)]), now: Self.start))
        #expect(Self.receive(&machine, .entry(Self.entry(6))).written == [.item("a", 6, live: true)])
        _ = machine.writabilityChanged(false, now: Self.start)
        for seq in 7...9 { #expect(machine.receive(.entry(Self.entry(Int64(seq))), now: Self.start).isQueued) }
        guard case .overflowed = machine.receive(.entry(Self.entry(10)), now: Self.start) else {
            Issue.record("no overflow")
            return
        }
        _ = machine.receive(.entry(Self.entry(11)), now: Self.start)
        let run = Run(&machine, machine.writabilityChanged(true, now: Self.start))
        #expect(run.written == [.gap(LogGap(channel: "a", from: 7, to: 11, reason: .overflow, resumeSince: 6))])
        #expect(run.finals == [true] && machine.isClosed)
    }

    @Test func manifestChangesTakeNoPlaceInAWaitingItemStreamsQueue() {
        var machine = Self.machine(capacity: 2)
        _ = machine.start(now: Self.start)
        _ = Run(&machine, machine.fetched(.opening([Self.opening(after: nil, last: 5)]), now: Self.start))
        _ = machine.writabilityChanged(false, now: Self.start)
        for _ in 1...10 {
            guard case .ignored = machine.receive(.changed("a"), now: Self.start) else {
                Issue.record("a manifest change was queued")
                return
            }
        }
        #expect(machine.receive(.entry(Self.entry(6)), now: Self.start).isQueued)
        #expect(machine.receive(.entry(Self.entry(7)), now: Self.start).isQueued)
        let run = Run(&machine, machine.writabilityChanged(true, now: Self.start))
        #expect(run.written == [.item("a", 6, live: true), .item("a", 7, live: true)])
    }

    @Test func aReaderStalledPastTheWriteTimeoutIsCutOffAndAQuietOneGetsHeartbeats() {
        var machine = Self.machine()
        _ = machine.start(now: Self.start)
        _ = Run(&machine, machine.fetched(.opening([Self.opening(after: nil, last: 5)]), now: Self.start))
        // Quiet: a heartbeat once the interval has passed since the last write (the snapshot),
        // which is when the ticker is to look again.
        #expect(machine.tickDue == Self.start + .seconds(20))
        #expect(machine.tick(now: Self.start + .seconds(19)) == nil)
        #expect(Run(&machine, machine.tick(now: Self.start + .seconds(20))).written == [.heartbeat])
        #expect(machine.tickDue == Self.start + .seconds(40))
        // A write starts the interval again, to the second: a ticker that looked when the
        // heartbeat was due before finds it due later.
        #expect(Self.receive(&machine, .entry(Self.entry(6)), now: Self.start + .seconds(30.5)).written.count == 1)
        #expect(machine.tick(now: Self.start + .seconds(40)) == nil)
        #expect(machine.tickDue == Self.start + .seconds(50.5))
        #expect(machine.tick(now: Self.start + .seconds(50)) == nil)
        #expect(Run(&machine, machine.tick(now: Self.start + .seconds(50.5))).written == [.heartbeat])
        // Stalled: cut off once the write timeout has passed, not before.
        _ = machine.writabilityChanged(false, now: Self.start + .seconds(60))
        #expect(machine.tickDue == Self.start + .seconds(90))
        #expect(machine.tick(now: Self.start + .seconds(89)) == nil)
        #expect(Run(&machine, machine.tick(now: Self.start + .seconds(90))).reset && machine.isClosed)
        #expect(machine.tickDue == nil)
    }

    @Test func aSubscribersWriteConfirmsItsOwnItem() {
        var machine = Self.machine(.items(durable: true, once: false), channels: ["a", "b"])
        _ = machine.start(now: Self.start)
        var run = Run(&machine, machine.fetched(.opening([
            Self.opening("a", after: 1, last: 2, snapshots: false), Self.opening("b", after: 0, first: 3, last: 3, snapshots: false),
        ]), now: Self.start))
        #expect(run.fetch == .page(channel: "a", after: 1, through: 2))
        run = Run(&machine, machine.fetched(.page([Self.entry(2)]), now: Self.start))
        // b's 1…2 were pruned: a gap, which moves b's cursor past them once confirmed.
        #expect(run.written.first == .item("a", 2, live: false))
        #expect(run.written.dropFirst().first == .gap(LogGap(channel: "b", from: 1, to: 2, reason: .pruned, resumeSince: 2)))
        #expect(run.confirmed == [["a": 2], ["b": 2]])
        #expect(run.fetch == .page(channel: "b", after: 2, through: 3))
        run = Run(&machine, machine.fetched(.page([Self.entry(3, "b")]), now: Self.start))
        #expect(run.written == [.item("b", 3, live: false)] && run.confirmed == [["b": 3]])
        run = Self.receive(&machine, .entry(Self.entry(3)))
        #expect(run.confirmed == [["a": 3]])
        // A heartbeat moves no cursor.
        run = Run(&machine, machine.tick(now: Self.start))
        run = Run(&machine, machine.tick(now: Self.start + .seconds(20)))
        #expect(run.written == [.heartbeat] && run.confirmed.isEmpty)
        // A retired channel among several does not end the stream.
        run = Self.receive(&machine, .retired(channel: "b", lastSeq: 3))
        #expect(run.written == [.retired("b")] && run.finals == [false])
    }

    @Test func onceEndsAfterWhatIsPendingOnceItsCursorsAreWritten() {
        var machine = Self.machine(.items(durable: true, once: true))
        _ = machine.start(now: Self.start)
        var run = Run(&machine, machine.fetched(.opening([Self.opening(after: 3, last: 4, snapshots: false)]), now: Self.start))
        run = Run(&machine, machine.fetched(.page([Self.entry(4)]), now: Self.start))
        #expect(run.written == [.item("a", 4, live: false)] && run.finals == [false])
        #expect(run.confirmed == [["a": 4]] && run.fetch == .cursors && !machine.isClosed)
        run = Run(&machine, machine.fetched(.cursorsWritten, now: Self.start))
        #expect(run.written == [.heartbeat] && run.finals == [true] && machine.isClosed)
    }

    @Test func aChannelStreamOnceEndsAfterWhatIsThereWithoutWaitingForCursors() {
        var machine = Self.machine(.items(durable: false, once: true))
        _ = machine.start(now: Self.start)
        var run = Run(&machine, machine.fetched(.opening([Self.opening(after: 2, last: 4, snapshots: false)]), now: Self.start))
        #expect(run.fetch == .page(channel: "a", after: 2, through: 4))
        run = Run(&machine, machine.fetched(.page([Self.entry(3), Self.entry(4)]), now: Self.start))
        #expect(run.written == [.item("a", 3, live: false), .item("a", 4, live: false), .heartbeat])
        #expect(run.finals == [false, false, true] && run.fetch == nil && machine.isClosed)
        // Nothing after `since`: a heartbeat and the end at once.
        machine = Self.machine(.items(durable: false, once: true))
        _ = machine.start(now: Self.start)
        run = Run(&machine, machine.fetched(.opening([Self.opening(after: 4, last: 4, snapshots: false)]), now: Self.start))
        #expect(run.written == [.heartbeat] && run.finals == [true] && machine.isClosed)
    }

    @Test func aStateStreamFetchesTheStateOncePerRunOfChanges() {
        var machine = Self.machine(.state)
        #expect(Run(&machine, machine.start(now: Self.start)).fetch == .opening)
        var run = Run(&machine, machine.fetched(.state(ByteBuffer(string: "page 1"), final: false), now: Self.start))
        #expect(run.written == [.state("page 1")])
        #expect(Self.receive(&machine, .entry(Self.entry(6))).fetch == .state)
        // While it is fetched, any number of changes make one more fetch.
        for seq in 7...50 { _ = machine.receive(.entry(Self.entry(Int64(seq))), now: Self.start) }
        _ = machine.receive(.changed("a"), now: Self.start)
        run = Run(&machine, machine.fetched(.state(ByteBuffer(string: "page 2"), final: false), now: Self.start))
        #expect(run.written == [.state("page 2")] && run.fetch == .state)
        run = Run(&machine, machine.fetched(.state(ByteBuffer(string: "page 3"), final: false), now: Self.start))
        #expect(run.written == [.state("page 3")] && run.fetch == nil)
        // After silence, the state again; on shutdown too, as the last part.
        _ = machine.tick(now: Self.start)
        #expect(Run(&machine, machine.tick(now: Self.start + .seconds(20))).written == [.state("page 3")])
        run = Self.receive(&machine, .shutdown)
        #expect(run.written == [.state("page 3")] && run.finals == [true])
    }

    @Test func aRetiredChannelEndsItsStream() {
        var machine = Self.machine()
        _ = machine.start(now: Self.start)
        _ = Run(&machine, machine.fetched(.opening([Self.opening(after: nil, last: 5)]), now: Self.start))
        let run = Self.receive(&machine, .retired(channel: "a", lastSeq: 5))
        #expect(run.written == [.retired("a")] && run.finals == [true] && machine.isClosed)
        #expect(Self.receive(&machine, .entry(Self.entry(6))).written.isEmpty)
    }

    @Test func shutdownEndsAtOnceOrResetsAStalledConnection() {
        var opening = Self.machine()
        _ = opening.start(now: Self.start)
        let run = Self.receive(&opening, .shutdown)
        #expect(run.written == [.heartbeat] && run.finals == [true])
        var stalled = Self.machine()
        _ = stalled.start(now: Self.start)
        _ = Run(&stalled, stalled.fetched(.opening([Self.opening(after: nil, last: 5)]), now: Self.start))
        _ = stalled.writabilityChanged(false, now: Self.start)
        #expect(Self.receive(&stalled, .shutdown).reset)
    }

    @Test func aFailedReadEndsTheStream() {
        var machine = Self.machine()
        _ = machine.start(now: Self.start)
        let run = Run(&machine, machine.fetched(.failed("the disk is gone"), now: Self.start))
        #expect(run.written == [.heartbeat] && run.finals == [true] && machine.isClosed)
    }
}

extension StreamMachine.Reception {
    var isQueued: Bool {
        if case .queued = self { true } else { false }
    }
}
