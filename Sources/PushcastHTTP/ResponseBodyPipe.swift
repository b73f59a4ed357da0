import Hummingbird
import NIOCore

/// A push stream's output through Hummingbird's response writer, for a stream asked for on
/// a connection that already serves other requests (a browser's page, then its stream): the
/// response body's task writes what the stream hands it, a few writes in flight at most.
final class ResponseBodyPipe: StreamOutput, @unchecked Sendable {
    let eventLoop: any EventLoop
    private let connection: any Channel
    private let delimiters: StreamDelimiters
    /// A write: its buffers, and who is told once Hummingbird's writer has taken them.
    private typealias Chunk = (buffers: [ByteBuffer], written: NIOLoopBound<(Bool) -> Void>?)
    private let chunks: AsyncStream<Chunk>
    private let continuation: AsyncStream<Chunk>.Continuation
    /// Writes handed over and not yet done (on the event loop).
    private var inFlight = 0
    /// Told, on the event loop, when `isWritable` changes.
    var writabilityChanged: ((Bool) -> Void)?

    static let writesInFlight = 4

    init(connection: any Channel, delimiters: StreamDelimiters) {
        self.connection = connection
        self.delimiters = delimiters
        eventLoop = connection.eventLoop
        (chunks, continuation) = AsyncStream.makeStream(of: Chunk.self)
    }

    var isWritable: Bool { inFlight < Self.writesInFlight }

    func write(_ part: ByteBuffer, opening: Bool, final: Bool, written: ((Bool) -> Void)?) {
        let buffers = delimiters.framing(part, opening: opening, final: final)
        inFlight += 1
        let told = written.map { NIOLoopBound($0, eventLoop: eventLoop) }
        if case .terminated = continuation.yield((buffers, told)) { written?(false) }
        if inFlight == Self.writesInFlight { writabilityChanged?(false) }
    }

    func finish() {
        continuation.finish()
    }

    func reset() {
        StreamRoutes.reset(connection)
    }

    /// In the response body's task: writes every chunk until the stream finishes; throws when
    /// the client has gone. A write is told it is written once the writer has taken it and
    /// the event loop has gone round after it, by when the writer's flush has run.
    func pump(into writer: inout any ResponseBodyWriter) async throws {
        for await chunk in chunks {
            do {
                try await writer.write(contentsOf: chunk.buffers)
            } catch {
                continuation.finish()
                if let written = chunk.written { eventLoop.execute { written.value(false) } }
                throw error
            }
            eventLoop.execute {
                self.inFlight -= 1
                chunk.written?.value(true)
                if self.inFlight == Self.writesInFlight - 1 { self.writabilityChanged?(true) }
            }
        }
    }
}
