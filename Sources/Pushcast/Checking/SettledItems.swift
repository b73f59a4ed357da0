import CDF
import Synchronization

/// The items of each channel that a check can pass by: those that are not precached and
/// that an earlier check of this process left known to the store (logged, or known
/// already), each with the greatest LASTMOD a check saw it with.
///
/// Such an item changes only by a greater LASTMOD (SPEC §2, `ChangeRule`): its content is
/// never read, and what the store knows of an item only grows (its LASTMOD is the greatest
/// seen; no state is ever deleted). So while its LASTMOD is not greater, a check would find
/// nothing and write nothing for it, and does not observe it: no file looked for, no state
/// read. What a manifest change costs then follows the items that changed, not the
/// manifest's length. Precached items are read and hashed on every check: their content
/// may change under the same manifest. Kept in memory only: a new process starts empty
/// and observes everything once.
final class SettledItems: Sendable {
    private let table = Mutex<[String: [String: Timestamp?]]>([:])

    init() {}

    /// The items of `channel`'s manifest a check must observe, in their order.
    func unsettled(_ items: [Item], channel: String) -> [Item] {
        let settled = table.withLock { $0[channel] } ?? [:]
        guard !settled.isEmpty else { return items }
        return items.filter { item in
            guard !item.precache, let known = settled[item.id] else { return true }
            return !Self.covers(known, item.lastmod)
        }
    }

    /// After a check of `channel` stored its changes: its observations not awaiting a file
    /// are now known. Only items `listed` in the manifest stay (a check's memory is one
    /// manifest long).
    func settle(_ observations: [ItemObservation], listed: [Item], channel: String) {
        table.withLock { table in
            let before = table[channel] ?? [:]
            var settled: [String: Timestamp?] = [:]
            for item in listed where !item.precache {
                if let known = before[item.id] { settled[item.id] = known }
            }
            for observation in observations where !observation.item.precache && !observation.awaitingFile {
                let id = observation.item.id
                let seen = observation.item.lastmod
                if let known = settled[id] {
                    settled[id] = Self.covers(known, seen) ? known : seen
                } else {
                    settled[id] = seen
                }
            }
            table[channel] = settled.isEmpty ? nil : settled
        }
    }

    /// True when an item known with LASTMOD `known` (at least) shows no change with `lastmod`:
    /// none given, or not greater.
    private static func covers(_ known: Timestamp?, _ lastmod: Timestamp?) -> Bool {
        guard let lastmod else { return true }
        guard let known else { return false }
        return lastmod <= known
    }
}
