import CDF
import Pushcast

/// The JSON of a `snapshot` part: the channel's state and its latest items, oldest first.
struct SnapshotJSON: Encodable, Sendable {
    var channel: String
    var title: String?
    var abstract: String?
    var href: String?
    var logos: [ChannelJSON.LogoJSON]
    var status: String
    var lastSeq: Int64
    var items: [ItemJSON]
}

/// The JSON of a `retired` part.
struct RetiredJSON: Encodable, Sendable {
    var channel: String
    var lastSeq: Int64
}
