import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Prometheus
import Pushcast

/// Where and how `pushcast serve` listens.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The base URL links are made with; by default the address bound.
    public var publicURL: String?
    /// The token `POST /channels/<id>/refresh` asks for; refresh is off without one.
    public var publishToken: String?
    /// How many of a channel's newest items a new subscription starts with.
    public var initialItems: Int
    /// Seconds of silence after which a live page or badge is sent again.
    public var liveHeartbeat: Double
    /// Where the process bootstrapped swift-metrics to, for `/metrics`.
    public var metrics: PrometheusCollectorRegistry?
    /// Seconds a connection may sit without a request, or take to send one's headers
    /// (slowloris); a response being written, a stream included, is never cut by it.
    public var idleTimeout: Double
    /// Who may create subscribers, and how many a minute one client address may create (0: no limit).
    public var registration: RegistrationMode
    public var registrationRate: Int

    public init(
        host: String, port: Int, publicURL: String?, publishToken: String? = nil, initialItems: Int = 10,
        liveHeartbeat: Double = 60, metrics: PrometheusCollectorRegistry? = nil, idleTimeout: Double = 30,
        registration: RegistrationMode = .open, registrationRate: Int = 10
    ) {
        self.registration = registration
        self.registrationRate = registrationRate
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.publishToken = publishToken
        self.initialItems = initialItems
        self.liveHeartbeat = liveHeartbeat
        self.metrics = metrics
        self.idleTimeout = idleTimeout
    }

    /// Request heads larger than these are refused before any handler runs (SPEC §3: bad
    /// input is never a 5xx).
    static let decoderLimits = HTTP1Channel.Configuration.DecoderConfiguration(
        maxHeaderFieldSize: 16 << 10, maxHeaderListSize: 64 << 10, maxHeaderFieldCount: 100)
}

/// The HTTP side of Pushcast (SPEC §3) on Hummingbird, with the engine as one of its
/// services, so that SIGINT and SIGTERM stop both. Push streams are answered by the stream
/// path on SwiftNIO (`StreamRequestHandler`), on any connection; a connection that opens
/// with one never meets Hummingbird at all (`ConnectionRouter`).
public enum PushcastServer {
    /// The application; `onReady` is told the base URL once the server listens and the
    /// engine watches the channels folder.
    public static func application(
        engine: Engine, configuration: ServerConfiguration, logger: Logger,
        onReady: @escaping @Sendable (String) -> Void
    ) -> some ApplicationProtocol {
        let idleTimeout = TimeAmount.milliseconds(Int64(configuration.idleTimeout * 1000))
        let links = PublicURL(configured: configuration.publicURL, host: configuration.host, port: configuration.port)
        engine.hub.setPublicURL(links.value)
        let router = Router(context: PushcastRequestContext.self)
        router.add(middleware: JSONErrorMiddleware())
        let routes = RouteTable(router: router)
        let stats = ServerStats()
        let views = LiveViews(engine: engine, links: links)
        let streams = PushStreams(
            admission: StreamAdmission(
                engine: engine, authentication: SubscriberAuthentication(store: engine.store), stats: stats,
                liveHeartbeat: configuration.liveHeartbeat, logger: logger),
            source: StreamSource(engine: engine, links: links, views: views),
            fanouts: LoopFanouts(hub: engine.hub, cursors: engine.cursors, liveHeartbeat: configuration.liveHeartbeat),
            hub: engine.hub, cursors: engine.cursors, stats: stats, logger: logger)
        for path in StreamPath.routes { routes.addStream(RouterPath(path)) }
        let pages = PageRoutes(engine: engine, views: views, liveHeartbeat: configuration.liveHeartbeat)
        pages.register(in: routes)
        ChannelRoutes(engine: engine, links: links, pages: pages, publishToken: configuration.publishToken).register(in: routes)
        PollRoute(engine: engine, stats: stats).register(in: routes)
        SubscriberRoutes(
            engine: engine, initialItems: configuration.initialItems, views: views, liveHeartbeat: configuration.liveHeartbeat,
            registration: RegistrationPolicy(mode: configuration.registration, perMinute: configuration.registrationRate)
        ).register(in: routes)
        FeedRoutes(engine: engine, links: links, stats: stats).register(in: routes)
        StatsRoutes(engine: engine, stats: stats, fanouts: streams.fanouts, registry: configuration.metrics).register(in: routes)
        routes.add("/healthz", [.get: { _, _ in
            guard await engine.store.isReachable() else {
                throw APIError(.serviceUnavailable, "store-unreachable", "the database does not answer")
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }])
        let application = Application(
            router: router,
            server: HTTPServerBuilder { responder in
                ConnectionRouter(
                    http1: HTTP1Channel(
                        responder: responder,
                        configuration: .init(
                            additionalChannelHandlers: [StreamRequestHandler(streams: streams, behindHummingbird: true)],
                            idleTimeout: idleTimeout, httpDecoderConfiguration: ServerConfiguration.decoderLimits)),
                    streams: streams, stats: stats, headTimeout: idleTimeout)
            },
            // A deep accept queue: thousands of readers reconnecting at once (a restart) are
            // accepted, not left to retry their SYNs a second later. The kernel makes it the
            // smaller of this and `net.core.somaxconn` (4,096 by default; docs/DEPLOYING.md).
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "Pushcast",
                backlog: 65_535),
            services: [engine],
            onServerRunning: { channel in
                links.bound(host: configuration.host, port: channel.localAddress?.port ?? configuration.port)
                engine.hub.setPublicURL(links.value)
                // Not awaited here: the server's graceful shutdown waits for this closure, and the
                // engine hears of shutdown only after the server (a database that never answers
                // would hold both). The task ends when the engine is ready or stops.
                Task { if await engine.waitUntilReady() { onReady(links.value) } }
            },
            logger: logger)
        // A publication wakes every loop; woken, a loop does not take the core of the thread
        // that woke it (`BatchScheduling`).
        BatchScheduling.adopt(on: application.eventLoopGroup)
        return application
    }
}
