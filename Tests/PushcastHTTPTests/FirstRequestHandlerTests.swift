import NIOCore
import NIOEmbedded
import Testing

@testable import PushcastHTTP

/// How a connection's first bytes are held until its first request's head is whole, and
/// who is then given the connection (`FirstRequestHandler`).
@Suite("First request handler")
struct FirstRequestHandlerTests {
    /// Feeds `pieces` to a handler one read each: whether it routed (and to the stream path),
    /// the bytes passed on after it, and whether it closed the connection.
    static func route(_ pieces: [[UInt8]]) throws -> (routed: Bool?, passedOn: [UInt8], closed: Bool) {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let decided = channel.eventLoop.makePromise(of: ConnectionRouter.Route.self)
        var routed: Bool?
        let handler = FirstRequestHandler(timeout: .seconds(30), decided: decided) { stream, channel in
            routed = stream
            return channel.eventLoop.makeSucceededFuture(.streams)
        }
        try channel.pipeline.syncOperations.addHandler(handler)
        for piece in pieces { try channel.writeInbound(ByteBuffer(bytes: piece)) }
        var passedOn: [UInt8] = []
        while let buffer = try channel.readInbound(as: ByteBuffer.self) { passedOn += buffer.readableBytesView }
        let closed = !channel.isActive
        if !closed { _ = try? channel.finish() }
        decided.fail(ChannelError.ioOnClosedChannel)
        return (routed, passedOn, closed)
    }

    static func route(_ pieces: [String]) throws -> (routed: Bool?, passedOn: String, closed: Bool) {
        let result = try route(pieces.map { Array($0.utf8) })
        return (result.routed, String(decoding: result.passedOn, as: UTF8.self), result.closed)
    }

    /// A byte a read: the blank line that ends the head comes over four reads.
    @Test func theHeadIsHeldUntilComplete() throws {
        let request = "GET /channels/news/stream HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\n\r\n"
        let pieces = request.utf8.map { [$0] }
        let waiting = try Self.route(Array(pieces.dropLast()))
        #expect(waiting.routed == nil && waiting.passedOn.isEmpty && !waiting.closed)
        let whole = try Self.route(pieces)
        #expect(whole.routed == true && whole.passedOn == Array(request.utf8))
    }

    @Test func otherRequestsAndWhatFollowsArePassedOnIntact() throws {
        let first = "POST /subscribers HTTP/1.1\r\nHost: x\r\nContent-Length: 13\r\n\r\n{\"name\":\"a\"}\n"
        let second = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        let result = try Self.route([String(first.prefix(20)), String(first.dropFirst(20)), second])
        #expect(result.routed == false && result.passedOn == first + second)
    }

    @Test func anOverlongHeadIsNotWaitedFor() throws {
        let line = "GET /channels/news/stream?x=" + String(repeating: "a", count: FirstRequestHandler.longestHead) + " HTTP/1.1\r\n"
        let result = try Self.route([line])
        #expect(result.routed == false && result.passedOn.utf8.count == line.utf8.count)
    }

    @Test func aTLSHandshakeClosesTheConnectionAtOnce() throws {
        let result = try Self.route([[0x16, 0x03, 0x01, 0x02, 0x00, 0x01]])
        #expect(result.closed && result.routed == nil && result.passedOn.isEmpty)
    }
}
