import HTTPTypes
import Hummingbird
import NIOCore
import Pushcast
import ServiceLifecycle

/// A streaming response's life with the hub, the same for every kind of stream: registered
/// when the body starts, ended at once when its connection closes (the socket tells before
/// any heartbeat would), cut off (reset) when stalled, told to end on graceful shutdown,
/// unregistered when it ends, however it ends.
enum StreamResponse {
    static func make(
        engine: Engine, channels: Set<String>, delimiters: StreamDelimiters, headers extra: HTTPFields = [:],
        quiet: Double? = nil, coalescing: Bool = false, meter: TransportMeter, connection: any Channel,
        run: @escaping @Sendable (inout any ResponseBodyWriter, StreamSink) async throws -> Void
    ) -> Response {
        var headers = StreamRoutes.streamHeaders(delimiters)
        headers.append(contentsOf: extra)
        meter.answered.wrappingAdd(1, ordering: .relaxed)
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody { writer in
                guard let sink = engine.hub.register(channels, quiet: quiet, coalescing: coalescing) else {
                    return try await writer.finish(nil)
                }
                meter.open.wrappingAdd(1, ordering: .relaxed)
                defer { meter.open.wrappingSubtract(1, ordering: .relaxed) }
                sink.setCanceller { StreamRoutes.reset(connection) }
                connection.closeFuture.whenComplete { _ in sink.offer(.shutdown) }
                PeerCloseWatcher.whenClientCloses(connection) { sink.offer(.shutdown) }
                defer {
                    sink.setCanceller(nil)
                    engine.hub.unregister(sink)
                }
                try await withGracefulShutdownHandler {
                    try await run(&writer, sink)
                } onGracefulShutdown: {
                    sink.offer(.shutdown)
                }
                try await writer.finish(nil)
            })
    }
}
