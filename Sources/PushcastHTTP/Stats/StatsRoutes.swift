import Foundation
import Hummingbird
import Prometheus
import Pushcast

/// `GET /stats` (JSON), `/stats.html` (push and pull side by side) and `/metrics`
/// (Prometheus text: the same figures, then what the engine records through swift-metrics:
/// checks run and failed per channel, items logged, store write times).
struct StatsRoutes: Sendable {
    let engine: Engine
    let stats: ServerStats
    /// The streams' queues, counted for `queuedEvents`.
    let fanouts: LoopFanouts
    /// Where the engine's swift-metrics go, when the process bootstrapped them to Prometheus.
    let registry: PrometheusCollectorRegistry?

    func register(in routes: RouteTable<PushcastRequestContext>) {
        routes.add("/stats", [.get: { _, _ in try JSONResponse.make(try await snapshot()) }])
        routes.add(
            "/stats.html", [.get: { _, _ in PageResponse.html(StatsPageHTML.render(try await snapshot()), policy: PageHTML.staticPolicy) }])
        routes.add("/metrics", [.get: { _, _ in try await metrics() }])
    }

    func snapshot() async throws -> StatsJSON {
        let queued = try await fanouts.queuedEvents()
        let counters = engine.hub.counters
        return StatsJSON(
            startedAt: HTTPDate.rfc3339(stats.started.timeIntervalSince1970),
            uptimeSeconds: (Date().timeIntervalSince(stats.started) * 10).rounded() / 10,
            connections: stats.connections.load(ordering: .relaxed),
            connectionsAccepted: stats.connectionsAccepted.load(ordering: .relaxed),
            transports: Transport.allCases.map { stats[$0].snapshot },
            hub: .init(
                openStreams: engine.hub.openStreams, queuedEvents: queued,
                coalesced: counters.coalesced.load(ordering: .relaxed), overflowed: counters.overflowed.load(ordering: .relaxed),
                cutOff: counters.cutOff.load(ordering: .relaxed)))
    }

    private func metrics() async throws -> Response {
        var buffer = Array(MetricsText(try await snapshot()).text.utf8)
        registry?.emit(into: &buffer)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
    }
}
