import Foundation
import NIOCore
import Pushcast

/// How a stream turns its parts into bytes, one framing per wire format (SPEC §3.1,
/// §3.2): multipart parts in one item format, Server-Sent Events, or whole states (a live
/// page's HTML, a badge's SVG, rendered before they get here); and the delimiters around
/// them, from a boundary shared by every stream of the channel and kind. Items are the
/// hub's buffers, and each becomes one chunk (`chunk`), the same bytes for every stream.
struct StreamFraming: Sendable {
    enum Kind: Sendable, Equatable {
        case multipart(WireFormat)
        case events
        case states
    }

    let kind: Kind
    /// The multipart boundary; nil for Server-Sent Events.
    let boundary: SharedBoundary?
    var delimiters: StreamDelimiters { boundary?.delimiters ?? .events }

    static func multipart(_ format: WireFormat, boundary: SharedBoundary) -> StreamFraming {
        StreamFraming(kind: .multipart(format), boundary: boundary)
    }

    static let events = StreamFraming(kind: .events, boundary: nil)

    /// Whole states (a badge's boundary carries each part's header block in its delimiters;
    /// SPEC §3.2).
    static func states(boundary: SharedBoundary) -> StreamFraming {
        StreamFraming(kind: .states, boundary: boundary)
    }

    /// `part` with the delimiter after it (the close delimiter when `final`) as one HTTP/1.1
    /// chunk. A part every stream of the loop may write (an item, a heartbeat, a page's state)
    /// is framed once per event loop (`cache`, the loop's); a stream's own (a snapshot, a gap)
    /// is framed for it alone, and never pushes a shared one out of the cache. Nil when the
    /// part holds the boundary: its streams must end before it.
    func chunk(_ part: StreamMachine.Part, final: Bool, cache: ChunkCache) -> ByteBuffer? {
        let (bytes, tail) = (bytes(part), tail(final: final))
        switch part {
        case .item, .heartbeat, .state:
            return cache.chunk(bytes, tail: tail, boundary: boundary)
        case .snapshot, .gap, .retired:
            return boundary?.occurs(in: bytes) == true ? nil : ChunkCache.frame(bytes, tail: tail)
        }
    }

    /// What follows a part: its delimiter, or the close delimiter after the last (nothing for
    /// SSE). Read from the boundary's own delimiters, not through `delimiters`, which would
    /// copy all of them, buffer by buffer, for every write of every stream.
    private func tail(final: Bool) -> ByteBuffer {
        guard let boundary else { return ByteBuffer() }
        return final ? boundary.delimiters.close : boundary.delimiters.delimiter
    }

    /// The same bytes for every multipart stream, and for every SSE stream.
    private static let multipartHeartbeat = PartRenderer.control("heartbeat", channel: nil, json: [String: String]())
    private static let eventHeartbeat = ByteBuffer(string: ": heartbeat\n\n")

    func bytes(_ part: StreamMachine.Part) -> ByteBuffer {
        switch part {
        case .item(let entry, _):
            switch kind {
            case .multipart(let format): entry.part(format)
            case .events: entry.event
            case .states: ByteBuffer()
            }
        case .heartbeat:
            kind == .events ? Self.eventHeartbeat : Self.multipartHeartbeat
        case .gap(let gap):
            control("gap", channel: gap.channel == LogGap.allChannels ? nil : gap.channel, json: gap)
        case .retired(let channel, let lastSeq):
            control("retired", channel: channel, json: RetiredJSON(channel: channel, lastSeq: lastSeq))
        case .snapshot(let part), .state(let part, _):
            part
        }
    }

    /// A control part (`snapshot`, `gap`, `retired`) with a JSON body.
    func control(_ event: String, channel: String?, json: some Encodable) -> ByteBuffer {
        switch kind {
        case .events: PartRenderer.controlEvent(event, json: json)
        case .multipart, .states: PartRenderer.control(event, channel: channel, json: json)
        }
    }
}
