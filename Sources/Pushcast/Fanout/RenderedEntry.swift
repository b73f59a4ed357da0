import NIOCore

/// One logged entry rendered once per wire format, before any stream sees it: the same
/// bytes then go to every stream that wants that format (DESIGN.md step 6). A class, so
/// that handing it to thousands of streams on several event loops touches one reference
/// count, not one per buffer.
public final class RenderedEntry: Sendable {
    public let channel: String
    public let seq: Int64
    /// The item's JSON (what `/poll` and the items API list).
    public let json: ByteBuffer
    /// Multipart parts, headers and body, each ending in CRLF; the delimiter is the stream's own.
    public let parts: [WireFormat: ByteBuffer]
    /// A Server-Sent Event: `id:`, `event: item`, `data:` and the blank line.
    public let event: ByteBuffer
    /// When the hub published it; nil for an entry read back from the log (a replay).
    public let published: ContinuousClock.Instant?

    init(
        channel: String, seq: Int64, json: ByteBuffer, parts: [WireFormat: ByteBuffer], event: ByteBuffer,
        published: ContinuousClock.Instant?
    ) {
        self.channel = channel
        self.seq = seq
        self.json = json
        self.parts = parts
        self.event = event
        self.published = published
    }

    /// The same entry in buffers of its own. The hub gives each event loop its own copy, so
    /// that streams on different loops never count references to the same buffers: a count
    /// two cores keep changing at once costs far more than the copy.
    public func copied() -> RenderedEntry {
        func copy(_ buffer: ByteBuffer) -> ByteBuffer { ByteBuffer(bytes: buffer.readableBytesView) }
        return RenderedEntry(
            channel: channel, seq: seq, json: copy(json), parts: parts.mapValues(copy), event: copy(event), published: published)
    }

    /// The bytes its buffers hold.
    public var byteCount: Int {
        json.readableBytes + event.readableBytes + parts.values.reduce(0) { $0 + $1.readableBytes }
    }

    public func part(_ format: WireFormat) -> ByteBuffer {
        parts[format] ?? parts[.json] ?? ByteBuffer()
    }
}
