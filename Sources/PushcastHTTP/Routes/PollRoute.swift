import Foundation
import Hummingbird
import NIOCore
import Pushcast
import ServiceLifecycle

/// Long poll (SPEC §3): `GET /channels/<id>/poll?since=SEQ&timeout=S` answers at once with
/// what the log holds after SEQ, or waits for the next entry (`PollWaiter`), or answers 204
/// when the time is up. The same log and the same item JSON as every other transport.
struct PollRoute: Sendable {
    let engine: Engine
    let stats: ServerStats

    static let longestPoll = 120
    static let defaultPoll = 30

    func register(in routes: RouteTable<PushcastRequestContext>) {
        routes.add("/channels/{id}/poll", [.get: { request, context in try await poll(request, context) }])
    }

    private func poll(_ request: Request, _ context: PushcastRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard await engine.catalog.entry(id) != nil else { throw APIError.unknownChannel(id) }
        let since = Int64(try QueryValue.integer(request, "since", default: 0, in: 0...Int.max))
        let timeout = try QueryValue.integer(request, "timeout", default: Self.defaultPoll, in: 0...Self.longestPoll)
        guard engine.hub.reserveStream() else { throw StreamAdmission.busy }
        let meter = stats[.poll]
        meter.open.wrappingAdd(1, ordering: .relaxed)
        let waiter = PollWaiter()
        engine.hub.attach(waiter, to: id, changes: false)
        defer {
            engine.hub.detach(waiter, from: id)
            engine.hub.releaseStream()
            meter.open.wrappingSubtract(1, ordering: .relaxed)
        }
        var published: ContinuousClock.Instant?
        var entries = try await engine.store.entries(channel: id, after: since, limit: ChannelRoutes.defaultPage)
        if entries.isEmpty, timeout > 0 {
            let event = await withGracefulShutdownHandler {
                await waiter.wait(timeout: .seconds(Int64(timeout)), on: context.channel.eventLoop)
            } onGracefulShutdown: {
                waiter.receive([.shutdown])
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
}
