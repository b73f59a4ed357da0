import CDF
import Foundation
import GRDB

/// What the store remembers of a channel: its status, its diagnostics and the last sequence
/// number its log has used. Its last good manifest (so a rejected edit never takes the
/// channel down, even across a restart) is kept beside it (`StoredManifest`).
public struct ChannelRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "channel"

    public var id: String
    /// The manifest's file name inside `channels/`.
    public var file: String
    public var status: ChannelStatus
    /// JSON array of `Diagnostic`.
    public var diagnostics: String
    public var lastSeq: Int64
    /// When the newest entry was logged (seconds since 1970).
    public var lastChange: Double?
    public var lastCheck: Double?
    public var updatedAt: Double

    /// The stored diagnostics; throws when they no longer decode (stored by another version).
    public func decodedDiagnostics() throws -> [Diagnostic] {
        try JSONDecoder().decode([Diagnostic].self, from: Data(diagnostics.utf8))
    }
}

/// Whether a channel is being served.
public enum ChannelStatus: String, Codable, Sendable, Hashable, DatabaseValueConvertible {
    /// The manifest loads.
    case ok
    /// The manifest is rejected; the last good version, if any, stays live.
    case error
    /// The manifest is gone; the log stays readable.
    case retired
}
