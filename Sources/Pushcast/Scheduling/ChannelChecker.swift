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
    let hub: Hub

    func run(_ id: String) async -> Date? {
        guard let entry = await catalog.entry(id), entry.status != .retired, let channel = entry.channel else {
            return nil
        }
        do {
            let known = try await store.itemStates(channel: id)
            // Local items first: a slow or dead origin never holds up what is already on disk.
            let (remote, local) = (
                channel.items.filter(Checker.needsNetwork), channel.items.filter { !Checker.needsNetwork($0) }
            )
            var appended = try await record(await checker.observe(local, known: known), channel: id)
            appended += try await record(await checker.observe(remote, known: known), channel: id)
            Counter(label: "pushcast_checks_total", dimensions: [("channel", id), ("result", "ok")]).increment()
            if !appended.isEmpty {
                Counter(label: "pushcast_items_logged_total", dimensions: [("channel", id)]).increment(by: appended.count)
            }
        } catch {
            Counter(label: "pushcast_checks_total", dimensions: [("channel", id), ("result", "failed")]).increment()
            logger.failure("check failed; the channel is checked again in a minute", error, metadata: ["channel": "\(id)"])
            return Date().addingTimeInterval(60)
        }
        let now = Date()
        return CheckPlanner.next(
            schedule: channel.schedule, after: now, lastCheck: now, defaultInterval: checkInterval,
            jitter: Double.random(in: 0..<1))
    }

    /// Logs what changed among `observations`, then hands it to the hub at once.
    private func record(_ observations: [ItemObservation], channel id: String) async throws -> [LogEntry] {
        guard !observations.isEmpty else { return [] }
        let appended = try await store.record(observations, channel: id)
        for logged in appended {
            logger.info(
                "item logged",
                metadata: [
                    "channel": "\(id)", "seq": "\(logged.seq)", "event": "\(logged.event.rawValue)",
                    "item": "\(logged.itemID)",
                ])
        }
        hub.publish(appended)
        return appended
    }
}
