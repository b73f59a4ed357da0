import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Pushcast

/// The one admission step of every push stream (DESIGN.md "One stream path"), however the
/// connection asked for it: it checks the request, takes a place among `--max-streams`, and
/// so decides the status before any head is written: 200 with the stream, 503 with
/// `Retry-After` when full, 4xx for bad input, each with the same JSON error body as every
/// other route. A failure of the server's own is a 500 and is logged.
struct StreamAdmission: Sendable {
    enum Decision: Sendable {
        /// Serve the stream; a place is taken (`Hub.reserveStream`), given back when it ends.
        case serve(StreamSpec)
        /// A HEAD request: the head the stream would have, and no stream.
        case head(HTTPFields)
        case refuse(APIError)
    }

    let engine: Engine
    let authentication: SubscriberAuthentication
    let stats: ServerStats
    /// Seconds of silence after which a live page or badge is sent again (`--live-heartbeat`).
    let liveHeartbeat: Double
    let logger: Logger
    /// The boundaries every stream of a channel and kind shares.
    let boundaries = Boundaries()
    /// How many admissions read the store at once: more would only queue at its readers
    /// (SQLite's pool has five), each holding its task's memory meanwhile.
    let gate = AsyncLimiter(limit: 32)

    static let busy = APIError(
        .serviceUnavailable, "too-many-streams", "the server holds as many streams as it may; retry shortly",
        headers: [.retryAfter: "5"])

    func decide(_ head: HTTPRequest) async -> Decision {
        await gate.acquire()
        defer { gate.release() }
        guard let path = StreamPath(head) else {
            return .refuse(APIError(.notFound, "not-found", "no such path: \(head.path ?? "")"))
        }
        let request = Request(head: head, body: .init(buffer: ByteBuffer()))
        let spec: StreamSpec
        do {
            spec = try await check(path, request)
        } catch let error as APIError {
            return .refuse(error)
        } catch {
            logger.failure("a stream could not be opened", error, metadata: ["path": "\(head.path ?? "")"])
            return .refuse(APIError(.internalServerError, "internal", "the server could not answer; see its log"))
        }
        if head.method == .head { return .head(spec.headers) }
        guard engine.hub.reserveStream() else { return .refuse(Self.busy) }
        stats[spec.transport].answered.wrappingAdd(1, ordering: .relaxed)
        return .serve(spec)
    }

    /// The request's checks, by kind: each throws the `APIError` its client gets.
    private func check(_ path: StreamPath, _ request: Request) async throws -> StreamSpec {
        let quiet = engine.hub.configuration.heartbeat
        switch path.kind {
        case .items, .events:
            try await knownChannel(path.id)
            let framing: StreamFraming
            if path.kind == .events {
                framing = .events
            } else {
                let format = try Self.format(request)
                framing = .multipart(format, boundary: boundaries.boundary(.init(scope: path.id, kind: format.rawValue)))
            }
            return StreamSpec(
                subject: .channelItems(channel: path.id, since: try Self.resumePoint(request), once: Self.once(request)),
                framing: framing,
                headers: Self.headers(framing), transport: path.kind == .events ? .events : .stream, quiet: quiet)
        case .page:
            try await knownChannel(path.id)
            let framing = StreamFraming.states(boundary: boundaries.boundary(.init(scope: path.id, kind: "page")))
            var headers = PageResponse.headers(policy: PageHTML.staticPolicy)
            headers.append(contentsOf: Self.headers(framing))
            return StreamSpec(
                subject: .channelPage(channel: path.id, since: try Self.resumePoint(request)), framing: framing,
                headers: headers, transport: .live, quiet: liveHeartbeat)
        case .badge:
            try await knownChannel(path.id)
            let framing = StreamFraming.states(
                boundary: boundaries.boundary(.init(scope: path.id, kind: "badge"), partHeader: LiveViews.badgeHeader))
            var headers = PageResponse.headers(policy: "default-src 'none'")
            headers.append(contentsOf: Self.headers(framing))
            headers[HTTPField.Name("Access-Control-Allow-Origin")!] = "*"
            headers[HTTPField.Name("Cross-Origin-Resource-Policy")!] = "cross-origin"
            return StreamSpec(
                subject: .badge(channel: path.id), framing: framing, headers: headers, transport: .badge, quiet: liveHeartbeat)
        case .subscriberItems:
            let subscriber = try await authentication.subscriber(request, sid: path.id)
            let cursors = Dictionary(
                uniqueKeysWithValues: try await engine.store.subscriptions(of: subscriber.id).map { ($0.channel, $0.cursor) })
            let format = try Self.format(request)
            let framing = StreamFraming.multipart(
                format, boundary: boundaries.boundary(.init(scope: Boundaries.subscribers, kind: format.rawValue)))
            return StreamSpec(
                subject: .subscriberItems(subscriber: subscriber.id, cursors: cursors, once: Self.once(request)), framing: framing,
                headers: Self.headers(framing), transport: .stream, quiet: quiet)
        case .subscriberPage:
            let subscriber = try await authentication.subscriber(request, sid: path.id)
            let channels = try await engine.store.subscriptions(of: subscriber.id).map(\.channel).sorted()
            let framing = StreamFraming.states(boundary: boundaries.boundary(.init(scope: Boundaries.subscribers, kind: "page")))
            var headers = PageResponse.headers(policy: PageHTML.staticPolicy)
            headers.append(contentsOf: Self.headers(framing))
            return StreamSpec(
                subject: .subscriberPage(subscriber: subscriber.id, name: subscriber.name, channels: channels), framing: framing,
                headers: headers, transport: .live, quiet: liveHeartbeat)
        }
    }

    private func knownChannel(_ id: String) async throws {
        guard await engine.catalog.entry(id) != nil else { throw APIError.unknownChannel(id) }
    }

    /// The head fields of every push stream.
    static func headers(_ framing: StreamFraming) -> HTTPFields {
        [
            .contentType: framing.delimiters.contentType, .cacheControl: "no-store",
            HTTPField.Name("X-Accel-Buffering")!: "no",
        ]
    }

    /// `?format=`, else `Accept` (SPEC §3.1).
    static func format(_ request: Request) throws -> WireFormat {
        let query = request.uri.queryParameters["format"].map(String.init)
        guard let format = WireFormat.choose(query: query, accept: request.headers[.accept]) else {
            throw APIError(.badRequest, "bad-format", "format must be json, text or html, not '\(query ?? "")'")
        }
        return format
    }

    /// `?once=1`: what is there already, then the end (no live items).
    static func once(_ request: Request) -> Bool {
        ["1", "true", "yes"].contains(request.uri.queryParameters["once"].map { $0.lowercased() } ?? "")
    }

    /// `?since=` or, failing that, `Last-Event-ID`.
    static func resumePoint(_ request: Request) throws -> Int64? {
        if request.uri.queryParameters["since"] != nil {
            return Int64(try QueryValue.integer(request, "since", default: 0, in: 0...Int.max))
        }
        guard let header = request.headers[HTTPField.Name("Last-Event-ID")!] else { return nil }
        guard let value = Int64(header.trimmingCharacters(in: .whitespaces)), value >= 0 else {
            throw APIError(.badRequest, "bad-last-event-id", "Last-Event-ID must be a sequence number, not '\(header.prefix(40))'")
        }
        return value
    }
}
