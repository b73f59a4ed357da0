import GRDB

/// What the checker knows of one item, kept apart from the log so that pruning the log
/// never makes an old item look new: its revision, LASTMOD, content hash, and the
/// validators for a conditional GET of its remote content.
public struct ItemState: Codable, Sendable, Hashable, FetchableRecord {
    public var channel: String
    public var itemID: String
    public var revision: Int
    public var lastmod: String?
    public var contentHash: String?
    public var etag: String?
    public var lastModified: String?

    public init(
        channel: String, itemID: String, revision: Int, lastmod: String?, contentHash: String?, etag: String?,
        lastModified: String?
    ) {
        self.channel = channel
        self.itemID = itemID
        self.revision = revision
        self.lastmod = lastmod
        self.contentHash = contentHash
        self.etag = etag
        self.lastModified = lastModified
    }

    /// The columns in the order `init(row:)` reads them.
    public static let columns = "channel, itemID, revision, lastmod, contentHash, etag, lastModified"

    /// Read from a row of `columns`, by position (every check reads the state of every item
    /// its manifest lists: Codable's decoder, and then finding each column by its name,
    /// cost more than the query).
    public init(row: Row) throws {
        channel = try row.decode(atIndex: 0)
        itemID = try row.decode(atIndex: 1)
        revision = try row.decode(atIndex: 2)
        lastmod = try row.decode(atIndex: 3)
        contentHash = try row.decode(atIndex: 4)
        etag = try row.decode(atIndex: 5)
        lastModified = try row.decode(atIndex: 6)
    }
}
