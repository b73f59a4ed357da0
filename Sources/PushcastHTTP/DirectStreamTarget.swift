import CDF
import NIOCore

/// A request line that asks for an item stream (`GET /channels/<id>/stream` or `/events`,
/// HTTP/1.1, the id as the channel-id rule writes it), read from a connection's first bytes
/// before any HTTP handler sees them. Anything else, odd spellings included, is left to
/// Hummingbird.
struct DirectStreamTarget: Sendable, Equatable {
    let channel: String
    /// `/events` (Server-Sent Events) rather than `/stream`.
    let sse: Bool

    init?(requestLine: ByteBufferView) {
        let words = requestLine.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard words.count == 3, words[0].elementsEqual("GET".utf8), words[2].elementsEqual("HTTP/1.1".utf8) else { return nil }
        let target = words[1]
        let path = target.split(separator: UInt8(ascii: "?"), maxSplits: 1, omittingEmptySubsequences: false)[0]
        let segments = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard segments.count == 4, segments[0].isEmpty, segments[1].elementsEqual("channels".utf8) else { return nil }
        let id = String(decoding: segments[2], as: UTF8.self)
        guard ChannelID.id(forStem: id) == id else { return nil }
        if segments[3].elementsEqual("stream".utf8) {
            sse = false
        } else if segments[3].elementsEqual("events".utf8) {
            sse = true
        } else {
            return nil
        }
        channel = id
    }
}
