import Foundation
import NIOCore
import Pushcast

/// How an item stream frames what it writes: multipart parts in one wire format, followed
/// by the stream's own delimiter (SPEC §3.1), or Server-Sent Events.
struct StreamFraming: Sendable {
    enum Kind: Sendable {
        case multipart(WireFormat)
        case events
    }

    let kind: Kind
    let delimiters: StreamDelimiters
    let heartbeat: ByteBuffer

    static func multipart(_ format: WireFormat, boundary: String) -> StreamFraming {
        StreamFraming(kind: .multipart(format), delimiters: .multipart(boundary: boundary), heartbeat: multipartHeartbeat)
    }

    /// The same bytes for every multipart stream.
    private static let multipartHeartbeat = PartRenderer.control("heartbeat", channel: nil, json: [String: String]())

    static let events = StreamFraming(kind: .events, delimiters: .events, heartbeat: ByteBuffer(string: ": heartbeat\n\n"))

    func item(_ entry: RenderedEntry) -> ByteBuffer {
        switch kind {
        case .multipart(let format): entry.part(format)
        case .events: entry.event
        }
    }

    func control(_ event: String, channel: String?, json: some Encodable) -> ByteBuffer {
        switch kind {
        case .multipart: PartRenderer.control(event, channel: channel, json: json)
        case .events: PartRenderer.controlEvent(event, json: json)
        }
    }
}
