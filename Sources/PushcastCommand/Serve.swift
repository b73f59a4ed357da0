import ArgumentParser
import CDF
import Foundation
import Logging
import Metrics
import NIOCore
import Prometheus
import Pushcast
import PushcastHTTP

/// `pushcast serve`: watches the channels folder, logs what changes, serves it over HTTP.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the push server.",
        discussion: """
            Every option can also be set with an environment variable: PUSHCAST_ and the \
            option's name in capitals with _ for -, e.g. PUSHCAST_PORT=9090. A flag on the \
            command line wins. Stop it with Ctrl-C or SIGTERM.
            """)

    @Option(help: "The folder of channel manifests and their content.")
    var channels = EnvironmentDefault.string("PUSHCAST_CHANNELS", "channels")

    @Option(help: "The SQLite database (created with its folder), or a postgres://user@host:port/database URL.")
    var db = EnvironmentDefault.string("PUSHCAST_DB", ".pushcast/pushcast.sqlite")

    @Flag(help: "Neither watch --channels nor check channels: other nodes on the same PostgreSQL do (docs/CLUSTER.md).")
    var serveOnly = EnvironmentDefault.flag("PUSHCAST_SERVE_ONLY")

    @Option(help: "The address to listen on.")
    var host = EnvironmentDefault.string("PUSHCAST_HOST", "127.0.0.1")

    @Option(help: "The port to listen on (0: any free port).")
    var port = EnvironmentDefault.number("PUSHCAST_PORT", 8080)

    @Option(help: "The base URL for links in responses (default: the address listened on).")
    var publicURL: String?

    @Option(help: "Seconds between checks of a channel without a SCHEDULE.")
    var checkInterval = EnvironmentDefault.number("PUSHCAST_CHECK_INTERVAL", 900.0)

    @Option(help: "The largest manifest accepted, in bytes.")
    var maxManifestBytes = EnvironmentDefault.number("PUSHCAST_MAX_MANIFEST_BYTES", ParseLimits().maxBytes)

    @Option(help: "Item content up to this size, in bytes, is kept in the log.")
    var maxStoredContent = EnvironmentDefault.number("PUSHCAST_MAX_STORED_CONTENT", ContentLimits().storedBytes)

    @Option(help: "Seconds a remote content fetch may take.")
    var fetchTimeout = EnvironmentDefault.number("PUSHCAST_FETCH_TIMEOUT", ContentLimits().fetchTimeout)

    @Option(help: "The log keeps at least this many items per channel …")
    var retainItems = EnvironmentDefault.number("PUSHCAST_RETAIN_ITEMS", 1000)

    @Option(help: "… or this many days of them, whichever keeps more.")
    var retainDays = EnvironmentDefault.number("PUSHCAST_RETAIN_DAYS", 30.0)

    @Option(help: "Seconds of silence before a stream gets a heartbeat part.")
    var heartbeat = EnvironmentDefault.number("PUSHCAST_HEARTBEAT", HubConfiguration().heartbeat)

    @Option(help: "Seconds of silence after which a live page or badge is sent again.")
    var liveHeartbeat = EnvironmentDefault.number("PUSHCAST_LIVE_HEARTBEAT", 60.0)

    @Option(help: "Seconds a connection may be idle, or take to send a request's headers.")
    var idleTimeout = EnvironmentDefault.number("PUSHCAST_IDLE_TIMEOUT", 30.0)

    @Option(help: "Seconds a write to a stream may be stuck before its reader is cut off.")
    var writeTimeout = EnvironmentDefault.number("PUSHCAST_WRITE_TIMEOUT", HubConfiguration().writeTimeout)

    @Option(help: "Open streams at most; past it, 503 with Retry-After.")
    var maxStreams = EnvironmentDefault.number("PUSHCAST_MAX_STREAMS", HubConfiguration().maxStreams)

    @Option(help: "Precached content up to this size, in bytes, goes inline in stream parts.")
    var inlineContent = EnvironmentDefault.number("PUSHCAST_INLINE_CONTENT", HubConfiguration().inlineContentBytes)

    @Option(help: "How many of a channel's newest items a new subscription starts with.")
    var initialItems = EnvironmentDefault.number("PUSHCAST_INITIAL_ITEMS", 10)

    @Option(help: "The token POST /channels/<id>/refresh asks for (refresh is off without one).")
    var publishToken: String?

    @Option(help: "Who may create subscribers: open, token (with --registration-token) or closed.")
    var registration = EnvironmentDefault.string("PUSHCAST_REGISTRATION", "open")

    @Option(help: "The token new subscribers must send when --registration is token.")
    var registrationToken: String?

    @Option(help: "New subscribers a minute from one client address, at most (0: no limit).")
    var registrationRate = EnvironmentDefault.number("PUSHCAST_REGISTRATION_RATE", 10)

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = EnvironmentDefault.string("PUSHCAST_LOG_LEVEL", "info")

    func validate() throws {
        let badIntegers = EnvironmentDefault.invalid(
            [
                "PUSHCAST_PORT", "PUSHCAST_MAX_MANIFEST_BYTES", "PUSHCAST_MAX_STORED_CONTENT", "PUSHCAST_RETAIN_ITEMS",
                "PUSHCAST_MAX_STREAMS", "PUSHCAST_INLINE_CONTENT", "PUSHCAST_INITIAL_ITEMS", "PUSHCAST_REGISTRATION_RATE",
            ], as: Int.self)
        let badNumbers = EnvironmentDefault.invalid(
            [
                "PUSHCAST_CHECK_INTERVAL", "PUSHCAST_FETCH_TIMEOUT", "PUSHCAST_RETAIN_DAYS", "PUSHCAST_HEARTBEAT",
                "PUSHCAST_LIVE_HEARTBEAT", "PUSHCAST_WRITE_TIMEOUT", "PUSHCAST_IDLE_TIMEOUT",
            ],
            as: Double.self)
        guard badIntegers.isEmpty, badNumbers.isEmpty else {
            throw ValidationError("Not a number: \((badIntegers + badNumbers).joined(separator: ", ")).")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535.") }
        guard checkInterval >= 1, fetchTimeout > 0, retainItems >= 0, retainDays >= 0, maxManifestBytes > 0,
            maxStoredContent >= 0, heartbeat > 0, liveHeartbeat > 0, idleTimeout > 0, writeTimeout > 0, maxStreams > 0, inlineContent >= 0, initialItems >= 0
        else { throw ValidationError("Intervals, timeouts and limits must be positive.") }
        guard !serveOnly || PostgresAddress.isPostgresURL(db) else {
            throw ValidationError(
                "--serve-only needs a database other nodes write to: give --db postgres://user@host:5432/database.")
        }
        guard registrationRate >= 0 else { throw ValidationError("--registration-rate must be 0 (no limit) or more.") }
        _ = try registrationMode()
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("Unknown --log-level '\(logLevel)'.") }
    }

    /// `--registration` with its token.
    func registrationMode() throws -> RegistrationMode {
        let token = registrationToken ?? EnvironmentDefault.optional("PUSHCAST_REGISTRATION_TOKEN")
        switch registration.lowercased() {
        case "open": return .open
        case "closed": return .closed
        case "token":
            guard let token, !token.isEmpty else {
                throw ValidationError("--registration token needs the token: --registration-token (or PUSHCAST_REGISTRATION_TOKEN).")
            }
            return .token(token)
        default:
            throw ValidationError("--registration must be open, token or closed, not '\(registration)'.")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "pushcast")
        do {
            try ListenCheck.check(host: host, port: port)
        } catch {
            throw StandardError.fail(saying: "\(error)")
        }
        let metrics = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics))
        let engine: Engine
        do {
            engine = try Engine(
                configuration: EngineConfiguration(
                    channelsPath: channels, databasePath: db, checkInterval: checkInterval,
                    parseLimits: ParseLimits(maxBytes: maxManifestBytes),
                    contentLimits: ContentLimits(storedBytes: maxStoredContent, fetchTimeout: fetchTimeout),
                    retainItems: retainItems, retainDays: retainDays,
                    hub: HubConfiguration(
                        heartbeat: heartbeat, writeTimeout: writeTimeout, maxStreams: maxStreams,
                        inlineContentBytes: inlineContent),
                    serveOnly: serveOnly),
                logger: logger)
        } catch let error as ChannelsDirectoryError {
            throw StandardError.fail(saying: "\(error): point --channels (or PUSHCAST_CHANNELS) at the folder of channel manifests.")
        } catch let error as PostgresAddress.Invalid {
            throw StandardError.fail(saying: "\(error.description) (--db or PUSHCAST_DB)")
        } catch {
            throw StandardError.fail(saying: 
                "the database \(db) cannot be opened or created (\(StoreFailure.reason(error))): check --db (or PUSHCAST_DB) and that this user may write there.")
        }
        let channels = self.channels
        let application = PushcastServer.application(
            engine: engine, configuration: ServerConfiguration(
                host: host, port: port, publicURL: publicURL ?? EnvironmentDefault.optional("PUSHCAST_PUBLIC_URL"),
                publishToken: publishToken ?? EnvironmentDefault.optional("PUSHCAST_PUBLISH_TOKEN"),
                initialItems: initialItems, liveHeartbeat: liveHeartbeat, metrics: metrics, idleTimeout: idleTimeout,
                registration: try registrationMode(), registrationRate: registrationRate),
            logger: logger,
            onReady: { url in
                FileHandle.standardOutput.write(Data("pushcast: serving \(channels)/ at \(url)\n".utf8))
            })
        do {
            try await application.runService()
        } catch let error as IOError {
            throw StandardError.fail(saying: ListenCheck.explain(error, host: host, port: port))
        } catch {
            throw StandardError.fail(saying: "the server stopped: \(FailureReason.words(error)).")
        }
    }
}
