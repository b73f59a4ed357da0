import Foundation
import Hummingbird
import Logging
import Synchronization

/// An in-process HTTP origin for remote item content: `/page` answers with the current body
/// and ETag, and 304 to a matching `If-None-Match`; `/hang` never answers.
final class OriginServer: Sendable {
    struct State {
        var body = "first version"
        var etag = "\"v1\""
        var requests = 0
        var notModified = 0
        /// Requests to `/hang` now waiting for an answer that never comes.
        var hanging = 0
    }

    /// Shared with the route handlers.
    final class Shared: Sendable {
        private let mutex = Mutex(State())
        func withLock<T: Sendable>(_ body: (inout State) -> T) -> T { mutex.withLock { body(&$0) } }
    }

    let state = Shared()
    private let task: Task<Void, any Error>
    let baseURL: String

    init() async throws {
        let router = Router()
        let state = self.state
        router.get("/page") { request, _ -> Response in
            let (body, etag, matches) = state.withLock { current -> (String, String, Bool) in
                current.requests += 1
                let matches = request.headers[.ifNoneMatch] == current.etag
                if matches { current.notModified += 1 }
                return (current.body, current.etag, matches)
            }
            if matches { return Response(status: .notModified, headers: [.eTag: etag]) }
            return Response(
                status: .ok, headers: [.eTag: etag, .contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.get("/hang") { _, _ -> Response in
            state.withLock { $0.hanging += 1 }
            try await Task.sleep(for: .seconds(120))
            return Response(status: .ok)
        }
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "origin")
        logger.logLevel = .error
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        task = Task { try await application.runService(gracefulShutdownSignals: []) }
        var iterator = portStream.makeAsyncIterator()
        baseURL = "http://127.0.0.1:\(await iterator.next() ?? 0)"
    }

    deinit {
        task.cancel()
    }

    func update(body: String, etag: String) {
        state.withLock {
            $0.body = body
            $0.etag = etag
        }
    }
}
