import Foundation
import PostgresNIO

/// The store's records read from PostgreSQL rows: the columns each query selects, in the
/// order each decoder reads them.
enum PostgresRecords {
    static let channelColumns =
        #"id, file, status, diagnostics, "lastSeq", "lastChange", "lastCheck", "updatedAt""#

    static func channels(_ rows: PostgresRowSequence) async throws -> [ChannelRecord] {
        var records: [ChannelRecord] = []
        for try await (id, file, status, diagnostics, lastSeq, lastChange, lastCheck, updatedAt) in rows.decode(
            (String, String, String, String, Int64, Double?, Double?, Double).self)
        {
            records.append(
                ChannelRecord(
                    id: id, file: file, status: try known(ChannelStatus(rawValue: status), status), diagnostics: diagnostics,
                    lastSeq: lastSeq, lastChange: lastChange, lastCheck: lastCheck,
                    updatedAt: updatedAt))
        }
        return records
    }

    static let entryColumns = """
        channel, seq, event, "itemID", revision, title, abstract, href, local, lastmod, section, precache,
        "contentType", "contentHash", "contentSize", content, "loggedAt"
        """

    static func entries(_ rows: PostgresRowSequence) async throws -> [LogEntry] {
        var entries: [LogEntry] = []
        for try await (
            channel, seq, event, itemID, revision, title, abstract, href, local, lastmod, section, precache, contentType,
            contentHash, contentSize, content, loggedAt
        ) in rows.decode(
            (String, Int64, String, String, Int, String?, String?, String, Bool, String?, String, Bool, String?, String?, Int?,
             Data?, Double).self)
        {
            entries.append(
                LogEntry(
                    channel: channel, seq: seq, event: try known(LogEntry.Event(rawValue: event), event), itemID: itemID,
                    revision: revision, title: title, abstract: abstract, href: href, local: local, lastmod: lastmod,
                    section: section, precache: precache, contentType: contentType, contentHash: contentHash,
                    contentSize: contentSize, content: content, loggedAt: loggedAt))
        }
        return entries
    }

    static let stateColumns = #"channel, "itemID", revision, lastmod, "contentHash", etag, "lastModified""#

    static func states(_ rows: PostgresRowSequence) async throws -> [String: ItemState] {
        var states: [String: ItemState] = [:]
        for try await (channel, itemID, revision, lastmod, contentHash, etag, lastModified) in rows.decode(
            (String, String, Int, String?, String?, String?, String?).self)
        {
            states[itemID] = ItemState(
                channel: channel, itemID: itemID, revision: revision, lastmod: lastmod, contentHash: contentHash, etag: etag,
                lastModified: lastModified)
        }
        return states
    }

    static let subscriptionColumns = #"subscriber, channel, cursor, "createdAt""#

    static func subscriptions(_ rows: PostgresRowSequence) async throws -> [SubscriptionRecord] {
        var records: [SubscriptionRecord] = []
        for try await (subscriber, channel, cursor, createdAt) in rows.decode((String, String, Int64, Double).self) {
            records.append(SubscriptionRecord(subscriber: subscriber, channel: channel, cursor: cursor, createdAt: createdAt))
        }
        return records
    }

    /// A stored name this version knows, or an error saying the database was written by another version.
    private static func known<T>(_ value: T?, _ stored: String) throws -> T {
        guard let value else { throw UnknownValue(stored: stored) }
        return value
    }

    /// A stored value this version does not know (written by a newer Pushcast).
    struct UnknownValue: Error, CustomStringConvertible {
        let stored: String
        var description: String { "The database holds \"\(stored)\", which this Pushcast does not know: run the newer version that wrote it." }
    }
}
