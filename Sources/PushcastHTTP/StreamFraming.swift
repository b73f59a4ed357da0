import Foundation
import NIOCore
import Pushcast

/// How one stream frames what it writes: multipart parts followed by the stream's own
/// delimiter (SPEC §3.1), or Server-Sent Events.
struct StreamFraming: Sendable {
    enum Kind: Sendable {
        case multipart(WireFormat)
        case events
    }

    let kind: Kind
    /// The multipart boundary (empty for SSE).
    let boundary: String
    /// Written before the first part: the opening delimiter, or the SSE `retry:` field.
    let opening: ByteBuffer
    /// Written after every part (nothing for SSE).
    let delimiter: ByteBuffer
    /// Written after the last part: the close delimiter (nothing for SSE).
    let close: ByteBuffer
    let heartbeat: ByteBuffer

    static func multipart(_ format: WireFormat, boundary: String) -> StreamFraming {
        StreamFraming(
            kind: .multipart(format), boundary: boundary, opening: ByteBuffer(string: "--\(boundary)\r\n"),
            delimiter: ByteBuffer(string: "--\(boundary)\r\n"), close: ByteBuffer(string: "--\(boundary)--\r\n"),
            heartbeat: PartRenderer.control("heartbeat", channel: nil, json: [String: String]()))
    }

    static let events = StreamFraming(
        kind: .events, boundary: "", opening: ByteBuffer(string: "retry: 3000\n\n"), delimiter: ByteBuffer(), close: ByteBuffer(),
        heartbeat: ByteBuffer(string: ": heartbeat\n\n"))

    /// A random boundary per stream, of characters that need no quoting.
    static func makeBoundary() -> String {
        "pushcast-" + (0..<24).map { _ in String("0123456789abcdefghijklmnopqrstuvwxyz".randomElement()!) }.joined()
    }

    var contentType: String {
        switch kind {
        case .multipart: "multipart/x-mixed-replace; boundary=\(boundary); charset=utf-8"
        case .events: "text/event-stream; charset=utf-8"
        }
    }

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
