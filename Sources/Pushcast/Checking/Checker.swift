import CDF
import Foundation
import Logging

/// Observes each item of a channel as a check (SPEC §2): local content is read and hashed;
/// remote content is fetched conditionally; non-precached items are not read. What is new
/// or updated is decided by the store, from these observations.
public struct Checker: Sendable {
    let local: LocalContentReader
    let remote: RemoteFetcher

    public init(directory: ChannelsDirectory, limits: ContentLimits, remote: RemoteFetcher, logger: Logger) {
        local = LocalContentReader(directory: directory, limits: limits, logger: logger)
        self.remote = remote
    }

    /// Observations in the channel's item order; remote fetches run side by side.
    public func observe(_ channel: Channel, known: [String: ItemState]) async -> [ItemObservation] {
        await withTaskGroup(of: (Int, ItemObservation).self) { group in
            for (index, item) in channel.items.enumerated() {
                group.addTask {
                    (index, await observe(item, known: known[item.id]))
                }
            }
            var observations: [(Int, ItemObservation)] = []
            for await observation in group { observations.append(observation) }
            return observations.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    private func observe(_ item: Item, known: ItemState?) async -> ItemObservation {
        guard item.precache else { return ItemObservation(item: item) }
        if item.local { return ItemObservation(item: item, content: local.read(item.href)) }
        let validators = ContentValidators(etag: known?.etag, lastModified: known?.lastModified)
        // Without a hash on record there is nothing to compare a 304 with: ask for the body.
        let conditional = known?.contentHash == nil ? ContentValidators.none : validators
        switch await remote.fetch(item.href, validators: conditional) {
        case .modified(let content): return ItemObservation(item: item, content: content)
        case .notModified(let fresh): return ItemObservation(item: item, validators: fresh)
        case .failed, .deferred: return ItemObservation(item: item)
        }
    }
}
