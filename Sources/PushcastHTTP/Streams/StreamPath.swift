import HTTPTypes

/// Which requests are push streams (SPEC §3): `GET` or `HEAD` of a channel's `/stream`,
/// `/events`, `/live` or `/badge`, or a subscriber's `/stream`, or a subscriber's `/live`
/// asked for as `multipart/x-mixed-replace` (its script's stream; the page otherwise). The
/// path is split as Hummingbird's router splits it (empty segments and a query ignored),
/// so that no such request reaches the router: the stream path answers all of them.
struct StreamPath: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A channel's multipart item stream.
        case items
        /// A channel's Server-Sent Events.
        case events
        /// A channel's live page.
        case page
        /// A channel's badge.
        case badge
        /// A subscriber's stream of all its channels.
        case subscriberItems
        /// A subscriber's own live page.
        case subscriberPage
    }

    let kind: Kind
    /// The channel's id, or the subscriber's, as the path spells it (checked by admission).
    let id: String

    /// The stream `request` asks for; nil for any other request.
    init?(_ request: HTTPRequest) {
        guard request.method == .get || request.method == .head, let path = request.path else { return nil }
        let accept = request.headerFields[.accept] ?? ""
        self.init(path: path, acceptsMultipart: accept.lowercased().contains("multipart/x-mixed-replace"))
    }

    init?(path: String, acceptsMultipart: Bool) {
        let route = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let segments = route.split(separator: "/")
        guard segments.count == 3 else { return nil }
        switch (segments[0], segments[2]) {
        case ("channels", "stream"): kind = .items
        case ("channels", "events"): kind = .events
        case ("channels", "live"): kind = .page
        case ("channels", "badge"): kind = .badge
        case ("subscribers", "stream"): kind = .subscriberItems
        case ("subscribers", "live") where acceptsMultipart: kind = .subscriberPage
        default: return nil
        }
        id = String(segments[1])
    }

    /// The paths the stream path answers, as the router spells them: Hummingbird answers
    /// their other methods with 405.
    static let routes = [
        "/channels/{id}/stream", "/channels/{id}/events", "/channels/{id}/live", "/channels/{id}/badge",
        "/subscribers/{sid}/stream",
    ]
}
