import CDF
import Crypto
import Foundation
import Hummingbird
import Pushcast

/// The JSON endpoints over channels and their logs (SPEC §3): the list, one channel (or,
/// to a browser, its channel page), its manifest as published, its items, one item and its
/// content, and its local files.
struct ChannelRoutes: Sendable {
    let engine: Engine
    let links: PublicURL
    /// For `/channels/<id>` asked by a browser.
    let pages: PageRoutes
    /// The token `POST /channels/<id>/refresh` asks for; refresh is off without one.
    let publishToken: String?

    static let defaultLatest = 20
    static let defaultPage = 100
    static let largestPage = 1000

    func register(in routes: RouteTable<PushcastRequestContext>) {
        routes.add("/channels", [.get: { _, _ in try await list() }])
        routes.add("/channels/{id}", [.get: { request, context in try await channel(request, context) }])
        routes.add("/channels/{id}/items", [.get: { request, context in try await items(request, context) }])
        routes.add("/channels/{id}/items/{seq}", [.get: { _, context in try await item(context) }])
        routes.add("/channels/{id}/items/{seq}/content", [.get: { _, context in try await content(context) }])
        routes.add("/channels/{id}/files/**", [.get: { _, context in try await file(context) }])
        routes.add("/channels/{id}/refresh", [.post: { request, context in try await refresh(request, context) }])
    }

    // MARK: - Handlers

    /// A publisher's ping (SPEC §3): check the channel now.
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
        guard !engine.configuration.serveOnly else {
            throw APIError(
                .conflict, "serve-only",
                "this node serves only (--serve-only): ask a node that watches the channels folder to check '\(id)'")
        }
        guard await engine.requestCheck(id) else {
            throw APIError(.conflict, "not-live", "channel '\(id)' is retired or has never loaded")
        }
        return try JSONResponse.make(["channel": id, "status": "checking"], status: .accepted)
    }

    private func list() async throws -> Response {
        let records = Dictionary(uniqueKeysWithValues: try await engine.store.channels().map { ($0.id, $0) })
        let subscribers = try await engine.store.subscriberCounts()
        var channels: [ChannelJSON] = []
        for entry in await engine.catalog.all() {
            channels.append(
                ChannelJSON(
                    entry, record: records[entry.id], subscribers: subscribers[entry.id] ?? 0,
                    nextCheck: await engine.nextCheck(entry.id), publicURL: links.value))
        }
        return try JSONResponse.make(["channels": channels])
    }

    private func channel(_ request: Request, _ context: PushcastRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        if await engine.catalog.entry(id) == nil, id.hasSuffix(".cdf") {
            return try await manifest(String(id.dropLast(4)), request)
        }
        let entry = try await knownEntry(id)
        if PageRoutes.wantsPage(request) { return try await pages.channelPage(id) }
        let limit = try QueryValue.integer(request, "limit", default: Self.defaultLatest, in: 1...Self.largestPage)
        let record = try await engine.store.channel(id)
        let latest = try await engine.store.latestItems(channel: id, limit: limit)
        let summary = ChannelJSON(
            entry, record: record, subscribers: try await engine.store.subscriberCounts()[id] ?? 0,
            nextCheck: await engine.nextCheck(id), publicURL: links.value)
        var response = try JSONResponse.make(
            ChannelPage(channel: summary, lastSeq: record?.lastSeq ?? 0, items: latest.map { ItemJSON($0, publicURL: links.value) }))
        response.headers[.vary] = "Accept"
        return response
    }

    private func manifest(_ id: String, _ request: Request) async throws -> Response {
        guard let entry = await engine.catalog.entry(id), entry.status != .retired,
            let data = FileManager.default.contents(atPath: engine.directory.root + "/" + entry.file)
        else { throw APIError.unknownChannel(id) }
        let etag = "\"" + SHA256.hash(data: data).prefix(16).hexString + "\""
        let attributes = try? FileManager.default.attributesOfItem(atPath: engine.directory.root + "/" + entry.file)
        let modified = (attributes?[.modificationDate] as? Date) ?? Date()
        var headers: HTTPFields = [
            .contentType: "application/x-cdf; charset=utf-8", .eTag: etag, .lastModified: HTTPDate.format(modified),
            .cacheControl: "no-cache",
        ]
        if ConditionalRequest.isNotModified(request, etag: etag, lastModified: modified) {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers, body: .init())
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private func items(_ request: Request, _ context: PushcastRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        _ = try await knownEntry(id)
        let since = try QueryValue.integer(request, "since", default: 0, in: 0...Int.max)
        let limit = try QueryValue.integer(request, "limit", default: Self.defaultPage, in: 1...Self.largestPage)
        let entries = try await engine.store.entries(channel: id, after: Int64(since), limit: limit)
        let lastSeq = try await engine.store.channel(id)?.lastSeq ?? 0
        return try JSONResponse.make(ItemPage(items: entries.map { ItemJSON($0, publicURL: links.value) }, lastSeq: lastSeq))
    }

    private func item(_ context: PushcastRequestContext) async throws -> Response {
        try JSONResponse.make(ItemJSON(try await entry(context), publicURL: links.value))
    }

    private func content(_ context: PushcastRequestContext) async throws -> Response {
        let entry = try await entry(context)
        if let content = entry.content {
            return Response(
                status: .ok, headers: [.contentType: entry.contentType ?? "application/octet-stream"],
                body: .init(byteBuffer: ByteBuffer(bytes: content)))
        }
        if entry.local {
            // Not kept with the entry (not precached, or larger than the stored limit): the file as it is now.
            return try serveLocal(entry.href)
        }
        return Response(status: .found, headers: [.location: entry.href], body: .init())
    }

    private func file(_ context: PushcastRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let entry = try await knownEntry(id)
        let path = context.parameters.getCatchAll().map { $0.removingPercentEncoding ?? String($0) }.joined(separator: "/")
        guard let channel = entry.channel, LocalFiles.isNamed(path, by: channel) else {
            throw APIError(.notFound, "unknown-file", "channel '\(id)' names no local file '\(path)'")
        }
        return try serveLocal(path)
    }

    // MARK: - Helpers

    private func serveLocal(_ path: String) throws -> Response {
        guard case .file(let real) = engine.directory.locate(path), let data = FileManager.default.contents(atPath: real) else {
            throw APIError(.notFound, "missing-file", "'\(path)' is not a file in the channels folder")
        }
        return Response(
            status: .ok, headers: [.contentType: MediaTypes.forPath(path)], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A channel the catalog knows, retired ones included (their logs stay readable).
    private func knownEntry(_ id: String) async throws -> Catalog.Entry {
        guard let entry = await engine.catalog.entry(id) else { throw APIError.unknownChannel(id) }
        return entry
    }

    private func entry(_ context: PushcastRequestContext) async throws -> LogEntry {
        let id = try context.parameters.require("id")
        _ = try await knownEntry(id)
        let raw = try context.parameters.require("seq")
        guard let seq = Int64(raw), seq > 0 else {
            throw APIError(.badRequest, "bad-seq", "'\(raw)' is not a sequence number (1, 2, 3 …)")
        }
        guard let entry = try await engine.store.entry(channel: id, seq: seq) else {
            let lastSeq = try await engine.store.channel(id)?.lastSeq ?? 0
            throw seq <= lastSeq
                ? APIError(.notFound, "pruned", "item \(seq) of '\(id)' is no longer in the log")
                : APIError(.notFound, "unknown-item", "channel '\(id)' has no item \(seq) yet (last is \(lastSeq))")
        }
        return entry
    }
}

private struct ChannelPage: Encodable {
    var channel: ChannelJSON
    var lastSeq: Int64
    var items: [ItemJSON]
}

private struct ItemPage: Encodable {
    var items: [ItemJSON]
    var lastSeq: Int64
}
