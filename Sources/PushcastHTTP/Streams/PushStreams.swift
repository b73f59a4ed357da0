import Logging
import NIOCore
import Pushcast
import Synchronization

/// What every connection needs to serve a push stream: the admission step, the reads of
/// the store, each event loop's fan-out, the meters and the log.
final class PushStreams: Sendable {
    let admission: StreamAdmission
    let source: StreamSource
    let fanouts: LoopFanouts
    let hub: Hub
    let cursors: CursorBook
    let stats: ServerStats
    let logger: Logger
    private let lastID = Atomic<Int>(0)
    private let toldNoDescriptor = Atomic<Bool>(false)

    init(
        admission: StreamAdmission, source: StreamSource, fanouts: LoopFanouts, hub: Hub, cursors: CursorBook, stats: ServerStats,
        logger: Logger
    ) {
        self.admission = admission
        self.source = source
        self.fanouts = fanouts
        self.hub = hub
        self.cursors = cursors
        self.stats = stats
        self.logger = logger
    }

    /// A stream for `spec` writing to `output`, on `loop` (call there, then `start()` it
    /// once its head is written).
    func makeStream(_ spec: StreamSpec, output: StreamChannelHandler, writePath: WritePath, loop: any EventLoop) -> PushStream {
        PushStream(
            id: lastID.wrappingAdd(1, ordering: .relaxed).newValue, spec: spec, output: output, writePath: writePath,
            fanout: fanouts.fanout(for: loop), streams: self)
    }

    /// The descriptor of a connection on an IP socket was not found (`SocketDescriptor`):
    /// said once, since it holds for every connection of this build.
    func noteNoDescriptor(_ channel: any Channel) {
        switch channel.localAddress {
        case .v4, .v6:
            guard !toldNoDescriptor.exchange(true, ordering: .relaxed) else { return }
            logger.warning(
                "streams write through SwiftNIO's pipeline: this build of SwiftNIO does not show Pushcast its sockets, so each write to a stream costs more CPU (docs/PUSH.md)")
        default:
            break
        }
    }
}
