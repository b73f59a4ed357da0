import CDF
import NIOCore
import Pushcast

/// A request line that asks for a push stream served on SwiftNIO directly, read from a
/// connection's first bytes before any HTTP handler sees them: `GET /channels/<id>/stream`,
/// `/channels/<id>/events` or `/subscribers/<sid>/stream`, HTTP/1.1, the id spelled as its
/// rule writes it. Anything else, odd spellings included, is left to Hummingbird.
struct DirectStreamTarget: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A channel's multipart item stream.
        case items
        /// A channel's Server-Sent Events.
        case events
        /// A subscriber's stream of all its channels.
        case subscriber
    }

    let kind: Kind
    /// The channel's id, or the subscriber's.
    let id: String

    init?(requestLine: ByteBufferView) {
        let words = requestLine.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard words.count == 3, words[0].elementsEqual("GET".utf8), words[2].elementsEqual("HTTP/1.1".utf8) else { return nil }
        let path = words[1].split(separator: UInt8(ascii: "?"), maxSplits: 1, omittingEmptySubsequences: false)[0]
        let segments = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard segments.count == 4, segments[0].isEmpty else { return nil }
        let id = String(decoding: segments[2], as: UTF8.self)
        switch (String(decoding: segments[1], as: UTF8.self), String(decoding: segments[3], as: UTF8.self)) {
        case ("channels", "stream") where ChannelID.id(forStem: id) == id: kind = .items
        case ("channels", "events") where ChannelID.id(forStem: id) == id: kind = .events
        case ("subscribers", "stream") where SubscriberCredentials.isWellFormedID(id): kind = .subscriber
        default: return nil
        }
        self.id = id
    }
}
