/// A sub-channel (a CHANNEL inside a CHANNEL): a section of the channel, as a tree.
public struct Section: Sendable, Hashable, Codable {
    public var title: String?
    public var href: String?
    /// Only the section's direct items; the channel's `items` lists them all, flattened.
    public var items: [Item]
    public var sections: [Section]

    public init(title: String?, href: String?, items: [Item], sections: [Section]) {
        self.title = title
        self.href = href
        self.items = items
        self.sections = sections
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(title, forKey: .title)
        try container.encode(href, forKey: .href)
        try container.encode(items, forKey: .items)
        try container.encode(sections, forKey: .sections)
    }
}
