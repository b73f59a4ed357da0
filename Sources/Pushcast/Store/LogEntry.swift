import CDF
import Foundation
import GRDB
import Logging

/// One entry of a channel's item log: an item that was new or updated, with the next
/// sequence number of its channel. The log is what every transport serves.
public struct LogEntry: Codable, Sendable, Hashable, FetchableRecord, TableRecord {
    public static let databaseTableName = "itemLog"

    public enum Event: String, Codable, Sendable, Hashable, DatabaseValueConvertible {
        case new
        case updated
    }

    public var channel: String
    public var seq: Int64
    public var event: Event
    public var itemID: String
    /// 1 when new, one more on each update.
    public var revision: Int
    public var title: String?
    public var abstract: String?
    /// The resolved HREF: an http(s) URL, or a path below `channels/` when `local`.
    public var href: String
    public var local: Bool
    public var lastmod: String?
    /// JSON array of section labels.
    public var section: String
    public var precache: Bool
    public var contentType: String?
    public var contentHash: String?
    public var contentSize: Int?
    /// The content as it was when logged, when precached and within the stored-content limit.
    public var content: Data?
    /// When it was logged (seconds since 1970).
    public var loggedAt: Double

    /// The section labels; none (and a warning in the log) when the stored JSON cannot be
    /// read, which only a damaged database row can cause: the server wrote it.
    public var sectionLabels: [String] {
        // Most items have none: no decoder for those (every publication renders one).
        guard section != "[]" else { return [] }
        do {
            return try JSONDecoder().decode([String].self, from: Data(section.utf8))
        } catch {
            Self.logger.warning(
                "Item \(seq) of channel '\(channel)' has section labels in the database that cannot be read; it is shown without sections. The row may be damaged: look at the section column of that row in the itemLog table.")
            return []
        }
    }

    private static let logger = Logger(label: "pushcast.store")
}
