import NIOCore

/// What a stream writes around its parts: before the first, after each, after the last;
/// and the outer content type that names the boundary (SPEC §3.1, §3.2).
struct StreamDelimiters: Sendable {
    let contentType: String
    /// Written before the first part: the opening delimiter, or the SSE `retry:` field.
    let opening: ByteBuffer
    /// Written after every part, in the same write (nothing for SSE).
    let delimiter: ByteBuffer
    /// Written after the last part: the close delimiter (nothing for SSE).
    let close: ByteBuffer
    /// `opening` as a chunk, written with the response head; made once for every stream
    /// that shares these delimiters.
    let openingChunk: ByteBuffer
    /// `close` alone as a chunk, for a stream that ends before a part; nil for SSE.
    let closingChunk: ByteBuffer?

    init(contentType: String, opening: ByteBuffer, delimiter: ByteBuffer, close: ByteBuffer) {
        self.contentType = contentType
        self.opening = opening
        self.delimiter = delimiter
        self.close = close
        openingChunk = ChunkCache.frame(opening, tail: ByteBuffer())
        closingChunk = close.readableBytes == 0 ? nil : ChunkCache.frame(close, tail: ByteBuffer())
    }

    /// `multipart/x-mixed-replace` with `boundary`. With a `partHeader`, every delimiter
    /// carries the next part's header block too, and the parts are bodies alone: Chromium
    /// shows a multipart image only once the next part's headers have arrived (SPEC §3.2).
    static func multipart(boundary: String, partHeader: String? = nil) -> StreamDelimiters {
        let header = partHeader.map { "\($0)\r\n\r\n" } ?? ""
        let delimiter = ByteBuffer(string: "--\(boundary)\r\n\(header)")
        return StreamDelimiters(
            contentType: "multipart/x-mixed-replace; boundary=\(boundary); charset=utf-8", opening: delimiter,
            delimiter: delimiter, close: ByteBuffer(string: "--\(boundary)--\r\n"))
    }

    static let events = StreamDelimiters(
        contentType: "text/event-stream; charset=utf-8", opening: ByteBuffer(string: "retry: 3000\n\n"),
        delimiter: ByteBuffer(), close: ByteBuffer())

    /// A random boundary per stream, of characters that need no quoting.
    static func makeBoundary() -> String {
        var generator = SystemRandomNumberGenerator()
        let characters = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        return "pushcast-" + String((0..<24).map { _ in characters[Int(generator.next(upperBound: UInt(characters.count)))] })
    }
}
