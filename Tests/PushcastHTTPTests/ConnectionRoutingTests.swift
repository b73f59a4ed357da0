import NIOCore
import NIOEmbedded
import Testing

@testable import PushcastHTTP

/// How a connection's first bytes are read to decide who serves it (`FirstRequestHandler`,
/// `DirectStreamTarget`), and the bytes a direct stream writes itself.
@Suite("Connection routing")
struct ConnectionRoutingTests {
    static func target(_ line: String) -> DirectStreamTarget? {
        DirectStreamTarget(requestLine: ByteBuffer(string: line).readableBytesView)
    }

    static let newsStream = target("GET /channels/news/stream HTTP/1.1")

    @Test func pushStreamRequestLinesAreServedDirectly() {
        #expect(Self.newsStream?.id == "news" && Self.newsStream?.kind == .items)
        let events = Self.target("GET /channels/news/events HTTP/1.1")
        #expect(events?.id == "news" && events?.kind == .events)
        #expect(Self.target("GET /channels/a.b_c-9/stream?since=3&format=text HTTP/1.1")?.id == "a.b_c-9")
        let sid = String(repeating: "0123456789abcdef", count: 2)
        let subscriber = Self.target("GET /subscribers/\(sid)/stream?token=x&once=1 HTTP/1.1")
        #expect(subscriber?.id == sid && subscriber?.kind == .subscriber)
    }

    @Test(arguments: [
        "POST /channels/news/stream HTTP/1.1", "GET /channels/news/stream HTTP/1.0", "GET /channels/News/stream HTTP/1.1",
        "GET /channels/a%2Fb/stream HTTP/1.1", "GET /channels/news/stream/more HTTP/1.1", "GET /channels//stream HTTP/1.1",
        "GET /channels/news/items HTTP/1.1", "GET /channels/news/live HTTP/1.1", "GET /channels/../stream HTTP/1.1",
        "GET /channels/.x/stream HTTP/1.1", "GET  /channels/news/stream HTTP/1.1", "GET /channels/news/stream",
        "GET /x/news/stream HTTP/1.1", "GET /subscribers/abc/stream HTTP/1.1",
        "GET /subscribers/\(String(repeating: "0123456789ABCDEF", count: 2))/stream HTTP/1.1",
        "GET /subscribers/\(String(repeating: "0123456789abcdef", count: 2))/live HTTP/1.1", "",
    ])
    func everythingElseIsLeftToHummingbird(_ line: String) {
        #expect(Self.target(line) == nil)
    }

    /// Feeds `pieces` to a `FirstRequestHandler` one read each; returns the target it routed
    /// with (nil inside for "to Hummingbird"), if it routed, and the bytes passed on after it.
    static func route(_ pieces: [String]) throws -> (routed: DirectStreamTarget??, passedOn: String) {
        let channel = EmbeddedChannel()
        let decided = channel.eventLoop.makePromise(of: ConnectionRouter.Route.self)
        var routed: DirectStreamTarget??
        let handler = FirstRequestHandler(timeout: .seconds(30), decided: decided) { target, channel in
            routed = .some(target)
            return channel.eventLoop.makeSucceededFuture(.direct)
        }
        try channel.pipeline.syncOperations.addHandler(handler)
        for piece in pieces { try channel.writeInbound(ByteBuffer(string: piece)) }
        var passedOn = ""
        while let buffer = try channel.readInbound(as: ByteBuffer.self) { passedOn += String(buffer: buffer) }
        _ = try? channel.finish()
        return (routed, passedOn)
    }

    @Test func theHeadIsHeldUntilComplete() throws {
        let request = "GET /channels/news/stream HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\n\r\n"
        let pieces = request.map { String($0) }
        let waiting = try Self.route(Array(pieces.dropLast()))
        #expect(waiting.routed == nil && waiting.passedOn.isEmpty)
        let whole = try Self.route(pieces)
        #expect(whole.routed == .some(Self.newsStream))
        #expect(whole.passedOn == request)
    }

    @Test func otherRequestsAndWhatFollowsArePassedOnIntact() throws {
        let first = "POST /subscribers HTTP/1.1\r\nHost: x\r\nContent-Length: 13\r\n\r\n{\"name\":\"a\"}\n"
        let second = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        let result = try Self.route([String(first.prefix(20)), String(first.dropFirst(20)), second])
        #expect(result.routed == .some(nil))
        #expect(result.passedOn == first + second)
    }

    @Test func anOverlongHeadIsNotWaitedFor() throws {
        let line = "GET /channels/news/stream?x=" + String(repeating: "a", count: FirstRequestHandler.longestHead) + " HTTP/1.1\r\n"
        let result = try Self.route([line])
        #expect(result.routed == .some(nil))
        #expect(result.passedOn.utf8.count == line.utf8.count)
    }

    @Test(arguments: [(0, "0"), (1, "1"), (15, "f"), (16, "10"), (255, "ff"), (4096, "1000"), (0x1234_abcd, "1234abcd")])
    func chunkSizesAreHexadecimal(_ value: Int, _ hex: String) {
        var buffer = ByteBuffer()
        DirectStreamHandler.writeHex(value, to: &buffer)
        #expect(String(buffer: buffer) == hex)
    }

    @Test func aSharedPartIsFramedOncePerThread() {
        let framer = FramedPart.current
        let part = ByteBuffer(string: "Content-Type: application/json\r\n\r\n{}\r\n")
        let first = framer.framed(part, chunkSize: part.readableBytes + 40)
        #expect(String(buffer: first) == String(part.readableBytes + 40, radix: 16) + "\r\n" + String(buffer: part))
        let again = framer.framed(part, chunkSize: part.readableBytes + 40)
        #expect(first.withUnsafeReadableBytes { $0.baseAddress } == again.withUnsafeReadableBytes { $0.baseAddress })
        // The same bytes elsewhere, or another chunk size, are framed anew.
        let copy = ByteBuffer(bytes: part.readableBytesView)
        #expect(String(buffer: framer.framed(copy, chunkSize: 7)) == "7\r\n" + String(buffer: part))
        #expect(String(buffer: framer.framed(copy, chunkSize: 8)).hasPrefix("8\r\n"))
    }

    @Test func aHeadIsWrittenAsHTTP11() {
        let head = DirectStreamHandler.head(.ok, [.contentType: "text/event-stream", .connection: "close"])
        #expect(String(buffer: head) == "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n")
    }
}
