import CDF

/// SPEC §2: an item is new when its identity has not been seen in its channel, updated when
/// its LASTMOD grows or, for precached content, its content's hash changes; anything else
/// is unchanged and produces nothing. Pure, so restarts and replays decide the same way.
public enum ChangeRule {
    public static func event(known: ItemState?, observed: ItemObservation) -> LogEntry.Event? {
        guard let known else { return .new }
        if let lastmod = observed.item.lastmod {
            // A LASTMOD that appears where there was none also counts as growing.
            guard let knownLastmod = known.lastmod.flatMap(Timestamp.init(lastmod:)) else { return .updated }
            if lastmod > knownLastmod { return .updated }
        }
        if observed.item.precache, let content = observed.content, content.hash != known.contentHash {
            return .updated
        }
        return nil
    }

    /// What is known after this observation: the newest LASTMOD seen, the newest hash and
    /// validators (a failed or unmodified fetch keeps the old ones), the revision counted.
    public static func state(after known: ItemState?, observed: ItemObservation, channel: String, event: LogEntry.Event?)
        -> ItemState
    {
        let knownLastmod = known?.lastmod.flatMap(Timestamp.init(lastmod:))
        let lastmod = [knownLastmod, observed.item.lastmod].compactMap { $0 }.max()
        let validators = observed.content?.validators ?? observed.validators
        return ItemState(
            channel: channel, itemID: observed.item.id,
            revision: (known?.revision ?? 0) + (event == nil ? 0 : 1),
            lastmod: lastmod?.description,
            contentHash: observed.content?.hash ?? known?.contentHash,
            etag: validators?.etag ?? known?.etag,
            lastModified: validators?.lastModified ?? known?.lastModified)
    }

    /// The order in which one check's items are logged: by the publisher's LASTMOD, oldest
    /// first, so that the newest item gets the highest seq (on a fresh channel, too); items
    /// without LASTMOD come first, and ties keep the manifest's order.
    public static func loggingOrder(_ observations: [ItemObservation]) -> [ItemObservation] {
        observations.enumerated().sorted { a, b in
            switch (a.element.item.lastmod, b.element.item.lastmod) {
            case (nil, nil): a.offset < b.offset
            case (nil, _): true
            case (_, nil): false
            case (let x?, let y?): x < y || (x == y && a.offset < b.offset)
            }
        }.map(\.element)
    }
}
