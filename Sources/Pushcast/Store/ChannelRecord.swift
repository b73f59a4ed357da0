import CDF
import Foundation
import GRDB

/// What the store remembers of a channel: its status, its diagnostics, the last good
/// manifest (so a rejected edit never takes the channel down, even across a restart), and
/// the last sequence number its log has used.
public struct ChannelRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "channel"

    public var id: String
    /// The manifest's file name inside `channels/`.
    public var file: String
    public var status: ChannelStatus
    /// JSON array of `Diagnostic`.
    public var diagnostics: String
    /// JSON of the last good `Channel`, if there ever was one.
    public var manifest: String?
    public var lastSeq: Int64
    /// When the newest entry was logged (seconds since 1970).
    public var lastChange: Double?
    public var lastCheck: Double?
    public var updatedAt: Double

    /// The stored diagnostics; throws when they no longer decode (stored by another version).
    public func decodedDiagnostics() throws -> [Diagnostic] {
        try JSONDecoder().decode([Diagnostic].self, from: Data(diagnostics.utf8))
    }

    /// The stored last good manifest, if any; throws when it no longer decodes (stored by
    /// another version).
    public func decodedManifest() throws -> Channel? {
        try manifest.map { try JSONDecoder().decode(Channel.self, from: Data($0.utf8)) }
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
