import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Every connection of the server: its first request's head decides who serves it. A push
/// stream (`DirectStreamTarget`) is served on SwiftNIO directly, with no task per connection
/// (`DirectStreamHandler`), so that thousands of open streams cost little; everything else,
/// and every later request on a kept-alive connection, goes to Hummingbird's HTTP/1 channel
/// as if nothing had come first.
struct ConnectionRouter: ServerChildChannel {
    /// Who ended up with the connection.
    enum Route: Sendable {
        case hummingbird(HTTP1Channel.Value)
        case direct
    }

    struct Value: ServerChildChannelValue {
        let channel: any Channel
        let route: EventLoopFuture<Route>
    }

    let http1: HTTP1Channel
    let streams: StreamRoutes
    let subscribers: SubscriberRoutes
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
            let first = FirstRequestHandler(timeout: headTimeout, decided: decided) { target, channel in
                try route(channel, to: target, logger: logger)
            }
            try channel.pipeline.syncOperations.addHandler(first)
            return Value(channel: channel, route: decided.futureResult)
        }
    }

    static let receiveBuffers = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65536)

    func handle(value: Value, logger: Logger) async {
        guard case .hummingbird(let asyncChannel) = try? await value.route.get() else { return }
        await http1.handle(value: asyncChannel, logger: logger)
    }

    /// On the event loop: adds the handlers of whoever serves the connection.
    private func route(_ channel: any Channel, to target: DirectStreamTarget?, logger: Logger) throws -> EventLoopFuture<Route> {
        guard let target else { return http1.setup(channel: channel, logger: logger).map { .hummingbird($0) } }
        let pipeline = channel.pipeline.syncOperations
        let limits = http1.configuration.httpDecoder
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderFieldSize = limits.maxHeaderFieldSize
        decoderLimits.maxHeaderListSize = limits.maxHeaderListSize
        decoderLimits.maxHeaderFieldCount = limits.maxHeaderFieldCount
        let decoder = ByteToMessageHandler(HTTPRequestDecoder(limitConfiguration: decoderLimits))
        try pipeline.addHandler(decoder)
        let open: @Sendable (Request) async throws -> StreamOpening
        switch target.kind {
        case .items: open = { [streams] in try await streams.itemStream($0, id: target.id, sse: false) }
        case .events: open = { [streams] in try await streams.itemStream($0, id: target.id, sse: true) }
        case .subscriber: open = { [subscribers] in try await subscribers.subscriberStream($0, sid: target.id) }
        }
        try pipeline.addHandler(DirectStreamHandler(open: open, decoder: decoder, eventLoop: channel.eventLoop))
        return channel.eventLoop.makeSucceededFuture(.direct)
    }
}
