/// One unit of content in a channel (CDF `ITEM`), usually one page.
public struct Item: Sendable, Hashable, Codable {
    /// The item's identity: its `ID` attribute if given, else its resolved HREF.
    public var id: String
    /// An absolute http(s) URL, or a path relative to `channels/` when `local`.
    public var href: String
    public var local: Bool
    public var title: String?
    public var abstract: String?
    public var lastmod: Timestamp?
    /// Whether the content is fetched and pushed with the item (inherited from the nearest CHANNEL).
    public var precache: Bool
    /// Crawl depth, kept and reported; content beyond the item's own page is not crawled.
    public var level: Int
    public var usage: Usage
    public var logos: [Logo]
    /// The labels of the enclosing sub-channels, outermost first.
    public var section: [String]
    /// Where the ITEM starts in its manifest, for diagnostics; not part of the JSON form.
    public var line: Int? = nil
    public var column: Int? = nil

    enum CodingKeys: String, CodingKey {
        case id, href, local, title, abstract, lastmod, precache, level, usage, logos, section
    }

    public init(
        id: String, href: String, local: Bool, title: String? = nil, abstract: String? = nil,
        lastmod: Timestamp? = nil, precache: Bool = true, level: Int = 0, usage: Usage = .channel,
        logos: [Logo] = [], section: [String] = [], line: Int? = nil, column: Int? = nil
    ) {
        self.id = id
        self.href = href
        self.local = local
        self.title = title
        self.abstract = abstract
        self.lastmod = lastmod
        self.precache = precache
        self.level = level
        self.usage = usage
        self.logos = logos
        self.section = section
        self.line = line
        self.column = column
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(href, forKey: .href)
        try container.encode(local, forKey: .local)
        try container.encode(title, forKey: .title)
        try container.encode(abstract, forKey: .abstract)
        try container.encode(lastmod, forKey: .lastmod)
        try container.encode(precache, forKey: .precache)
        try container.encode(level, forKey: .level)
        try container.encode(usage, forKey: .usage)
        try container.encode(logos, forKey: .logos)
        try container.encode(section, forKey: .section)
    }
}
