import NIOCore

/// One logged entry rendered once per wire format, before any stream sees it: the same
/// bytes then go to every stream that wants that format (DESIGN.md step 6).
public struct RenderedEntry: Sendable {
    public let channel: String
    public let seq: Int64
    /// The item's JSON (what `/poll` and the items API list).
    public let json: ByteBuffer
    /// Multipart parts, headers and body, each ending in CRLF; the delimiter is the stream's own.
    public let parts: [WireFormat: ByteBuffer]
    /// A Server-Sent Event: `id:`, `event: item`, `data:` and the blank line.
    public let event: ByteBuffer
    /// When the hub published it; nil for an entry read back from the log (a replay).
    public internal(set) var published: ContinuousClock.Instant?

    public func part(_ format: WireFormat) -> ByteBuffer {
        parts[format] ?? parts[.json] ?? ByteBuffer()
    }
}
