import NIOCore
import Testing

@testable import PushcastHTTP

/// The bytes a stream writes itself: chunk sizes, a shared part framed once per thread,
/// and a response head.
@Suite("Stream framing")
struct StreamFramingTests {
    @Test(arguments: [(0, "0"), (1, "1"), (15, "f"), (16, "10"), (255, "ff"), (4096, "1000"), (0x1234_abcd, "1234abcd")])
    func chunkSizesAreHexadecimal(_ value: Int, _ hex: String) {
        var buffer = ByteBuffer()
        StreamChannelHandler.writeHex(value, to: &buffer)
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
        let head = StreamChannelHandler.head(.ok, [.contentType: "text/event-stream", .connection: "close"])
        #expect(String(buffer: head) == "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n")
    }
}
