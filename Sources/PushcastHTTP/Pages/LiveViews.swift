import Foundation
import Hummingbird
import Pushcast

/// The current page, section and badge of each channel, rendered once per change however
/// many streams show them (DESIGN.md step 6, for `/live`, `/badge` and subscribers' pages).
final class LiveViews: Sendable {
    /// One channel's state, rendered for each way it is shown.
    struct Rendered: Sendable {
        let view: ChannelView
        /// A `/live` part: header block, the HTML page, CRLF.
        let page: ByteBuffer
        /// A `/badge` part body: the SVG and CRLF (its header goes with the delimiter).
        let badge: ByteBuffer
        /// The channel's section for a subscriber's page.
        let section: String
    }

    static let pageHeader = "Content-Type: text/html; charset=utf-8"
    static let badgeHeader = "Content-Type: image/svg+xml"

    let engine: Engine
    let links: PublicURL
    private let cache: VersionedCache<Rendered?>

    init(engine: Engine, links: PublicURL) {
        self.engine = engine
        self.links = links
        cache = VersionedCache(hub: engine.hub)
    }

    /// The channel as it is now; nil when the catalog does not know it. Throws when the
    /// store cannot be read.
    func current(_ channel: String) async throws -> Rendered? {
        try await cache.value(for: channel) { try await self.render(channel) }
    }

    /// A page resuming after `since`: every item after it (up to a limit) as well as the
    /// newest; made for one stream, so not cached. Nil when the catalog does not know the
    /// channel.
    func resumePage(_ channel: String, since: Int64) async throws -> Rendered? {
        guard let view = try await ChannelView.load(channel, engine: engine, publicURL: links.value, since: since) else {
            return nil
        }
        return Self.rendered(view)
    }

    private func render(_ channel: String) async throws -> Rendered? {
        try await ChannelView.load(channel, engine: engine, publicURL: links.value).map(Self.rendered)
    }

    private static func rendered(_ view: ChannelView) -> Rendered {
        var badge = ByteBuffer(string: BadgeSVG.render(view))
        badge.writeString("\r\n")
        return Rendered(
            view: view, page: part(pageHeader, ChannelPageHTML.livePart(view)), badge: badge,
            section: ChannelSectionHTML.render(view, level: 2))
    }

    /// A multipart part: the header block, the body, CRLF.
    static func part(_ header: String, _ body: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(header.utf8.count + body.utf8.count + 6)
        buffer.writeString(header)
        buffer.writeString("\r\n\r\n")
        buffer.writeString(body)
        buffer.writeString("\r\n")
        return buffer
    }
}
