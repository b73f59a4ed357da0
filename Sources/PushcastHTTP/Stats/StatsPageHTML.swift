/// `/stats.html`: push and pull side by side, as measured by the server: the delay from
/// publication to the reader, the bytes and requests each delivered item cost, and every
/// transport's counters; charts drawn as inline SVG. It reloads itself every 5 seconds.
enum StatsPageHTML {
    static func render(_ stats: StatsJSON) -> String {
        let push = stats.transports.filter { $0.kind == "push" }
        let rss = stats.transports.first { $0.transport == "rss" }
        var body = [
            ChannelPageHTML.bar(live: nil),
            "<main class=\"stats\">",
            "<h1>Push versus pull</h1>",
            "<p class=\"lede\">Measured by this server since \(PageHTML.escape(stats.startedAt)) "
                + "(\(Int(stats.uptimeSeconds)) s). This page reloads every 5 seconds; "
                + "<a href=\"/stats\">JSON</a>, <a href=\"/metrics\">Prometheus</a>.</p>",
            "<h2>Delay to the reader, median</h2>",
            "<p class=\"meta\">Push: from the hub's publication of an item to its write on a stream. "
                + "Pull: from an item's logging to the first RSS answer that held it.</p>",
            delayChart("Median delay", push: push, rss: rss, \.p50),
            "<h2>Delay to the reader, 99th percentile</h2>",
            delayChart("99th percentile delay", push: push, rss: rss, \.p99),
            "<h2>Bytes sent per item</h2>",
            "<p class=\"meta\">For RSS, every item of every 200 answer counts, old ones included: each poll that finds "
                + "something new sends the whole feed.</p>",
            BarChartSVG(
                title: "Bytes per item", unit: "B",
                bars: stats.transports.map {
                    .init(label: $0.name, value: perItem($0.bytesSent, $0), kind: $0.kind == "pull" ? "pull" : "push")
                },
                logarithmic: true
            ).render(),
            "<h2>Every transport</h2>",
            "<div class=\"table-wrap\"><table class=\"figures\">",
            "<thead><tr><th>transport</th><th>kind</th><th>open</th><th>answered</th><th>nothing new</th><th>items</th>"
                + "<th>bytes</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>max ms</th></tr></thead>",
            "<tbody>",
        ]
        for t in stats.transports {
            let latency = t.firstSeenMs ?? t.latencyMs
            body.append(
                "<tr class=\"row-\(t.kind == "pull" ? "pull" : "push")\"><th>\(PageHTML.escape(t.name))</th><td>\(t.kind)</td>"
                    + "<td>\(t.open)</td><td>\(t.requests)</td><td>\(t.notModified)</td><td>\(t.itemsSent)</td><td>\(t.bytesSent)</td>"
                    + [latency.p50, latency.p90, latency.p99, latency.max].map { "<td>\($0.map(BarChartSVG.readable) ?? "–")</td>" }
                    .joined() + "</tr>")
        }
        body.append("</tbody></table></div>")
        body.append(
            "<p class=\"meta\">For RSS the delays are to the first poll that returned an item; “nothing new” is a 304 "
                + "(a 204 for long poll). Slow readers: \(stats.hub.coalesced) changes coalesced, \(stats.hub.overflowed) streams "
                + "overflowed, \(stats.hub.cutOff) cut off; \(stats.hub.queuedEvents) events queued now; "
                + "\(stats.connections) connections open.</p>")
        body.append("</main>")
        return PageHTML.document(
            title: "Push versus pull", policy: PageHTML.staticPolicy, bodyClass: "stats-page", refresh: 5, body: body)
    }

    /// One percentile of the delay: each push transport's, then RSS's to the first poll.
    private static func delayChart(
        _ title: String, push: [TransportJSON], rss: TransportJSON?, _ percentile: KeyPath<LatencyJSON, Double?>
    ) -> String {
        BarChartSVG(
            title: title, unit: "ms",
            bars: push.map { .init(label: $0.name, value: $0.latencyMs[keyPath: percentile], kind: "push") }
                + [.init(label: "RSS feed (first poll)", value: rss?.firstSeenMs?[keyPath: percentile], kind: "pull")],
            logarithmic: true
        ).render()
    }

    private static func perItem(_ total: Int, _ transport: TransportJSON) -> Double? {
        transport.itemsSent > 0 ? Double(total) / Double(transport.itemsSent) : nil
    }
}
