import Foundation
import Hummingbird
import NIOCore
import Pushcast

/// Subscribers and their subscriptions (SPEC §3 table, §4), and a subscriber's own page.
/// Every call but creation needs the subscriber's token (`SubscriberAuthentication`). A
/// subscriber's stream is served by the stream path (`StreamAdmission`).
struct SubscriberRoutes: Sendable {
    let engine: Engine
    let initialItems: Int
    let views: LiveViews
    /// Seconds of silence after which the subscriber's live page is sent again.
    let liveHeartbeat: Double
    let registration: RegistrationPolicy

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
        routes.add("/subscribers/{sid}/live", [.get: { request, context in try await live(request, context) }])
    }

    private struct NewSubscriber: Decodable {
        var name: String
    }

    private func create(_ request: Request, _ context: PushcastRequestContext) async throws -> Response {
        try registration.admit(request, from: context.channel.remoteAddress?.ipAddress ?? "unknown")
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: 4096)
        } catch let error as HTTPResponseError {
            throw error  // 413 past the limit
        } catch {
            throw APIError(.badRequest, "bad-body", "the request body could not be read; send JSON: {\"name\": \"…\"}")
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

    /// The subscriber's own page of all their channels, to a browser's navigation; its
    /// script asks the same URL for `multipart/x-mixed-replace`, which is the stream of that
    /// page (`StreamPath`). It shows the channels' newest items; it does not move the cursors.
    private func live(_ request: Request, _ context: PushcastRequestContext) async throws -> Response {
        let subscriber = try await authenticate(request, context)
        var sections: [String] = []
        for channel in try await engine.store.subscriptions(of: subscriber.id).map(\.channel).sorted() {
            if let section = try await views.current(channel)?.section { sections.append(section) }
        }
        return PageResponse.html(
            SubscriberPageHTML.page(name: subscriber.name, sections: sections, liveHeartbeat: liveHeartbeat),
            policy: PageHTML.scriptedPolicy)
    }

    private func authenticate(_ request: Request, _ context: PushcastRequestContext) async throws -> SubscriberRecord {
        try await SubscriberAuthentication(store: engine.store).subscriber(request, sid: try context.parameters.require("sid"))
    }
}

/// A subscription as the API shows it.
struct SubscriptionJSON: Encodable, Sendable {
    var channel: String
    var cursor: Int64
    var lastSeq: Int64
    var status: String
}
