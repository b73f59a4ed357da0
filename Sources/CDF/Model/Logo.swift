/// A channel's or item's picture (CDF `LOGO`), at most one per style.
public struct Logo: Sendable, Hashable, Codable {
    /// The three sizes IE4 drew logos at.
    public enum Style: String, Sendable, Hashable, Codable, CaseIterable {
        /// 16×16, beside the title in lists.
        case icon = "ICON"
        /// 80×32, in the channel bar.
        case image = "IMAGE"
        /// 194×32, the wide banner.
        case imageWide = "IMAGE-WIDE"

        /// Matches a value written in any case (`image-wide`, `Icon`).
        public init?(matching value: String) {
            let wanted = value.trimmingASCIIWhitespace().uppercased()
            guard let match = Style.allCases.first(where: { $0.rawValue == wanted }) else { return nil }
            self = match
        }
    }

    /// An absolute http(s) URL, or a path relative to `channels/` when `local`.
    public var href: String
    public var style: Style
    public var local: Bool

    public init(href: String, style: Style, local: Bool) {
        self.href = href
        self.style = style
        self.local = local
    }
}
