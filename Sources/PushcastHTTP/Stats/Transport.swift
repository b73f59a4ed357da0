/// The ways Pushcast delivers a channel, as `/stats` and `/metrics` count them: four push
/// transports, long poll between the two, and RSS, the pull feed push is compared with.
enum Transport: String, CaseIterable, Sendable {
    case stream, live, badge, events, poll, rss

    /// `push`, `long-poll` or `pull`.
    var kind: String {
        switch self {
        case .stream, .live, .badge, .events: "push"
        case .poll: "long-poll"
        case .rss: "pull"
        }
    }

    /// What people call it.
    var name: String {
        switch self {
        case .stream: "Multipart item stream"
        case .live: "Live page"
        case .badge: "Badge"
        case .events: "Server-Sent Events"
        case .poll: "Long poll"
        case .rss: "RSS feed"
        }
    }
}
