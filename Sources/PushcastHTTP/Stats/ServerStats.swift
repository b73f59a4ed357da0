import Foundation
import Pushcast
import Synchronization

/// Push versus pull, measured by the server itself (SPEC §3 `/stats`): a meter per
/// transport, the open connections, and which log entries RSS has already returned, so
/// that each item's delay to its first poll is counted once.
final class ServerStats: Sendable {
    let started = Date()
    let meters: [Transport: TransportMeter]
    let connections = Atomic<Int>(0)
    let connectionsAccepted = Atomic<Int>(0)
    private let rssReturned = Mutex<[String: Int64]>([:])

    init() {
        meters = Dictionary(uniqueKeysWithValues: Transport.allCases.map { ($0, TransportMeter($0)) })
    }

    subscript(_ transport: Transport) -> TransportMeter {
        meters[transport] ?? TransportMeter(transport)
    }

    /// An RSS answer holding `entries`: each entry logged since the server started that no
    /// RSS answer held before counts its delay from being logged to now.
    func rssReturned(channel: String, entries: [LogEntry], now: Date = Date()) {
        let newest = entries.map(\.seq).max() ?? 0
        let before = rssReturned.withLock { seen -> Int64 in
            let before = seen[channel] ?? 0
            seen[channel] = max(before, newest)
            return before
        }
        let since = started.timeIntervalSince1970
        for entry in entries where entry.seq > before && entry.loggedAt >= since {
            self[.rss].firstSeen(after: now.timeIntervalSince1970 - entry.loggedAt)
        }
    }
}
