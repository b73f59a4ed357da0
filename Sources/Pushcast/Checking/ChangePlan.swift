import Foundation

/// What one check changes in a channel, decided by `ChangeRule` from the observations and
/// what was known: the item states to save and the entries to append, in `loggingOrder`,
/// not yet numbered. Pure; each store applies it inside the transaction that numbers the
/// entries with the channel's next sequence numbers.
public struct ChangePlan: Sendable {
    public private(set) var states: [ItemState] = []
    public private(set) var entries: [LogEntry] = []

    public init(_ observations: [ItemObservation], known: [String: ItemState], channel: String, loggedAt: Double) throws {
        var known = known
        for observation in ChangeRule.loggingOrder(observations) {
            let previous = known[observation.item.id]
            if previous == nil && observation.awaitingFile { continue }  // logged once its file is there
            let event = ChangeRule.event(known: previous, observed: observation)
            let state = ChangeRule.state(after: previous, observed: observation, channel: channel, event: event)
            if state != previous {
                states.append(state)
                known[state.itemID] = state
            }
            guard let event else { continue }
            let item = observation.item
            entries.append(
                LogEntry(
                    channel: channel, seq: 0, event: event, itemID: item.id, revision: state.revision,
                    title: item.title, abstract: item.abstract, href: item.href, local: item.local,
                    lastmod: item.lastmod?.description,
                    section: item.section.isEmpty
                        ? "[]" : String(decoding: try JSONEncoder().encode(item.section), as: UTF8.self),
                    precache: item.precache, contentType: observation.content?.type,
                    contentHash: observation.content?.hash ?? state.contentHash,
                    contentSize: observation.content?.size, content: observation.content?.bytes, loggedAt: loggedAt))
        }
    }
}
