import Foundation
import Testing

/// Who serves a connection (`ConnectionRouter`): an item stream that opens its connection is
/// served on SwiftNIO directly (its response says `Connection: close`), one asked for after
/// other requests on a kept-alive connection by Hummingbird; both are the same stream, and
/// a refused stream is the same JSON error either way.
@Suite("pushcast serve: who serves a connection")
struct ConnectionRoutingTests {
    static func request(_ target: String, headers: String = "") -> String {
        "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(headers)\r\n"
    }

    @Test(arguments: ["/channels/news/stream", "/channels/news/events"])
    func aStreamOpeningItsConnectionIsServedDirectly(_ path: String) async throws {
        let server = try await StreamEndToEndTests.newsServer()
        let socket = try RawSocket(port: HostileHTTPTests.port(server))
        try socket.send(Self.request(path))
        let head = try #require(socket.receive(until: "snapshot", within: 10))
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(head.lowercased().contains("connection: close\r\n"))
        #expect(head.lowercased().contains("transfer-encoding: chunked\r\n"))
        let seq = try await StreamEndToEndTests.edit(server, "direct")
        #expect(socket.receives(path.hasSuffix("events") ? "id: \(seq)\n" : "Pushcast-Seq: \(seq)\r\n", within: 10))
        let stats = try await server.json("/stats")
        #expect(stats["connections"] as? Int ?? 0 >= 1)
    }

    @Test(arguments: ["/channels/news/stream", "/channels/news/events"])
    func aStreamAfterAnotherRequestOnTheSameConnection(_ path: String) async throws {
        let server = try await StreamEndToEndTests.newsServer()
        let socket = try RawSocket(port: HostileHTTPTests.port(server))
        try socket.send(Self.request("/healthz"))
        #expect(socket.receives("ok\n", within: 10))
        try socket.send(Self.request(path))
        let head = try #require(socket.receive(until: "snapshot", within: 10))
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(!head.lowercased().contains("connection: close"))
        let seq = try await StreamEndToEndTests.edit(server, "kept alive")
        #expect(socket.receives(path.hasSuffix("events") ? "id: \(seq)\n" : "Pushcast-Seq: \(seq)\r\n", within: 10))
        // The server notices at once when such a reader leaves.
        socket.close()
        try await server.waitUntil("the stream is gone") {
            let transports = try await server.json("/stats")["transports"] as? [[String: Any]] ?? []
            return transports.allSatisfy { ($0["open"] as? Int ?? 0) == 0 }
        }
    }

    /// A subscriber's stream is served either way, and moves the cursor either way.
    @Test(arguments: [false, true])
    func aSubscriberStreamIsServedEitherWay(keptAlive: Bool) async throws {
        let server = try await StreamEndToEndTests.newsServer()
        let (id, token) = try await SubscriberEndToEndTests.register(server)
        let subscribed = try await server.request(
            "/subscribers/\(id)/subscriptions/news", method: "PUT", headers: ["Authorization": "Bearer \(token)"])
        #expect(subscribed.status == 201)
        let socket = try RawSocket(port: HostileHTTPTests.port(server))
        if keptAlive {
            try socket.send(Self.request("/healthz"))
            #expect(socket.receives("ok\n", within: 10))
        }
        try socket.send(Self.request("/subscribers/\(id)/stream?token=\(token)"))
        let head = try #require(socket.receive(until: "\r\n\r\n", within: 10))
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(head.lowercased().contains("connection: close") == !keptAlive)
        let first = try await StreamEndToEndTests.edit(server, "one")
        #expect(socket.receives("Pushcast-Seq: \(first)\r\n", within: 10))
        let second = try await StreamEndToEndTests.edit(server, "two")
        #expect(socket.receives("Pushcast-Seq: \(second)\r\n", within: 10))
        // The first item is confirmed by the write of the second.
        try await server.waitUntil("the cursor at \(first)") {
            let list = try await server.request("/subscribers/\(id)/subscriptions", headers: ["Authorization": "Bearer \(token)"])
            return try list.json()["subscriptions"].flatMap { ($0 as? [[String: Any]])?.first?["cursor"] as? Int } ?? 0 >= first
        }
    }

    @Test func refusalsAreJSONErrorsEitherWay() async throws {
        let server = try await StreamEndToEndTests.newsServer(["--max-streams", "1"])
        let port = HostileHTTPTests.port(server)
        let refusals: [(String, String, String)] = [
            ("/channels/nope/stream", "404", "unknown-channel"),
            ("/channels/news/stream?since=abc", "400", "bad-since"),
            ("/channels/news/stream?format=xml", "400", "bad-format"),
            ("/channels/news/events?since=-1", "400", "bad-since"),
        ]
        for (target, status, code) in refusals {
            let direct = try RawSocket(port: port)
            try direct.send(Self.request(target))
            let answer = direct.receive(until: "\"\(code)\"", within: 10)
            #expect(answer?.hasPrefix("HTTP/1.1 \(status)") == true, "\(target) opening a connection: \(answer ?? "nothing")")
            let kept = try RawSocket(port: port)
            try kept.send(Self.request("/healthz") + Self.request(target))
            let later = kept.receive(until: "\"\(code)\"", within: 10)
            #expect(later?.contains("HTTP/1.1 \(status)") == true, "\(target) after another request: \(later ?? "nothing")")
        }
        // One stream open: a second is refused, 503 with Retry-After, both ways.
        let open = try RawSocket(port: port)
        try open.send(Self.request("/channels/news/stream"))
        #expect(open.receives("snapshot", within: 10))
        let second = try RawSocket(port: port)
        try second.send(Self.request("/channels/news/stream"))
        let busy = try #require(second.receive(until: "too-many-streams", within: 10))
        #expect(busy.hasPrefix("HTTP/1.1 503") && busy.lowercased().contains("retry-after: 5"))
        #expect(try await server.request("/healthz").status == 200)
    }
}
