import CDF
import Foundation
import Logging
import Metrics

/// One check of one channel: observe its items (local ones first, then remote ones), let the store log what is new or updated
/// (before anyone is told), and say when the channel is next due. Counts checks run and
/// failed per channel (swift-metrics, `/metrics`).
struct ChannelChecker: Sendable {
    let catalog: Catalog
    let store: any Store
    let checker: Checker
    let checkInterval: TimeInterval
    let logger: Logger
    let follower: LogFollower
    /// This node, as the holder of the check leases it takes (one per process).
    let node: String
    /// The items a check can pass by (known, not precached, LASTMOD not greater).
    let settled = SettledItems()

    /// Checks `id`, asked (a file event, a ping, start-up) or `due` on its schedule; returns
    /// when it is next due. A due check is done only by the node that claims it in the store.
    func run(_ id: String, due: Bool) async -> Date? {
        guard let (channel, saving) = await catalog.forCheck(id) else { return nil }
        let now = Date()
        let next = CheckPlanner.next(
            schedule: channel.schedule, after: now, lastCheck: now, defaultInterval: checkInterval,
            jitter: Double.random(in: 0..<1))
        do {
            if due {
                // Held until just before the next due time: the node whose timer fires first then
                // takes that one. The holder may take it again (its retry a minute after a failure).
                let until = max(now.addingTimeInterval(1), (next ?? now.addingTimeInterval(60)).addingTimeInterval(-1))
                guard try await store.claimCheck(channel: id, holder: node, until: until, now: now) else {
                    logger.debug("another node does this scheduled check", metadata: ["channel": "\(id)"])
                    return next
                }
            }
            // Local items first: a slow or dead origin never holds up what is already on disk.
            let items = settled.unsettled(channel.items, channel: id)
            let (remote, local) = (items.filter(Checker.needsNetwork), items.filter { !Checker.needsNetwork($0) })
            // What is known of each item is read by the store inside `record`; here only a
            // remote fetch needs it first (its validators, for a conditional GET). A load the
            // store has not been told yet (`saving`) is written in the same transaction.
            let observed = await checker.observe(local, known: [:])
            var appended = try await record(
                observed, channel: id, saving: saving, passedBy: items.isEmpty && !channel.items.isEmpty)
            settled.settle(observed, listed: channel.items, channel: id)
            if let saving { await catalog.saved(saving, id: id) }
            if !remote.isEmpty {
                let known = try await store.itemStates(channel: id, items: remote.map(\.id))
                appended += try await record(await checker.observe(remote, known: known), channel: id)
            }
            Counter(label: "pushcast_checks_total", dimensions: [("channel", id), ("result", "ok")]).increment()
            if !appended.isEmpty {
                Counter(label: "pushcast_items_logged_total", dimensions: [("channel", id)]).increment(by: appended.count)
            }
        } catch {
            Counter(label: "pushcast_checks_total", dimensions: [("channel", id), ("result", "failed")]).increment()
            logger.failure("check failed; the channel is checked again in a minute", error, metadata: ["channel": "\(id)"])
            return Date().addingTimeInterval(60)
        }
        return next
    }

    /// Saves the channel when `saving` says so and logs what changed among `observations`,
    /// then hands it to the hub at once (through the follower, which keeps each channel's
    /// order with what other nodes log). A check that `passedBy` every item of its manifest
    /// (`SettledItems`) is still recorded as a check.
    private func record(
        _ observations: [ItemObservation], channel id: String, saving: ChannelSave? = nil, passedBy: Bool = false
    ) async throws -> [LogEntry] {
        guard !observations.isEmpty || saving != nil || passedBy else { return [] }
        let appended = try await store.record(observations, channel: id, saving: saving)
        for logged in appended {
            logger.info(
                "item logged",
                metadata: [
                    "channel": "\(id)", "seq": "\(logged.seq)", "event": "\(logged.event.rawValue)",
                    "item": "\(logged.itemID)",
                ])
        }
        follower.logged(appended)
        return appended
    }
}
