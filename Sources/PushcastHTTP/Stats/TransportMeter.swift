import Foundation
import Histogram
import Pushcast
import Synchronization

/// What one transport has done since the server started: streams open, requests answered
/// (a fresh answer apart from "nothing new": 304 for RSS, 204 for long poll), items and
/// bytes sent, and how long after its publication each live item was written.
final class TransportMeter: Sendable {
    let transport: Transport
    let open = Atomic<Int>(0)
    let answered = Atomic<Int>(0)
    let unchanged = Atomic<Int>(0)
    let items = Atomic<Int>(0)
    let bytes = Atomic<Int>(0)
    /// Publish → write, in microseconds.
    private let latency = Mutex(TransportMeter.histogram())
    /// RSS only: an item's logging → the first poll that returned it, in microseconds.
    private let firstSeen = Mutex(TransportMeter.histogram())

    init(_ transport: Transport) {
        self.transport = transport
    }

    private static func histogram() -> Histogram<UInt64> {
        Histogram(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    /// One item written; a live one (published by the hub, not replayed) has its latency recorded.
    func delivered(published: ContinuousClock.Instant?, count: Int = 1) {
        items.wrappingAdd(count, ordering: .relaxed)
        guard let published else { return }
        let elapsed = ContinuousClock.now - published
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        latency.withLock { _ = $0.record(UInt64(max(micros, 0))) }
    }

    func firstSeen(after seconds: Double) {
        firstSeen.withLock { _ = $0.record(UInt64(max(seconds, 0) * 1_000_000)) }
    }

    func sent(_ count: Int) {
        bytes.wrappingAdd(count, ordering: .relaxed)
    }

    var snapshot: TransportJSON {
        TransportJSON(
            transport: transport.rawValue, name: transport.name, kind: transport.kind, open: open.load(ordering: .relaxed),
            requests: answered.load(ordering: .relaxed), notModified: unchanged.load(ordering: .relaxed),
            itemsSent: items.load(ordering: .relaxed), bytesSent: bytes.load(ordering: .relaxed),
            latencyMs: latency.withLock { LatencyJSON($0) },
            firstSeenMs: transport == .rss ? firstSeen.withLock { LatencyJSON($0) } : nil)
    }
}

/// One transport's figures in `/stats`.
struct TransportJSON: Encodable, Sendable {
    var transport: String
    var name: String
    var kind: String
    var open: Int
    var requests: Int
    var notModified: Int
    var itemsSent: Int
    var bytesSent: Int
    var latencyMs: LatencyJSON
    var firstSeenMs: LatencyJSON?
}

/// Percentiles of a latency histogram, in milliseconds.
struct LatencyJSON: Encodable, Sendable {
    var count: Int
    var p50: Double?
    var p90: Double?
    var p99: Double?
    var max: Double?
    var mean: Double?

    init(_ histogram: Histogram<UInt64>) {
        count = Int(histogram.totalCount)
        guard count > 0 else { return }
        func ms(_ micros: UInt64) -> Double { (Double(micros) / 10).rounded() / 100 }
        p50 = ms(histogram.valueAtPercentile(50))
        p90 = ms(histogram.valueAtPercentile(90))
        p99 = ms(histogram.valueAtPercentile(99))
        max = ms(histogram.max)
        mean = (histogram.mean / 10).rounded() / 100
    }
}
