import CDF
import Foundation

/// The only place that remembers (DESIGN.md step 5): channels, the item log, what is known
/// of each item, subscribers and their cursors. One contract, kept by each implementation
/// (`SQLiteStore` today) and checked by the same tests:
///
/// - `record` decides new/updated/unchanged (`ChangeRule`) and appends to a channel's log in
///   one transaction, each entry with the channel's next sequence number, before anyone is
///   told: sequence numbers are 1, 2, 3 …, gap-free and never reused, even after pruning;
/// - pruning keeps the newest `keepItems` of a channel or the recent ones, whichever keeps
///   more, and moves the channel's first kept sequence with its delete;
/// - tokens are stored as hashes only; cursors only ever move forward.
public protocol Store: Sendable {
    /// Whether the database answers.
    func isReachable() async -> Bool

    // Channels
    func channels() async throws -> [ChannelRecord]
    func channel(_ id: String) async throws -> ChannelRecord?
    /// Each channel's last good manifest, by channel id.
    func manifests() async throws -> [String: StoredManifest]
    func manifest(_ channel: String) async throws -> StoredManifest?
    /// Writes a channel's status and diagnostics, and its last good manifest when given (a
    /// nil manifest keeps the one stored).
    func saveChannel(id: String, _ save: ChannelSave, now: Date) async throws
    /// Removes a channel that never logged an item; false, and nothing removed, when it has a log.
    func forgetChannel(id: String) async throws -> Bool
    /// Takes a channel's scheduled check for `holder` (a node) until `until` (its next one),
    /// unless another node holds it past `now`: with several nodes, each due time is checked
    /// by one. True when taken.
    func claimCheck(channel: String, holder: String, until: Date, now: Date) async throws -> Bool

    // The item log
    /// Logs what `observations` show new or updated, in `ChangeRule.loggingOrder`; returns the
    /// entries appended. With `saving`, the channel is saved first in the same transaction (as
    /// `saveChannel` does): a manifest change and what it logs commit together.
    func record(_ observations: [ItemObservation], channel: String, saving: ChannelSave?, now: Date) async throws
        -> [LogEntry]
    /// Entries after `seq`, oldest first.
    func entries(channel: String, after seq: Int64, limit: Int) async throws -> [LogEntry]
    /// The newest `limit` items, each as its newest entry, newest first.
    func latestItems(channel: String, limit: Int) async throws -> [LogEntry]
    func entry(channel: String, seq: Int64) async throws -> LogEntry?
    /// What is known of the items `items` (identities) of a channel, by identity: a check
    /// reads the states of the items its manifest lists now, never the channel's whole
    /// history of items.
    func itemStates(channel: String, items: [String]) async throws -> [String: ItemState]
    /// Subscribers per channel.
    func subscriberCounts() async throws -> [String: Int]
    /// Removes what retention lets go (SPEC §4); returns how many entries went.
    func prune(keepItems: Int, keepSeconds: Double, now: Date) async throws -> Int
    /// Each channel's first kept and last sequence numbers.
    func logBounds(_ channels: [String]) async throws -> [String: LogBounds]

    // Subscribers
    func createSubscriber(id: String, name: String, tokenHash: String, now: Date) async throws
    func subscriber(_ id: String) async throws -> SubscriberRecord?
    func subscriptions(of subscriber: String) async throws -> [SubscriptionRecord]
    /// Subscribes, with the channel's newest `initialItems` pending; `created` is false when it existed.
    func subscribe(_ subscriber: String, to channel: String, initialItems: Int, now: Date) async throws
        -> (SubscriptionRecord, created: Bool)
    func unsubscribe(_ subscriber: String, from channel: String) async throws -> Bool
    /// Moves each cursor forward to its value (never back), in one write.
    func advanceCursors(_ cursors: [SubscriptionKey: Int64]) async throws
}

extension Store {
    public func saveChannel(
        id: String, file: String, status: ChannelStatus, diagnostics: [Diagnostic], manifest: StoredManifest?
    ) async throws
    {
        try await saveChannel(
            id: id, ChannelSave(file: file, status: status, diagnostics: diagnostics, manifest: manifest), now: Date())
    }

    public func record(_ observations: [ItemObservation], channel: String, saving: ChannelSave? = nil) async throws
        -> [LogEntry]
    {
        try await record(observations, channel: channel, saving: saving, now: Date())
    }

    public func prune(keepItems: Int, keepSeconds: Double) async throws -> Int {
        try await prune(keepItems: keepItems, keepSeconds: keepSeconds, now: Date())
    }

    public func createSubscriber(id: String, name: String, tokenHash: String) async throws {
        try await createSubscriber(id: id, name: name, tokenHash: tokenHash, now: Date())
    }

    public func subscribe(_ subscriber: String, to channel: String, initialItems: Int) async throws
        -> (SubscriptionRecord, created: Bool)
    {
        try await subscribe(subscriber, to: channel, initialItems: initialItems, now: Date())
    }
}
