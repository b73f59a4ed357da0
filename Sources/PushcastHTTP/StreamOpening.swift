import Hummingbird
import NIOCore
import ServiceLifecycle

/// A push stream request that passed its checks, however it is served: the delimiters its
/// response head names, and how to make the stream on an output.
struct StreamOpening: Sendable {
    let delimiters: StreamDelimiters
    /// Makes the stream on `output`, registered with the hub for the output's event loop
    /// (call on that loop, then `start()` it once the response head is written); nil when the
    /// hub holds as many streams as it may.
    let make: @Sendable (any StreamOutput) -> PushStream?

    /// The stream as Hummingbird's response, for a request on a connection Hummingbird
    /// serves: the same stream, written by the response body's task through a
    /// `ResponseBodyPipe`.
    func response(on connection: any Channel) -> Response {
        let (delimiters, make) = (self.delimiters, self.make)
        return Response(
            status: .ok, headers: StreamRoutes.streamHeaders(delimiters),
            body: ResponseBody { writer in
                let pipe = ResponseBodyPipe(connection: connection, delimiters: delimiters)
                let started = try await connection.eventLoop.submit { () -> PushStream? in
                    guard let stream = make(pipe) else { return nil }
                    pipe.writabilityChanged = { stream.writabilityChanged($0) }
                    stream.start()
                    return stream
                }.get()
                guard let stream = started else { return try await writer.finish(nil) }
                // These last as long as the connection, which may serve more: they hold the sink only.
                let sink = stream.sink
                connection.closeFuture.whenComplete { _ in sink.offer(.shutdown) }
                PeerCloseWatcher.whenClientCloses(connection) { sink.offer(.shutdown) }
                defer {
                    // However the body ends: the stream is over, and the pipe lets go of it.
                    connection.eventLoop.execute {
                        stream.end(finishing: false)
                        pipe.writabilityChanged = nil
                    }
                }
                try await withGracefulShutdownHandler {
                    try await pipe.pump(into: &writer)
                } onGracefulShutdown: {
                    sink.offer(.shutdown)
                }
                try await writer.finish(nil)
            })
    }
}
