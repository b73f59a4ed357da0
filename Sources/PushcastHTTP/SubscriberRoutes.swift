import Foundation
import Hummingbird
import NIOCore
import Pushcast

/// Subscribers and their subscriptions (SPEC §3 table, §4). Every call but creation needs
/// the subscriber's token (`Authorization: Bearer`, or `?token=` for a stream); a wrong or
/// missing token, or an unknown subscriber, is the same 401, which says nothing of whether
/// the subscriber exists.
struct SubscriberRoutes: Sendable {
    let engine: Engine
    let initialItems: Int
    let views: LiveViews
    /// Seconds of silence after which the subscriber's live page is sent again.
    let liveHeartbeat: Double
    let stats: ServerStats

    static let longestName = 100

    func register(in routes: RouteTable<PushcastRequestContext>) {
        routes.add("/subscribers", [.post: { request, context in try await create(request, context) }])
        routes.add("/subscribers/{sid}/subscriptions", [.get: { request, context in try await list(request, context) }])
        routes.add(
            "/subscribers/{sid}/subscriptions/{id}",
            [
                .put: { request, context in try await subscribe(request, context) },
                .delete: { request, context in try await unsubscribe(request, context) },
            ])
        routes.add("/subscribers/{sid}/stream", [.get: { request, context in try await stream(request, context) }])
        routes.add("/subscribers/{sid}/live", [.get: { request, context in try await live(request, context) }])
    }

    private struct NewSubscriber: Decodable {
        var name: String
    }

    private func create(_ request: Request, _ context: PushcastRequestContext) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: 4096)
        } catch let error as HTTPResponseError {
            throw error  // 413 past the limit
        } catch {
            throw APIError(.badRequest, "bad-body", "the request body could not be read (\(error))")
        }
        guard let decoded = try? JSONDecoder().decode(NewSubscriber.self, from: Data(buffer: body)) else {
            throw APIError(.badRequest, "bad-body", "send JSON: {\"name\": \"…\"}")
        }
        let name = decoded.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...Self.longestName).contains(name.count) else {
            throw APIError(.badRequest, "bad-name", "a name is 1 to \(Self.longestName) characters")
        }
        let id = SubscriberCredentials.newID()
        let token = SubscriberCredentials.newToken()
        try await engine.store.createSubscriber(id: id, name: name, tokenHash: SubscriberCredentials.hash(token))
        var response = try JSONResponse.make(["id": id, "token": token], status: .created)
        response.headers[.location] = "/subscribers/\(id)"
        response.headers[.cacheControl] = "no-store"
        return response
    }

    private func list(_ request: Request, _ context: PushcastRequestContext) async throws -> Response {
        let subscriber = try await authenticate(request, context)
        var entries: [SubscriptionJSON] = []
        for record in try await engine.store.subscriptions(of: subscriber.id) {
            let channel = try await engine.store.channel(record.channel)
            entries.append(
                SubscriptionJSON(
                    channel: record.channel, cursor: record.cursor, lastSeq: channel?.lastSeq ?? 0,
                    status: channel?.status.rawValue ?? "retired"))
        }
        return try JSONResponse.make(["subscriptions": entries])
    }

    private func subscribe(_ request: Request, _ context: PushcastRequestContext) async throws -> Response {
        let subscriber = try await authenticate(request, context)
        let id = try context.parameters.require("id")
        guard let entry = await engine.catalog.entry(id), entry.status != .retired, entry.channel != nil else {
            throw APIError.unknownChannel(id)
        }
        let (record, created) = try await engine.store.subscribe(subscriber.id, to: id, initialItems: initialItems)
        let lastSeq = try await engine.store.channel(id)?.lastSeq ?? 0
        return try JSONResponse.make(
            SubscriptionJSON(channel: id, cursor: record.cursor, lastSeq: lastSeq, status: entry.status.rawValue),
            status: created ? .created : .ok)
    }

    private func unsubscribe(_ request: Request, _ context: PushcastRequestContext) async throws -> Response {
        let subscriber = try await authenticate(request, context)
        let id = try context.parameters.require("id")
        guard try await engine.store.unsubscribe(subscriber.id, from: id) else {
            throw APIError(.notFound, "not-subscribed", "not subscribed to '\(id)'")
        }
        return Response(status: .noContent)
    }

    private func stream(_ request: Request, _ context: PushcastRequestContext) async throws -> Response {
        try await subscriberStream(request, sid: try context.parameters.require("sid")).response(on: context.channel)
    }

    /// Checks a request for `/subscribers/<sid>/stream`, however it is served (see
    /// `StreamRoutes.itemStream`).
    func subscriberStream(_ request: Request, sid: String) async throws -> StreamOpening {
        let subscriber = try await authenticate(request, sid: sid)
        let cursors = Dictionary(
            uniqueKeysWithValues: try await engine.store.subscriptions(of: subscriber.id).map { ($0.channel, $0.cursor) })
        let query = request.uri.queryParameters["format"].map(String.init)
        guard let format = WireFormat.choose(query: query, accept: request.headers[.accept]) else {
            throw APIError(.badRequest, "bad-format", "format must be json, text or html, not '\(query ?? "")'")
        }
        guard engine.hub.openStreams < engine.hub.configuration.maxStreams else { throw StreamRoutes.busy }
        let framing = StreamFraming.multipart(format, boundary: StreamDelimiters.makeBoundary())
        let once = ["1", "true", "yes"].contains(request.uri.queryParameters["once"].map { $0.lowercased() } ?? "")
        let meter = stats[.stream]
        meter.answered.wrappingAdd(1, ordering: .relaxed)
        let engine = self.engine
        return StreamOpening(delimiters: framing.delimiters) { output in
            guard let sink = engine.hub.register(Set(cursors.keys), eventLoop: output.eventLoop) else { return nil }
            return SubscriberStream(
                engine: engine, subscriber: subscriber.id, cursors: cursors, once: once, framing: framing, sink: sink,
                meter: meter, output: output)
        }
    }

    /// The subscriber's own page of all their channels: to a browser's navigation the page,
    /// whose script asks the same URL for `multipart/x-mixed-replace`, which is the stream of
    /// that page. It shows the channels' newest items; it does not move the cursors.
    private func live(_ request: Request, _ context: PushcastRequestContext) async throws -> Response {
        let subscriber = try await authenticate(request, context)
        let channels = try await engine.store.subscriptions(of: subscriber.id).map(\.channel).sorted()
        let views = self.views
        let name = subscriber.name
        let sections: @Sendable () async -> [String] = {
            var sections: [String] = []
            for channel in channels {
                if let section = await views.current(channel)?.section { sections.append(section) }
            }
            return sections
        }
        guard (request.headers[.accept] ?? "").lowercased().contains("multipart/x-mixed-replace") else {
            return PageResponse.html(
                SubscriberPageHTML.page(name: name, sections: await sections(), liveHeartbeat: liveHeartbeat),
                policy: PageHTML.scriptedPolicy)
        }
        guard engine.hub.openStreams < engine.hub.configuration.maxStreams else { throw StreamRoutes.busy }
        let delimiters = StreamDelimiters.multipart(boundary: StreamDelimiters.makeBoundary())
        return StreamResponse.make(
            engine: engine, channels: Set(channels), delimiters: delimiters, headers: PageResponse.headers(policy: PageHTML.staticPolicy),
            quiet: liveHeartbeat, coalescing: true, meter: stats[.live], connection: context.channel
        ) { [stats] writer, sink in
            try await LiveStreamer(delimiters: delimiters, sink: sink, meter: stats[.live], first: nil) {
                LiveStreamer.Frame(
                    part: LiveViews.part(LiveViews.pageHeader, SubscriberPageHTML.livePart(name: name, sections: await sections())))
            }.run(&writer)
        }
    }

    private func authenticate(_ request: Request, _ context: PushcastRequestContext) async throws -> SubscriberRecord {
        try await authenticate(request, sid: try context.parameters.require("sid"))
    }

    private func authenticate(_ request: Request, sid: String) async throws -> SubscriberRecord {
        let denied = APIError(
            .unauthorized, "bad-token", "this needs the subscriber's token: 'Authorization: Bearer …'",
            headers: [.wwwAuthenticate: "Bearer"])
        guard let token = BearerToken.from(request) else { throw denied }
        guard SubscriberCredentials.isWellFormedID(sid), let subscriber = try await engine.store.subscriber(sid),
            SubscriberCredentials.matches(token, hash: subscriber.tokenHash)
        else {
            // Spend the same work whether or not the subscriber exists.
            _ = SubscriberCredentials.matches(token, hash: String(repeating: "0", count: 64))
            throw denied
        }
        return subscriber
    }
}

/// A subscription as the API shows it.
struct SubscriptionJSON: Encodable, Sendable {
    var channel: String
    var cursor: Int64
    var lastSeq: Int64
    var status: String
}
