/// The `/stats` figures in the Prometheus text format (version 0.0.4), for `/metrics`.
/// Latencies are summaries in seconds, with the 0.5, 0.9 and 0.99 quantiles.
struct MetricsText {
    private(set) var text = ""

    init(_ stats: StatsJSON) {
        family("pushcast_open_streams", "gauge", "Streams open now, by transport.")
        for t in stats.transports { sample("pushcast_open_streams", t.transport, [], t.open) }
        family("pushcast_requests_total", "counter", "Requests answered, by transport; nothing-new answers (304, 204) apart.")
        for t in stats.transports {
            sample("pushcast_requests_total", t.transport, [("answer", "ok")], t.requests)
            sample("pushcast_requests_total", t.transport, [("answer", "not_modified")], t.notModified)
        }
        family("pushcast_items_sent_total", "counter", "Items written (for RSS: items in 200 answers).")
        for t in stats.transports { sample("pushcast_items_sent_total", t.transport, [], t.itemsSent) }
        family("pushcast_bytes_sent_total", "counter", "Body bytes written.")
        for t in stats.transports { sample("pushcast_bytes_sent_total", t.transport, [], t.bytesSent) }
        family("pushcast_delivery_latency_seconds", "summary", "From the hub's publication to the write, live items only.")
        for t in stats.transports { summary("pushcast_delivery_latency_seconds", t.transport, t.latencyMs) }
        family("pushcast_rss_first_seen_seconds", "summary", "From an item's logging to the first RSS answer that held it.")
        for t in stats.transports { if let firstSeen = t.firstSeenMs { summary("pushcast_rss_first_seen_seconds", nil, firstSeen) } }
        gauge("pushcast_connections", "HTTP connections open now.", stats.connections)
        counter("pushcast_connections_accepted_total", "HTTP connections accepted.", stats.connectionsAccepted)
        gauge("pushcast_queued_events", "Events waiting in stream queues now.", stats.hub.queuedEvents)
        counter("pushcast_coalesced_changes_total", "Changes folded into one already queued for a live page or badge.", stats.hub.coalesced)
        counter("pushcast_overflowed_streams_total", "Item streams whose queue filled: told to resume, and ended.", stats.hub.overflowed)
        counter("pushcast_cut_off_streams_total", "Readers cut off after a write stuck past --write-timeout.", stats.hub.cutOff)
        gauge("pushcast_uptime_seconds", "Seconds since the server started.", Int(stats.uptimeSeconds))
    }

    private mutating func family(_ name: String, _ type: String, _ help: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    private mutating func gauge(_ name: String, _ help: String, _ value: Int) {
        family(name, "gauge", help)
        text += "\(name) \(value)\n"
    }

    private mutating func counter(_ name: String, _ help: String, _ value: Int) {
        family(name, "counter", help)
        text += "\(name) \(value)\n"
    }

    private mutating func sample(
        _ name: String, _ transport: String?, _ labels: [(String, String)], _ value: some CustomStringConvertible
    ) {
        let all = (transport.map { [("transport", $0)] } ?? []) + labels
        let rendered = all.isEmpty ? "" : "{" + all.map { "\($0.0)=\"\($0.1)\"" }.joined(separator: ",") + "}"
        text += "\(name)\(rendered) \(value)\n"
    }

    private mutating func summary(_ name: String, _ transport: String?, _ latency: LatencyJSON) {
        for (quantile, value) in [("0.5", latency.p50), ("0.9", latency.p90), ("0.99", latency.p99)] {
            // An empty summary's quantiles are NaN, as Prometheus writes them.
            sample(name, transport, [("quantile", quantile)], value.map { String($0 / 1000) } ?? "NaN")
        }
        sample(name + "_sum", transport, [], (latency.mean ?? 0) * Double(latency.count) / 1000)
        sample(name + "_count", transport, [], latency.count)
    }
}
