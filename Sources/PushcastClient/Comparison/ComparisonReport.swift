import Foundation

/// What `pushcast compare` found, push beside pull: delivery delay percentiles, and the
/// requests and bytes each delivered item cost.
public struct ComparisonReport: Encodable, Sendable {
    /// One side's figures.
    public struct Side: Encodable, Sendable {
        public var readers: Int
        /// Items delivered, counted once per reader.
        public var delivered: Int
        /// Items a reader never had before the end.
        public var missed: Int
        public var requests: Int
        public var notModified: Int
        public var bytes: Int
        public var delayMs: Percentiles?

        public var requestsPerItem: Double? { delivered > 0 ? Double(requests) / Double(delivered) : nil }
        public var bytesPerItem: Double? { delivered > 0 ? Double(bytes) / Double(delivered) : nil }

        init(reader: ComparisonRun.Reader, items: [LoggedItem], readers: Int) {
            self.init(readers: [reader], items: items)
        }

        init(readers: [ComparisonRun.Reader], items: [LoggedItem]) {
            var delays: [Double] = []
            var missed = 0
            for reader in readers {
                let seen = reader.seen.withLock { $0 }
                for item in items {
                    guard let time = seen[item.seq] else {
                        missed += 1
                        continue
                    }
                    delays.append(max(time.timeIntervalSince(item.published), 0) * 1000)
                }
            }
            self.readers = readers.count
            delivered = delays.count
            self.missed = missed
            requests = readers.reduce(0) { $0 + $1.requests.load(ordering: .relaxed) }
            notModified = readers.reduce(0) { $0 + $1.notModified.load(ordering: .relaxed) }
            bytes = readers.reduce(0) { $0 + $1.bytes.load(ordering: .relaxed) }
            delayMs = Percentiles(delays)
        }

        enum CodingKeys: String, CodingKey {
            case readers, delivered, missed, requests, notModified, bytes, delayMs, requestsPerItem, bytesPerItem
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(readers, forKey: .readers)
            try container.encode(delivered, forKey: .delivered)
            try container.encode(missed, forKey: .missed)
            try container.encode(requests, forKey: .requests)
            try container.encode(notModified, forKey: .notModified)
            try container.encode(bytes, forKey: .bytes)
            try container.encodeIfPresent(delayMs, forKey: .delayMs)
            try container.encodeIfPresent(requestsPerItem, forKey: .requestsPerItem)
            try container.encodeIfPresent(bytesPerItem, forKey: .bytesPerItem)
        }
    }

    /// p50, p99 and max of a set of delays, in milliseconds.
    public struct Percentiles: Encodable, Sendable {
        public var p50: Double
        public var p99: Double
        public var max: Double

        init?(_ values: [Double]) {
            guard !values.isEmpty else { return nil }
            let sorted = values.sorted()
            func at(_ fraction: Double) -> Double {
                sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
            }
            p50 = at(0.5)
            p99 = at(0.99)
            max = sorted[sorted.count - 1]
        }
    }

    public var channel: String
    public var server: String
    public var duration: Double
    public var pollInterval: Double
    public var pollers: Int
    public var itemsPublishedByDemo: Int?
    /// The sequences compared: logged during the run, early enough for every reader.
    public var items: [Int64]
    public var push: Side
    public var pull: Side

    /// The table for people, 80 columns wide.
    public var table: String {
        var lines = [
            "pushcast compare: channel '\(channel)' on \(server), \(Self.number(duration)) s",
            "  push: 1 reader of the multipart stream",
            "  pull: \(pollers) RSS poller\(pollers == 1 ? "" : "s") every \(Self.number(pollInterval)) s, with conditional GET (If-None-Match)",
        ]
        if let published = itemsPublishedByDemo { lines.append("  \(published) demo items published by this command") }
        lines.append("  \(items.count) item\(items.count == 1 ? "" : "s") compared")
        lines.append("")
        lines.append(Self.row("", "delay p50", "delay p99", "delay max", "requests/item", "bytes/item"))
        lines.append(Self.row("push (stream)", push))
        lines.append(Self.row("pull (RSS, \(Self.number(pollInterval)) s)", pull))
        lines.append("")
        if let pushDelay = push.delayMs, let pullDelay = pull.delayMs, pushDelay.p50 > 0 {
            lines.append("Push had each item \(Self.times(pullDelay.p50 / pushDelay.p50)) sooner at the median.")
            if let pushRequests = push.requestsPerItem, let pullRequests = pull.requestsPerItem, pushRequests > 0 {
                lines.append("It took \(Self.times(pullRequests / pushRequests)) fewer requests per delivered item.")
            }
        } else if items.isEmpty {
            lines.append("No item arrived during the run: publish some, or use --publish-demo.")
        }
        if push.missed + pull.missed > 0 {
            lines.append("Missed by the end: \(push.missed) for push, \(pull.missed) for pull (reader × item).")
        }
        return lines.joined(separator: "\n")
    }

    static func row(_ name: String, _ side: Side) -> String {
        row(
            name, side.delayMs.map { milliseconds($0.p50) } ?? "–", side.delayMs.map { milliseconds($0.p99) } ?? "–",
            side.delayMs.map { milliseconds($0.max) } ?? "–", side.requestsPerItem.map { String(format: "%.2f", $0) } ?? "–",
            side.bytesPerItem.map { String(Int($0.rounded())) } ?? "–")
    }

    static func row(_ cells: String...) -> String {
        let widths = [20, 11, 11, 11, 15, 11]
        return zip(cells, widths).enumerated().map { index, pair in
            index == 0 ? pair.0.padding(toLength: pair.1, withPad: " ", startingAt: 0)
                : String(repeating: " ", count: max(pair.1 - pair.0.count, 1)) + pair.0
        }.joined()
    }

    static func milliseconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.1f ms", value) : String(format: "%.0f ms", value)
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    static func times(_ ratio: Double) -> String {
        ratio >= 10 ? "\(Int(ratio.rounded())) times" : String(format: "%.1f times", ratio)
    }
}

/// An item of the log as the comparison needs it.
public struct LoggedItem: Sendable {
    public var seq: Int64
    public var published: Date
}
