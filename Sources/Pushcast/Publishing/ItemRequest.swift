import CDF

/// What a publisher asks `pushcast item add` for: the item's text, and where its content is.
public struct ItemRequest: Sendable, Hashable {
    /// Where the new item's content comes from.
    public enum Source: Sendable, Hashable {
        /// An HREF written as given: a URL, or a path relative to the manifest's folder.
        case href(String)
        /// A file to copy into the channel's content folder, `channels/<id>/`.
        case file(String)
    }

    public var title: String
    public var abstract: String?
    public var id: String?
    public var source: Source
    public var lastmod: Timestamp

    public init(title: String, abstract: String? = nil, id: String? = nil, source: Source, lastmod: Timestamp) {
        self.title = title
        self.abstract = abstract
        self.id = id
        self.source = source
        self.lastmod = lastmod
    }
}
