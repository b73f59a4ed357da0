import GRDB

/// What the checker knows of one item, kept apart from the log so that pruning the log
/// never makes an old item look new: its revision, LASTMOD, content hash, and the
/// validators for a conditional GET of its remote content.
public struct ItemState: Codable, Sendable, Hashable, FetchableRecord, TableRecord {
    public static let databaseTableName = "itemState"

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

    /// Read from its row by column (every check reads every item's state; Codable's decoder
    /// cost more than the query).
    public init(row: Row) throws {
        channel = try row.decode(forColumn: "channel")
        itemID = try row.decode(forColumn: "itemID")
        revision = try row.decode(forColumn: "revision")
        lastmod = try row.decode(forColumn: "lastmod")
        contentHash = try row.decode(forColumn: "contentHash")
        etag = try row.decode(forColumn: "etag")
        lastModified = try row.decode(forColumn: "lastModified")
    }
}
