import CDF
import Foundation
import Logging

/// Observes each item of a channel as a check (SPEC §2): local content is read and hashed;
/// remote content is fetched conditionally; non-precached items are not read. What is new
/// or updated is decided by the store, from these observations. Local items need no
/// network, so a check observes them apart from remote ones (`needsNetwork`).
public struct Checker: Sendable {
    let local: LocalContentReader
    let remote: RemoteFetcher

    public init(directory: ChannelsDirectory, limits: ContentLimits, remote: RemoteFetcher, logger: Logger) {
        local = LocalContentReader(directory: directory, limits: limits, logger: logger)
        self.remote = remote
    }

    /// Observations of `items`, in their order. Remote fetches run side by side; everything
    /// else (a local file is read in well under a millisecond) is observed in place, one
    /// item after another, with no task and no thread hop per item, and each folder on the
    /// way to the files looked up once.
    public func observe(_ items: [Item], known: [String: ItemState]) async -> [ItemObservation] {
        var observations: [ItemObservation?] = Array(repeating: nil, count: items.count)
        var seen = ChannelsDirectory.SeenFolders()
        await withTaskGroup(of: (Int, ItemObservation).self) { group in
            for (index, item) in items.enumerated() {
                if Self.needsNetwork(item) {
                    group.addTask { (index, await fetch(item, known: known[item.id])) }
                } else {
                    observations[index] = observeInPlace(item, seen: &seen)
                }
            }
            for await (index, observation) in group { observations[index] = observation }
        }
        return observations.compactMap { $0 }  // every place is filled above
    }

    /// An item that needs no network: its local file read (or only looked for), or nothing
    /// to observe (a remote item that is not precached).
    private func observeInPlace(_ item: Item, seen: inout ChannelsDirectory.SeenFolders) -> ItemObservation {
        guard item.local else { return ItemObservation(item: item) }
        guard item.precache else { return ItemObservation(item: item, awaitingFile: !local.exists(item.href, seen: &seen)) }
        let content = local.read(item.href, seen: &seen)
        return ItemObservation(item: item, content: content, awaitingFile: content == nil)
    }

    /// A remote, precached item: fetched conditionally.
    private func fetch(_ item: Item, known: ItemState?) async -> ItemObservation {
        let validators = ContentValidators(etag: known?.etag, lastModified: known?.lastModified)
        // Without a hash on record there is nothing to compare a 304 with: ask for the body.
        let conditional = known?.contentHash == nil ? ContentValidators.none : validators
        switch await remote.fetch(item.href, validators: conditional) {
        case .modified(let content): return ItemObservation(item: item, content: content)
        case .notModified(let fresh): return ItemObservation(item: item, validators: fresh)
        case .failed, .deferred: return ItemObservation(item: item)
        }
    }

    /// True for a remote item whose content is fetched: its observation may wait for an origin.
    public static func needsNetwork(_ item: Item) -> Bool {
        !item.local && item.precache
    }
}
