import NIOCore

/// Notices, on each connection, that the client has closed its side (the server keeps a
/// half-closed connection open, so nothing else would until the next write failed), and
/// tells the stream on it at once: a departed reader is released without waiting for a
/// heartbeat. Lives in Hummingbird's pipeline after HTTP decoding; used on the
/// connection's event loop.
final class PeerCloseWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private var inputClosed = false
    private var watchers: [@Sendable () -> Void] = []

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            inputClosed = true
            let waiting = watchers
            watchers = []
            for watcher in waiting { watcher() }
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Calls `gone` once the client has closed (at once if it already has).
    func watch(_ gone: @escaping @Sendable () -> Void) {
        if inputClosed { gone() } else { watchers.append(gone) }
    }

    /// Asks the watcher on `connection` to call `gone` when its client closes.
    static func whenClientCloses(_ connection: any Channel, _ gone: @escaping @Sendable () -> Void) {
        connection.eventLoop.execute {
            guard let watcher = try? connection.pipeline.syncOperations.handler(type: PeerCloseWatcher.self) else { return }
            watcher.watch(gone)
        }
    }
}
