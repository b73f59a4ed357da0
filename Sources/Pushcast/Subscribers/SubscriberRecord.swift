import GRDB

/// A reader registered with the server. Its token is never stored: only its SHA-256.
public struct SubscriberRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "subscriber"

    public var id: String
    public var name: String
    public var tokenHash: String
    public var createdAt: Double
}

/// A subscriber's channel, with the delivery cursor: the last seq written to its stream.
public struct SubscriptionRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "subscription"

    public var subscriber: String
    public var channel: String
    public var cursor: Int64
    public var createdAt: Double
}
