import NIOCore
import Pushcast
import Testing

@testable import PushcastHTTP

/// The bytes a stream writes itself: chunk sizes, a part and its delimiter made into one
/// chunk once per event loop for every stream that shares the boundary, a boundary that occurs
/// in a part, and a response head.
@Suite("Stream framing")
struct StreamFramingTests {
    @Test(arguments: [(0, "0"), (1, "1"), (15, "f"), (16, "10"), (255, "ff"), (4096, "1000"), (0x1234_abcd, "1234abcd")])
    func chunkSizesAreHexadecimal(_ value: Int, _ hex: String) {
        var buffer = ByteBuffer()
        ChunkCache.writeHex(value, to: &buffer)
        #expect(String(buffer: buffer) == hex)
    }

    static func address(_ buffer: ByteBuffer) -> UnsafeRawPointer? {
        buffer.withUnsafeReadableBytes { $0.baseAddress }
    }

    @Test func aPartAndItsDelimiterAreOneChunkSharedByTheStreamsOfABoundary() throws {
        let boundary = SharedBoundary(partHeader: nil)
        let cache = ChunkCache()
        let part = ByteBuffer(string: "Content-Type: application/json\r\n\r\n{}\r\n")
        let first = StreamFraming.multipart(.json, boundary: boundary)
        let second = StreamFraming.multipart(.json, boundary: boundary)
        let chunk = try #require(first.chunk(.state(part, showing: nil), final: false, cache: cache))
        let delimiter = "--\(boundary.value)\r\n"
        let size = part.readableBytes + delimiter.utf8.count
        #expect(String(buffer: chunk) == String(size, radix: 16) + "\r\n" + String(buffer: part) + delimiter + "\r\n")
        // Another stream of the boundary writes the very same bytes.
        #expect(Self.address(try #require(second.chunk(.state(part, showing: nil), final: false, cache: cache))) == Self.address(chunk))
        // The last part carries the close delimiter; another boundary, or the same bytes
        // elsewhere, are framed anew.
        #expect(String(buffer: try #require(first.chunk(.state(part, showing: nil), final: true, cache: cache))).hasSuffix("--\(boundary.value)--\r\n\r\n"))
        let other = StreamFraming.multipart(.json, boundary: SharedBoundary(partHeader: nil))
        #expect(Self.address(try #require(other.chunk(.state(part, showing: nil), final: false, cache: cache))) != Self.address(chunk))
        let copy = ByteBuffer(bytes: part.readableBytesView)
        // A stream's own part (a snapshot) is framed for it alone.
        #expect(Self.address(try #require(first.chunk(.snapshot(part), final: false, cache: cache))) != Self.address(chunk))
        #expect(Self.address(try #require(first.chunk(.state(copy, showing: nil), final: false, cache: cache))) != Self.address(chunk))
        // Back to the first after the others: still the very same bytes, found again.
        #expect(Self.address(try #require(second.chunk(.state(part, showing: nil), final: false, cache: cache))) == Self.address(chunk))
    }

    @Test func aPartThatHoldsTheBoundaryIsNoChunk() {
        let boundary = SharedBoundary(partHeader: nil)
        let framing = StreamFraming.multipart(.json, boundary: boundary)
        let forged = ByteBuffer(string: "Content-Type: text/plain\r\n\r\nbefore\r\n--\(boundary.value)\r\nforged\r\n")
        #expect(framing.chunk(.snapshot(forged), final: false, cache: ChunkCache()) == nil)
        #expect(boundary.occurs(in: ByteBuffer(string: "--\(boundary.value)")))
        #expect(!boundary.occurs(in: ByteBuffer(string: "-\(boundary.value)")))
        #expect(!boundary.occurs(in: ByteBuffer(string: "--\(boundary.value.dropLast())")))
        #expect(!boundary.occurs(in: ByteBuffer()))
    }

    @Test func aReplacedBoundaryIsNotGivenAgain() {
        let boundaries = Boundaries()
        let key = Boundaries.Key(scope: "news", kind: "json")
        let first = boundaries.boundary(key)
        #expect(boundaries.boundary(key) === first)
        #expect(boundaries.boundary(Boundaries.Key(scope: "news", kind: "text")) !== first)
        boundaries.replace(first)
        #expect(boundaries.boundary(key) !== first)
    }

    @Test func serverSentEventsHaveNoDelimiters() throws {
        let event = ByteBuffer(string: "id: 1\nevent: item\ndata: {}\n\n")
        let chunk = try #require(StreamFraming.events.chunk(.snapshot(event), final: true, cache: ChunkCache()))
        #expect(String(buffer: chunk) == String(event.readableBytes, radix: 16) + "\r\n" + String(buffer: event) + "\r\n")
        #expect(StreamFraming.events.delimiters.closingChunk == nil)
        #expect(String(buffer: StreamFraming.events.delimiters.openingChunk) == "d\r\nretry: 3000\n\n\r\n")
    }

    @Test func aHeadIsWrittenAsHTTP11() {
        let head = StreamChannelHandler.head(.ok, [.contentType: "text/event-stream", .connection: "close"])
        #expect(String(buffer: head) == "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n")
    }
}
