import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Every connection of the server: its first request's head decides who serves it. A
/// connection that opens with a push stream request (`StreamPath`) gets a bare HTTP decoder
/// and the stream path (`StreamRequestHandler`), with no task per connection, so that
/// thousands of open streams cost little; every other connection goes to Hummingbird's
/// HTTP/1 channel as if nothing had come first, with the stream path in its pipeline too,
/// for a stream asked for later on the same connection.
struct ConnectionRouter: ServerChildChannel {
    /// Who ended up with the connection.
    enum Route: Sendable {
        case hummingbird(HTTP1Channel.Value)
        case streams
    }

    struct Value: ServerChildChannelValue {
        let channel: any Channel
        let route: EventLoopFuture<Route>
    }

    let http1: HTTP1Channel
    let streams: PushStreams
    let stats: ServerStats
    /// How long the first request's head may take to arrive.
    let headTimeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            stats.connections.wrappingAdd(1, ordering: .relaxed)
            stats.connectionsAccepted.wrappingAdd(1, ordering: .relaxed)
            channel.closeFuture.whenComplete { [stats] _ in stats.connections.wrappingSubtract(1, ordering: .relaxed) }
            // Reads start small (NIO's default is 2 KiB): each connection keeps its receive
            // buffer for good, and most hold a stream that reads nothing after its head.
            try channel.syncOptions?.setOption(ChannelOptions.recvAllocator, value: Self.receiveBuffers)
            let decided = channel.eventLoop.makePromise(of: Route.self)
            let first = FirstRequestHandler(timeout: headTimeout, decided: decided) { stream, channel in
                try route(channel, stream: stream, logger: logger)
            }
            try channel.pipeline.syncOperations.addHandler(first)
            return Value(channel: channel, route: decided.futureResult)
        }
    }

    static let receiveBuffers = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65536)

    func handle(value: Value, logger: Logger) async {
        // A connection that closed before its first request was read has nothing to serve.
        guard case .hummingbird(let asyncChannel) = try? await value.route.get() else { return }
        await http1.handle(value: asyncChannel, logger: logger)
    }

    /// On the event loop: adds the handlers of whoever serves the connection.
    private func route(_ channel: any Channel, stream: Bool, logger: Logger) throws -> EventLoopFuture<Route> {
        guard stream else { return http1.setup(channel: channel, logger: logger).map { .hummingbird($0) } }
        let limits = http1.configuration.httpDecoder
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderFieldSize = limits.maxHeaderFieldSize
        decoderLimits.maxHeaderListSize = limits.maxHeaderListSize
        decoderLimits.maxHeaderFieldCount = limits.maxHeaderFieldCount
        try channel.pipeline.syncOperations.addHandlers(
            ByteToMessageHandler(HTTPRequestDecoder(limitConfiguration: decoderLimits)),
            HTTP1ToHTTPServerCodec(secure: false),
            StreamRequestHandler(streams: streams, behindHummingbird: false))
        return channel.eventLoop.makeSucceededFuture(.streams)
    }
}
