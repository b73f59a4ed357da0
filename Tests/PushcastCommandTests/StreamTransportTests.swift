import Foundation
import Testing

/// Every push transport through both ways a connection can ask for it (DESIGN.md "One
/// stream path"): as the request that opens the connection, and after another request on a
/// kept-alive connection. Either way it is the same stream: the same head, the same parts,
/// released at once when its reader leaves; and a refused stream is the same JSON error.
@Suite("pushcast serve: every transport, both ways")
struct StreamTransportTests {
    /// A transport: the request for it, what its first part holds, and what shows that an
    /// edit logged as `seq` arrived.
    struct Transport: CustomTestStringConvertible, Sendable {
        let name: String
        let path: @Sendable (_ subscriber: (id: String, token: String)) -> String
        var accept: String?
        let opening: String
        let arrived: @Sendable (_ seq: Int) -> String

        var testDescription: String { name }
    }

    static let transports: [Transport] = [
        Transport(name: "item stream, JSON", path: { _ in "/channels/news/stream" }, opening: "Pushcast-Event: snapshot", arrived: { "Pushcast-Seq: \($0)\r\n" }),
        Transport(name: "item stream, text", path: { _ in "/channels/news/stream?format=text" }, opening: "snapshot", arrived: { "[news #\($0)]" }),
        Transport(name: "item stream, HTML", path: { _ in "/channels/news/stream" }, accept: "text/html", opening: "snapshot", arrived: { "data-seq=\"\($0)\"" }),
        Transport(name: "Server-Sent Events", path: { _ in "/channels/news/events" }, opening: "event: snapshot", arrived: { "id: \($0)\n" }),
        Transport(name: "subscriber stream", path: { "/subscribers/\($0.id)/stream?token=\($0.token)" }, opening: "Pushcast-Seq: 1\r\n", arrived: { "Pushcast-Seq: \($0)\r\n" }),
        Transport(name: "live page", path: { _ in "/channels/news/live" }, opening: "<!doctype html>", arrived: { "data-seq=\"\($0)\"" }),
        Transport(name: "badge", path: { _ in "/channels/news/badge" }, opening: "<svg", arrived: { "Edit \($0)" }),
        Transport(
            name: "subscriber page", path: { "/subscribers/\($0.id)/live?token=\($0.token)" }, accept: "multipart/x-mixed-replace",
            opening: "<!doctype html>", arrived: { "Edit \($0)" }),
    ]

    static func request(_ target: String, accept: String? = nil) -> String {
        "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(accept.map { "Accept: \($0)\r\n" } ?? "")\r\n"
    }

    /// A news server with a subscriber to `news` (its first item pending).
    static func serverWithSubscriber() async throws -> (ServerProcess, (id: String, token: String)) {
        let server = try await StreamEndToEndTests.newsServer(["--initial-items", "1"])
        let subscriber = try await SubscriberEndToEndTests.register(server)
        let subscribed = try await server.request(
            "/subscribers/\(subscriber.id)/subscriptions/news", method: "PUT", headers: ["Authorization": "Bearer \(subscriber.token)"])
        #expect(subscribed.status == 201)
        return (server, subscriber)
    }

    /// Renames the item and edits it: the new title shows on pages and badges.
    static func edit(_ server: ServerProcess, _ round: Int) async throws -> Int {
        let before = try await StreamEndToEndTests.lastSeq(server)
        try server.write(
            "<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>News</TITLE><ITEM HREF=\"a.html\" LASTMOD=\"2026-12-0\(round)T10:00\"><TITLE>Edit NEXT</TITLE></ITEM></CHANNEL>"
                .replacingOccurrences(of: "NEXT", with: String(before + 1)),
            to: "news.cdf")
        try await server.waitUntil("the edit logged") { try await StreamEndToEndTests.lastSeq(server) > before }
        return try await StreamEndToEndTests.lastSeq(server)
    }

    @Test(arguments: transports)
    func servedTheSameWayOpeningAConnectionOrAfterAnotherRequest(_ transport: Transport) async throws {
        let (server, subscriber) = try await Self.serverWithSubscriber()
        let port = HostileHTTPTests.port(server)
        let request = Self.request(transport.path(subscriber), accept: transport.accept)
        let direct = try RawSocket(port: port)
        try direct.send(request)
        let kept = try RawSocket(port: port)
        try kept.send(Self.request("/healthz"))
        #expect(await kept.receives("ok\n", within: 10))
        try kept.send(request)
        for (way, socket) in [("opening its connection", direct), ("after another request", kept)] {
            let head = try #require(await socket.receive(until: transport.opening, within: 10), "\(way): no opening part")
            let lowered = head.lowercased()
            #expect(head.contains("HTTP/1.1 200 OK\r\n"), "\(way)")
            #expect(lowered.contains("connection: close\r\n") && lowered.contains("transfer-encoding: chunked\r\n"), "\(way)")
            #expect(lowered.contains("cache-control: no-store\r\n") && lowered.contains("x-accel-buffering: no\r\n"), "\(way)")
        }
        let seq = try await Self.edit(server, 1)
        for (way, socket) in [("opening its connection", direct), ("after another request", kept)] {
            #expect(await socket.receives(transport.arrived(seq), within: 10), "\(way): the edit did not arrive")
        }
        // Both are released the moment their readers leave.
        direct.close()
        kept.close()
        try await server.waitUntil("both streams released") {
            let transports = try await server.json("/stats")["transports"] as? [[String: Any]] ?? []
            return transports.allSatisfy { ($0["open"] as? Int ?? 0) == 0 }
        }
    }

    @Test func refusalsAreTheSameJSONErrorsEitherWay() async throws {
        let (server, subscriber) = try await Self.serverWithSubscriber()
        let port = HostileHTTPTests.port(server)
        let refusals: [(String, String?, String, String)] = [
            ("/channels/nope/stream", nil, "404", "unknown-channel"),
            ("/channels/nope/events", nil, "404", "unknown-channel"),
            ("/channels/nope/live", nil, "404", "unknown-channel"),
            ("/channels/nope/badge", nil, "404", "unknown-channel"),
            ("/channels/news/stream?since=abc", nil, "400", "bad-since"),
            ("/channels/news/stream?format=xml", nil, "400", "bad-format"),
            ("/channels/news/events?since=-1", nil, "400", "bad-since"),
            ("/channels/news/live?since=x", nil, "400", "bad-since"),
            ("/subscribers/\(subscriber.id)/stream?token=wrong", nil, "401", "bad-token"),
            ("/subscribers/\(subscriber.id)/stream", nil, "401", "bad-token"),
            ("/subscribers/\(subscriber.id)/live?token=wrong", "multipart/x-mixed-replace", "401", "bad-token"),
        ]
        for (target, accept, status, code) in refusals {
            let direct = try RawSocket(port: port)
            try direct.send(Self.request(target, accept: accept))
            let answer = await direct.receive(until: "\"\(code)\"", within: 10)
            #expect(answer?.hasPrefix("HTTP/1.1 \(status)") == true, "\(target) opening a connection: \(answer ?? "nothing")")
            let kept = try RawSocket(port: port)
            try kept.send(Self.request("/healthz") + Self.request(target, accept: accept))
            let later = await kept.receive(until: "\"\(code)\"", within: 10)
            #expect(later?.contains("HTTP/1.1 \(status)") == true, "\(target) after another request: \(later ?? "nothing")")
        }
    }

    @Test func aFullServerRefusesEveryTransportWith503BothWays() async throws {
        let server = try await StreamEndToEndTests.newsServer(["--max-streams", "1"])
        let port = HostileHTTPTests.port(server)
        let open = try RawSocket(port: port)
        try open.send(Self.request("/channels/news/stream"))
        #expect(await open.receives("snapshot", within: 10))
        for target in ["/channels/news/stream", "/channels/news/events", "/channels/news/live", "/channels/news/badge"] {
            for first in ["", Self.request("/healthz")] {
                let socket = try RawSocket(port: port)
                try socket.send(first + Self.request(target))
                let busy = try #require(await socket.receive(until: "too-many-streams", within: 10), "\(target)")
                #expect(busy.contains("HTTP/1.1 503") && busy.lowercased().contains("retry-after: 5"), "\(target)")
            }
        }
        #expect(try await server.request("/healthz").status == 200)
    }

    @Test func aHeadRequestGetsTheStreamsHeadAndNoStream() async throws {
        let server = try await StreamEndToEndTests.newsServer()
        let socket = try RawSocket(port: HostileHTTPTests.port(server))
        try socket.send("HEAD /channels/news/badge HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try #require(await socket.receive(until: "\r\n\r\n", within: 10))
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n") && head.contains("multipart/x-mixed-replace"))
        #expect(await socket.peerClosed(within: 5))
        let stats = try await server.json("/stats")
        #expect((stats["hub"] as? [String: Any])?["openStreams"] as? Int == 0)
    }

    @Test func bytesThatCannotStartARequestAreClosedAtOnce() async throws {
        let server = try await StreamEndToEndTests.newsServer(["--idle-timeout", "30"])
        let socket = try RawSocket(port: HostileHTTPTests.port(server))
        // The start of a TLS ClientHello: someone typed https:// for the plain port.
        let hello: [UInt8] = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]
        #expect(send(socket.descriptor, hello, hello.count, 0) == hello.count)
        #expect(await socket.peerClosed(within: 2))
    }
}
