import AsyncHTTPClient
import Foundation
import NIOCore
import Pushcast

/// The server's HTTP API as a reader uses it (SPEC §3): channels, subscriber registration,
/// subscriptions, and the streams.
public struct PushcastAPI: Sendable {
    /// The server's base URL, without a trailing slash.
    public let server: String

    public init(server: String) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
    }

    /// One client for the process. A server that is not there is said at once: connecting
    /// is not retried (AsyncHTTPClient would retry until the request's deadline).
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// A channel as `GET /channels` lists it.
    public struct ChannelSummary: Decodable, Sendable {
        public struct Problem: Decodable, Sendable {
            public var severity: String
            public var code: String
            public var message: String
            public var line: Int
        }

        public var id: String
        public var title: String?
        public var abstract: String?
        public var lastChange: String?
        public var lastSeq: Int64
        public var status: String
        public var diagnostics: [Problem]
    }

    public struct Subscription: Decodable, Sendable {
        public var channel: String
        public var cursor: Int64
        public var lastSeq: Int64
        public var status: String
    }

    public func channels() async throws -> [ChannelSummary] {
        struct List: Decodable { var channels: [ChannelSummary] }
        return try Self.decode(List.self, try await call("GET", "/channels")).channels
    }

    /// The array under `key` in the server's JSON answer to `GET path`, pretty-printed for
    /// scripts (`--json`): every field the server gives, not only those the table shows.
    public func json(_ path: String, key: String, token: String? = nil) async throws -> String {
        let (_, data) = try await send("GET", path, token: token)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let list = object[key] else {
            throw Self.notPushcast
        }
        let pretty = try JSONSerialization.data(withJSONObject: list, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: pretty, as: UTF8.self)
    }

    /// Whether the server answers `/healthz` (a node of a cluster may be down).
    public func answers() async -> Bool {
        (try? await send("GET", "/healthz"))?.0 == 200
    }

    /// A new subscriber; `token` is for a server that registers readers by token.
    public func register(name: String, token: String? = nil) async throws -> IdentityFile.Identity {
        let (_, data) = try await send("POST", "/subscribers", token: token, body: try JSONEncoder().encode(["name": name]))
        return try Self.decode(IdentityFile.Identity.self, data)
    }

    /// Subscribes; true if the subscription is new.
    public func subscribe(_ channel: String, as identity: IdentityFile.Identity) async throws -> Bool {
        let (status, _) = try await send("PUT", "/subscribers/\(identity.id)/subscriptions/\(channel)", token: identity.token)
        return status == 201
    }

    public func unsubscribe(_ channel: String, as identity: IdentityFile.Identity) async throws {
        _ = try await send("DELETE", "/subscribers/\(identity.id)/subscriptions/\(channel)", token: identity.token)
    }

    public func subscriptions(of identity: IdentityFile.Identity) async throws -> [Subscription] {
        struct List: Decodable { var subscriptions: [Subscription] }
        let (_, data) = try await send("GET", "/subscribers/\(identity.id)/subscriptions", token: identity.token)
        return try Self.decode(List.self, data).subscriptions
    }

    /// An item as the log holds it (`GET /channels/<id>/items/<seq>`).
    public struct LoggedEntry: Decodable, Sendable {
        public var channel: String
        public var seq: Int64
        public var title: String?
        public var href: String
    }

    public func item(_ channel: String, seq: Int64) async throws -> LoggedEntry {
        try Self.decode(LoggedEntry.self, try await call("GET", "/channels/\(channel)/items/\(seq)"))
    }

    /// The channel's newest items, newest first (each item once, at its newest revision).
    public func latestItems(of channel: String, limit: Int) async throws -> [LoggedEntry] {
        struct Page: Decodable { var items: [LoggedEntry] }
        return try Self.decode(Page.self, try await call("GET", "/channels/\(channel)?limit=\(limit)")).items
    }

    /// The channel's last sequence number.
    public func lastSeq(of channel: String) async throws -> Int64 {
        struct Page: Decodable { var lastSeq: Int64 }
        return try Self.decode(Page.self, try await call("GET", "/channels/\(channel)/items?since=0&limit=1")).lastSeq
    }

    /// The channel's log after `seq` (up to 1000 entries), with when each was logged.
    public func items(of channel: String, after seq: Int64) async throws -> [LoggedItem] {
        struct Page: Decodable {
            struct Item: Decodable { var seq: Int64; var publishedAt: String }
            var items: [Item]
        }
        let page = try Self.decode(Page.self, try await call("GET", "/channels/\(channel)/items?since=\(seq)&limit=1000"))
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return page.items.compactMap { item in
            parser.date(from: item.publishedAt).map { LoggedItem(seq: item.seq, published: $0) }
        }
    }

    /// What a stream hands over: that the server answered 200, then its parts as they arrive.
    public enum StreamEvent: Sendable {
        case opened
        case part(MultipartParser.Part)
    }

    /// Opens a multipart stream and hands its parts over as they arrive.
    public func stream(_ path: String, token: String? = nil, headers extra: [String: String] = [:])
        -> AsyncThrowingStream<StreamEvent, any Error>
    {
        let url = server + path
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    var request = HTTPClientRequest(url: url)
                    if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
                    for (name, value) in extra { request.headers.add(name: name, value: value) }
                    let response: HTTPClientResponse
                    do {
                        response = try await Self.client.execute(request, deadline: .distantFuture)
                    } catch {
                        throw ClientError.unreachable(server: server, reason: ConnectionTrouble.describe(error))
                    }
                    guard response.status.code == 200 else {
                        let body = try await response.body.collect(upTo: 1 << 16)
                        throw Self.error(status: Int(response.status.code), body: Data(body.readableBytesView), path: path)
                    }
                    var parser = MultipartParser(
                        boundary: try MultipartParser.boundary(fromContentType: response.headers.first(name: "Content-Type") ?? ""))
                    continuation.yield(.opened)
                    for try await buffer in response.body {
                        for part in try parser.feed(buffer.readableBytesView) { continuation.yield(.part(part)) }
                        if parser.isClosed { break }
                    }
                    continuation.finish()
                } catch let error as ClientError {
                    continuation.finish(throwing: error)
                } catch is MultipartParser.ParseError {
                    continuation.finish(throwing: ClientError.unexpected("a stream that is not Pushcast's multipart"))
                } catch {
                    continuation.finish(throwing: ClientError.unreachable(server: server, reason: ConnectionTrouble.describe(error)))
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    // MARK: - Plumbing

    private func call(_ method: String, _ path: String, body: Data? = nil) async throws -> Data {
        try await send(method, path, body: body).1
    }

    private func send(_ method: String, _ path: String, token: String? = nil, body: Data? = nil) async throws
        -> (Int, Data)
    {
        var request = HTTPClientRequest(url: server + path)
        request.method = .init(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        do {
            response = try await Self.client.execute(request, timeout: .seconds(30))
        } catch {
            throw ClientError.unreachable(server: server, reason: ConnectionTrouble.describe(error))
        }
        let data = Data(try await response.body.collect(upTo: 16 << 20).readableBytesView)
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else { throw Self.error(status: status, body: data, path: path) }
        return (status, data)
    }

    /// An answer that is not the JSON a Pushcast server sends.
    static let notPushcast = ClientError.unexpected("an answer that is not Pushcast's JSON (is --server a Pushcast server?)")

    /// The server's JSON, or an error that says the answer was not Pushcast's.
    private static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw Self.notPushcast
        }
    }

    private static func error(status: Int, body: Data, path: String) -> ClientError {
        struct Envelope: Decodable { struct Inner: Decodable { var code: String; var message: String }; var error: Inner }
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: body) else {
            return .unexpected("\(status) for \(path)")
        }
        return .server(status: status, code: envelope.error.code, message: envelope.error.message)
    }
}
