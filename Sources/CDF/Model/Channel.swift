/// A parsed channel manifest: the top-level CDF `CHANNEL` with its items and sections.
public struct Channel: Sendable, Hashable, Codable {
    public var title: String?
    public var abstract: String?
    public var href: String?
    /// The resolved top-level BASE (a URL, or a folder relative to `channels/`), if any.
    public var base: String?
    public var lastmod: Timestamp?
    public var precache: Bool
    public var level: Int
    public var logos: [Logo]
    /// How often the publisher asks to be checked; nil when absent or invalid.
    public var schedule: Schedule?
    public var usage: Usage?
    /// Every item in document order, sections depth-first.
    public var items: [Item]
    public var sections: [Section]

    public init(
        title: String? = nil, abstract: String? = nil, href: String? = nil, base: String? = nil,
        lastmod: Timestamp? = nil, precache: Bool = true, level: Int = 0, logos: [Logo] = [],
        schedule: Schedule? = nil, usage: Usage? = nil, items: [Item] = [], sections: [Section] = []
    ) {
        self.title = title
        self.abstract = abstract
        self.href = href
        self.base = base
        self.lastmod = lastmod
        self.precache = precache
        self.level = level
        self.logos = logos
        self.schedule = schedule
        self.usage = usage
        self.items = items
        self.sections = sections
    }

    /// The logo of the given style, if the channel has one.
    public func logo(_ style: Logo.Style) -> Logo? {
        logos.first { $0.style == style }
    }

    /// The channel with only the items `keep` accepts, in `items` and in every section.
    public func keepingItems(_ keep: (Item) -> Bool) -> Channel {
        func filter(_ section: Section) -> Section {
            Section(
                title: section.title, href: section.href, items: section.items.filter(keep),
                sections: section.sections.map(filter))
        }
        var copy = self
        copy.items = items.filter(keep)
        copy.sections = sections.map(filter)
        return copy
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(title, forKey: .title)
        try container.encode(abstract, forKey: .abstract)
        try container.encode(href, forKey: .href)
        try container.encode(base, forKey: .base)
        try container.encode(lastmod, forKey: .lastmod)
        try container.encode(precache, forKey: .precache)
        try container.encode(level, forKey: .level)
        try container.encode(logos, forKey: .logos)
        try container.encode(schedule, forKey: .schedule)
        try container.encode(usage, forKey: .usage)
        try container.encode(items, forKey: .items)
        try container.encode(sections, forKey: .sections)
    }
}
