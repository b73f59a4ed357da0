import Foundation
import NIOCore
import Pushcast

/// How a stream turns its parts into bytes, one framing per wire format (SPEC §3.1,
/// §3.2): multipart parts in one item format, Server-Sent Events, or whole states (a live
/// page's HTML, a badge's SVG, rendered before they get here); and the delimiters around
/// them. Items are the hub's buffers, the same for every stream.
struct StreamFraming: Sendable {
    enum Kind: Sendable, Equatable {
        case multipart(WireFormat)
        case events
        case states
    }

    let kind: Kind
    let delimiters: StreamDelimiters

    static func multipart(_ format: WireFormat, boundary: String) -> StreamFraming {
        StreamFraming(kind: .multipart(format), delimiters: .multipart(boundary: boundary))
    }

    static let events = StreamFraming(kind: .events, delimiters: .events)

    /// Whole states, each part's header block carried by the delimiter before it when
    /// `partHeader` is given (a badge; SPEC §3.2).
    static func states(boundary: String, partHeader: String? = nil) -> StreamFraming {
        StreamFraming(kind: .states, delimiters: .multipart(boundary: boundary, partHeader: partHeader))
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
