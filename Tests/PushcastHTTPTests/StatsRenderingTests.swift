import Foundation
import Histogram
import Testing

@testable import PushcastHTTP

/// `/metrics` text and `/stats.html` from known figures.
@Suite("Stats: Prometheus text and the page")
struct StatsRenderingTests {
    static func stats(rssDelays: [UInt64] = [400_000, 900_000]) -> StatsJSON {
        var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        for delay in rssDelays { _ = histogram.record(delay) }
        let empty = LatencyJSON(Histogram<UInt64>(highestTrackableValue: 1_000_000, numberOfSignificantValueDigits: .three))
        return StatsJSON(
            startedAt: "2026-11-24T10:00:00.000Z", uptimeSeconds: 12, connections: 3, connectionsAccepted: 9,
            transports: [
                TransportJSON(
                    transport: "stream", name: "Multipart item stream", kind: "push", open: 2, requests: 2, notModified: 0,
                    itemsSent: 10, bytesSent: 5000, latencyMs: empty, firstSeenMs: nil),
                TransportJSON(
                    transport: "rss", name: "RSS feed", kind: "pull", open: 0, requests: 7, notModified: 5, itemsSent: 70,
                    bytesSent: 70_000, latencyMs: empty, firstSeenMs: LatencyJSON(histogram)),
            ],
            hub: .init(openStreams: 2, queuedEvents: 1, coalesced: 4, overflowed: 0, cutOff: 1))
    }

    @Test func metricsAreWellFormedPrometheusText() {
        let text = MetricsText(Self.stats()).text
        #expect(text.contains("# TYPE pushcast_requests_total counter\n"))
        #expect(text.contains("pushcast_requests_total{transport=\"rss\",answer=\"not_modified\"} 5\n"))
        #expect(text.contains("pushcast_open_streams{transport=\"stream\"} 2\n"))
        #expect(text.contains("pushcast_delivery_latency_seconds{transport=\"stream\",quantile=\"0.5\"} NaN\n"))
        #expect(text.contains("pushcast_delivery_latency_seconds_count{transport=\"stream\"} 0\n"))
        #expect(text.contains("pushcast_rss_first_seen_seconds{quantile=\"0.99\"} 0.9"))
        #expect(text.contains("pushcast_rss_first_seen_seconds_count 2\n"))
        #expect(text.contains("pushcast_cut_off_streams_total 1\n"))
        // Each family declared once, before its samples.
        let types = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }
        #expect(Set(types).count == types.count)
    }

    @Test func latencyPercentilesInMilliseconds() {
        let latency = try! #require(Self.stats().transports.last?.firstSeenMs)
        #expect(latency.count == 2)
        #expect(abs((latency.p50 ?? 0) - 400) < 1 && abs((latency.max ?? 0) - 900) < 1)
        #expect(LatencyJSON(Histogram<UInt64>(highestTrackableValue: 10, numberOfSignificantValueDigits: .three)).p50 == nil)
    }

    @Test func pageShowsPushBesidePullWithoutScript() {
        let html = StatsPageHTML.render(Self.stats())
        #expect(html.contains("<h1>Push versus pull</h1>"))
        #expect(html.contains("<meta http-equiv=\"refresh\" content=\"5\">"))
        #expect(!html.contains("<script"))
        #expect(html.components(separatedBy: "<svg class=\"chart\"").count == 4)
        #expect(html.contains("RSS feed (first poll)") && html.contains("class=\"bar-pull\""))
        #expect(html.contains("no data yet"))
        #expect(!html.split(separator: "\n").contains { $0.hasPrefix("--") })
    }

    @Test func readableChartValues() {
        #expect(BarChartSVG.readable(0.304) == "0.30")
        #expect(BarChartSVG.readable(3.14) == "3.1")
        #expect(BarChartSVG.readable(1250) == "1,250")
    }
}
