import Foundation
import Histogram
import NIOCore
import Pushcast
import Synchronization

/// What one transport has done since the server started: streams open, requests answered
/// (a fresh answer apart from "nothing new": 304 for RSS, 204 for long poll), items and
/// bytes sent, and how long after its publication each live item was written. Items, bytes
/// and delays are counted in shards, one per event loop that streams write on
/// (`shard(for:)`), so that loops fanning an item out at once never write to the same
/// memory; `/stats` adds the shards up.
final class TransportMeter: Sendable {
    let transport: Transport
    let open = Atomic<Int>(0)
    let answered = Atomic<Int>(0)
    let unchanged = Atomic<Int>(0)
    /// For everything not written on a stream's own event loop.
    private let shared = Shard()
    private let shards = Mutex<[ObjectIdentifier: Shard]>([:])
    /// RSS only: an item's logging → the first poll that returned it, in microseconds.
    private let firstSeen = Mutex(TransportMeter.histogram())

    /// Items and bytes written, and publish → write delays in microseconds.
    final class Shard: Sendable {
        let items = Atomic<Int>(0)
        let bytes = Atomic<Int>(0)
        let latency = Mutex(TransportMeter.histogram())

        /// One item written; a live one (published by the hub, not replayed) has its latency recorded.
        func delivered(published: ContinuousClock.Instant?, count: Int = 1) {
            items.wrappingAdd(count, ordering: .relaxed)
            guard let published else { return }
            let elapsed = ContinuousClock.now - published
            let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
            latency.withLock { _ = $0.record(UInt64(max(micros, 0))) }
        }

        func sent(_ count: Int) {
            bytes.wrappingAdd(count, ordering: .relaxed)
        }
    }

    init(_ transport: Transport) {
        self.transport = transport
    }

    fileprivate static func histogram() -> Histogram<UInt64> {
        Histogram(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    /// The shard for streams writing on `loop`.
    func shard(for loop: any EventLoop) -> Shard {
        shards.withLock { shards in
            if let shard = shards[ObjectIdentifier(loop)] { return shard }
            let shard = Shard()
            shards[ObjectIdentifier(loop)] = shard
            return shard
        }
    }

    func delivered(published: ContinuousClock.Instant?, count: Int = 1) {
        shared.delivered(published: published, count: count)
    }

    func firstSeen(after seconds: Double) {
        firstSeen.withLock { _ = $0.record(UInt64(max(seconds, 0) * 1_000_000)) }
    }

    func sent(_ count: Int) {
        shared.sent(count)
    }

    var snapshot: TransportJSON {
        let all = shards.withLock { Array($0.values) } + [shared]
        var latency = Self.histogram()
        for shard in all { shard.latency.withLock { latency.add($0) } }
        return TransportJSON(
            transport: transport.rawValue, name: transport.name, kind: transport.kind, open: open.load(ordering: .relaxed),
            requests: answered.load(ordering: .relaxed), notModified: unchanged.load(ordering: .relaxed),
            itemsSent: all.reduce(0) { $0 + $1.items.load(ordering: .relaxed) },
            bytesSent: all.reduce(0) { $0 + $1.bytes.load(ordering: .relaxed) }, latencyMs: LatencyJSON(latency),
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
