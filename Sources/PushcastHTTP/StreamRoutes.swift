import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Pushcast
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// Push (SPEC §3, §3.1): the multipart item stream, Server-Sent Events and long poll, all
/// from the same log and the same rendered bytes; and the publisher's ping.
struct StreamRoutes: Sendable {
    let engine: Engine
    let links: PublicURL
    let publishToken: String?
    let stats: ServerStats
    /// How item streams without `since` open, per channel: multipart, and Server-Sent Events.
    private let openings: (multipart: VersionedCache<ChannelStream.Opening>, events: VersionedCache<ChannelStream.Opening>)

    init(engine: Engine, links: PublicURL, publishToken: String?, stats: ServerStats) {
        self.engine = engine
        self.links = links
        self.publishToken = publishToken
        self.stats = stats
        openings = (VersionedCache(hub: engine.hub), VersionedCache(hub: engine.hub))
    }

    static let longestPoll = 120
    static let defaultPoll = 30

    func register(in routes: RouteTable<PushcastRequestContext>) {
        routes.add("/channels/{id}/stream", [.get: { request, context in try await stream(request, context, sse: false) }])
        routes.add("/channels/{id}/events", [.get: { request, context in try await stream(request, context, sse: true) }])
        routes.add("/channels/{id}/poll", [.get: { request, context in try await poll(request, context) }])
        routes.add("/channels/{id}/refresh", [.post: { request, context in try await refresh(request, context) }])
    }

    /// Checks a request for `/channels/<id>/stream` (or `/events` when `sse`), however it is
    /// served: the errors a stream is refused with are the same both ways.
    func itemStream(_ request: Request, id: String, sse: Bool) async throws -> StreamOpening {
        guard await engine.catalog.entry(id) != nil else { throw APIError.unknownChannel(id) }
        let framing: StreamFraming
        if sse {
            framing = .events
        } else {
            let query = request.uri.queryParameters["format"].map(String.init)
            guard let format = WireFormat.choose(query: query, accept: request.headers[.accept]) else {
                throw APIError(.badRequest, "bad-format", "format must be json, text or html, not '\(query ?? "")'")
            }
            framing = .multipart(format, boundary: StreamDelimiters.makeBoundary())
        }
        let since = try Self.resumePoint(request)
        try checkCapacity()
        let meter = stats[sse ? .events : .stream]
        meter.answered.wrappingAdd(1, ordering: .relaxed)
        let openings = sse ? self.openings.events : self.openings.multipart
        let (engine, links) = (self.engine, self.links)
        return StreamOpening(delimiters: framing.delimiters) { output in
            guard let sink = engine.hub.register([id], eventLoop: output.eventLoop) else { return nil }
            return ChannelStream(
                engine: engine, links: links, channel: id, since: since, framing: framing, sink: sink, meter: meter,
                openings: openings, output: output)
        }
    }

    /// The head fields of every push stream.
    static func streamHeaders(_ delimiters: StreamDelimiters) -> HTTPFields {
        [.contentType: delimiters.contentType, .cacheControl: "no-store", HTTPField.Name("X-Accel-Buffering")!: "no"]
    }

    /// An item stream asked for on a connection Hummingbird serves (`DirectStreamHandler`
    /// takes those that open their connection).
    private func stream(_ request: Request, _ context: PushcastRequestContext, sse: Bool) async throws -> Response {
        try await itemStream(request, id: try context.parameters.require("id"), sse: sse).response(on: context.channel)
    }

    private func poll(_ request: Request, _ context: PushcastRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard await engine.catalog.entry(id) != nil else { throw APIError.unknownChannel(id) }
        let since = Int64(try QueryValue.integer(request, "since", default: 0, in: 0...Int.max))
        let timeout = try QueryValue.integer(request, "timeout", default: Self.defaultPoll, in: 0...Self.longestPoll)
        try checkCapacity()
        guard let sink = engine.hub.register([id], quiet: Double(timeout)) else { throw Self.busy }
        let meter = stats[.poll]
        meter.open.wrappingAdd(1, ordering: .relaxed)
        defer {
            meter.open.wrappingSubtract(1, ordering: .relaxed)
            engine.hub.unregister(sink)
        }
        var published: ContinuousClock.Instant?
        var entries = try await engine.store.entries(channel: id, after: since, limit: ChannelRoutes.defaultPage)
        if entries.isEmpty, timeout > 0 {
            let event = await withGracefulShutdownHandler {
                var event = await sink.next()
                while case .changed = event { event = await sink.next() }
                return event
            } onGracefulShutdown: {
                sink.offer(.shutdown)
            }
            if case .entry(let entry) = event {
                published = entry.published
                entries = try await engine.store.entries(channel: id, after: since, limit: ChannelRoutes.defaultPage)
            }
        }
        guard !entries.isEmpty else {
            meter.unchanged.wrappingAdd(1, ordering: .relaxed)
            return Response(status: .noContent, headers: [.cacheControl: "no-store"])
        }
        let renderer = engine.hub.renderer
        var body = ByteBuffer(string: "{\"items\":[")
        for (index, entry) in entries.enumerated() {
            if index > 0 { body.writeString(",") }
            var json = renderer.render(entry).json
            body.writeBuffer(&json)
        }
        let lastSeq = try await engine.store.channel(id)?.lastSeq ?? 0
        body.writeString("],\"lastSeq\":\(lastSeq)}")
        meter.answered.wrappingAdd(1, ordering: .relaxed)
        meter.sent(body.readableBytes)
        meter.delivered(published: published, count: 1)
        if entries.count > 1 { meter.delivered(published: nil, count: entries.count - 1) }
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: body))
    }

    private func refresh(_ request: Request, _ context: PushcastRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let token = publishToken else {
            throw APIError(.forbidden, "refresh-disabled", "refresh is off: start the server with --publish-token")
        }
        guard let given = BearerToken.from(request), BearerToken.matches(given, token) else {
            throw APIError(
                .unauthorized, "bad-token", "send the publisher token as 'Authorization: Bearer …'",
                headers: [.wwwAuthenticate: "Bearer"])
        }
        guard await engine.catalog.entry(id) != nil else { throw APIError.unknownChannel(id) }
        guard await engine.requestCheck(id) else {
            throw APIError(.conflict, "not-live", "channel '\(id)' is retired or has never loaded")
        }
        return try JSONResponse.make(["channel": id, "status": "checking"], status: .accepted)
    }

    /// Cuts off a reader stalled past the write timeout: an abortive close (RST), so the
    /// kernel drops what is buffered for it at once, instead of holding it behind a FIN
    /// the reader will never read up to.
    static func reset(_ connection: any Channel) {
        guard let socket = connection as? any SocketOptionProvider else { return connection.close(promise: nil) }
        socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in connection.close(promise: nil) }
    }

    private func checkCapacity() throws {
        guard engine.hub.openStreams < engine.hub.configuration.maxStreams else { throw Self.busy }
    }

    static let busy = APIError(
        .serviceUnavailable, "too-many-streams", "the server holds as many streams as it may; retry shortly",
        headers: [.retryAfter: "5"])

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

/// `Authorization: Bearer <token>` (or `?token=` where a browser cannot send headers).
enum BearerToken {
    static func from(_ request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
            return String(parts[1]).trimmingCharacters(in: .whitespaces)
        }
        return request.uri.queryParameters["token"].map(String.init)
    }

    /// Compares in time that does not depend on where the strings differ.
    static func matches(_ given: String, _ expected: String) -> Bool {
        SubscriberCredentials.matches(given, hash: SubscriberCredentials.hash(expected))
    }
}
