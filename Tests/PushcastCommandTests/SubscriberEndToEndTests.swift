import Foundation
import Testing

/// Subscribers over real sockets (SPEC §3 table, §4).
@Suite("pushcast serve: subscribers")
struct SubscriberEndToEndTests {
    static func server(folder: URL? = nil) async throws -> ServerProcess {
        let server = try await ServerProcess(folder: try folder ?? ServerProcess.makeFolder(), arguments: ["--initial-items", "2", "--heartbeat", "1"])
        if !FileManager.default.fileExists(atPath: server.channels.appendingPathComponent("one.cdf").path) {
            for name in ["one", "two"] {
                let items = (1...3).map { "<ITEM HREF=\"\(name)/\($0).html\"><TITLE>\(name) \($0)</TITLE></ITEM>" }.joined()
                for index in 1...3 { try server.write("<p>\(name) \(index)</p>", to: "\(name)/\(index).html") }
                try server.write("<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>\(name)</TITLE>\(items)</CHANNEL>", to: "\(name).cdf")
            }
            try await server.waitUntil("both channels logged") {
                let one = try await server.json("/channels/one/items")["lastSeq"] as? Int
                let two = try await server.json("/channels/two/items")["lastSeq"] as? Int
                return one == 3 && two == 3
            }
        }
        return server
    }

    static func register(_ server: ServerProcess) async throws -> (id: String, token: String) {
        let created = try await server.request("/subscribers", method: "POST", body: #"{"name": "reader"}"#)
        #expect(created.status == 201)
        let json = try created.json()
        return (try #require(json["id"] as? String), try #require(json["token"] as? String))
    }

    @Test func tokensAndSubscriptions() async throws {
        let server = try await Self.server()
        let (id, token) = try await Self.register(server)
        let auth = ["Authorization": "Bearer \(token)"]
        // Wrong, missing or someone else's token, or no such subscriber: the same 401.
        let other = try await Self.register(server)
        let denied = [
            try await server.request("/subscribers/\(id)/subscriptions"),
            try await server.request("/subscribers/\(id)/subscriptions", headers: ["Authorization": "Bearer nope"]),
            try await server.request("/subscribers/\(id)/subscriptions", headers: ["Authorization": "Bearer \(other.token)"]),
            try await server.request("/subscribers/0123456789abcdef0123456789abcdef/subscriptions", headers: auth),
            try await server.request("/subscribers/not-an-id/subscriptions", headers: auth),
        ]
        #expect(denied.map(\.status) == [401, 401, 401, 401, 401])
        #expect(Set(denied.map { String(decoding: $0.body, as: UTF8.self) }).count == 1)
        #expect(try await server.request("/subscribers", method: "POST", body: "{}").status == 400)
        #expect(try await server.request("/subscribers", method: "POST", body: #"{"name": ""}"#).status == 400)

        let first = try await server.request("/subscribers/\(id)/subscriptions/one", method: "PUT", headers: auth)
        #expect(first.status == 201)
        #expect(try first.json()["cursor"] as? Int == 1)  // the newest 2 of 3 are pending
        #expect(try await server.request("/subscribers/\(id)/subscriptions/one", method: "PUT", headers: auth).status == 200)
        #expect(try await server.request("/subscribers/\(id)/subscriptions/nope", method: "PUT", headers: auth).status == 404)
        let listed = try await server.request("/subscribers/\(id)/subscriptions", headers: auth).json()
        #expect((listed["subscriptions"] as? [[String: Any]])?.map { $0["channel"] as? String } == ["one"])
        #expect(try await server.request("/subscribers/\(id)/subscriptions/one", method: "DELETE", headers: auth).status == 204)
        #expect(try await server.request("/subscribers/\(id)/subscriptions/one", method: "DELETE", headers: auth).status == 404)
        // The token is stored only as a hash.
        let database = try String(decoding: Data(contentsOf: server.database), as: UTF8.self)
        #expect(!database.contains(token))
    }

    @Test func oneStreamOfAllChannelsThatResumesAfterItsCursors() async throws {
        let folder = try ServerProcess.makeFolder()
        let server = try await Self.server(folder: folder)
        let (id, token) = try await Self.register(server)
        let auth = ["Authorization": "Bearer \(token)"]
        for channel in ["one", "two"] {
            _ = try await server.request("/subscribers/\(id)/subscriptions/\(channel)", method: "PUT", headers: auth)
        }
        let stream = try await StreamClient(server.baseURL + "/subscribers/\(id)/stream?token=\(token)")
        #expect(stream.status == 200)
        try await stream.waitUntil("the pending items") { $0.items.count == 4 }
        func delivered(_ stream: StreamClient) -> [String] {
            stream.items.map { "\($0.headers["pushcast-channel"] ?? "?") \($0.seq ?? 0)" }
        }
        #expect(delivered(stream) == ["one 2", "one 3", "two 2", "two 3"])
        try server.write("<p>one 1, edited</p>", to: "one/1.html")
        try await stream.waitUntil("the live item") { $0.items.count == 5 }
        #expect(delivered(stream).last == "one 4")
        try await server.waitUntil("the cursor stored") {
            let list = try await server.request("/subscribers/\(id)/subscriptions", headers: auth).json()
            return (list["subscriptions"] as? [[String: Any]])?.first { $0["channel"] as? String == "one" }?["cursor"] as? Int == 4
        }
        await stream.close()
        // Only once the server has released that stream is the reader away: until then an
        // item may still be written to it, and count as delivered (at least once).
        try await server.waitUntil("the first stream released") {
            (try await server.json("/stats")["hub"] as? [String: Any])?["openStreams"] as? Int == 0
        }

        // Away: items arrive, the server is killed, more arrive, it restarts. Nothing is lost.
        try server.write("<p>two 1, edited</p>", to: "two/1.html")
        try await server.waitUntil("two 4") { try await server.json("/channels/two/items")["lastSeq"] as? Int == 4 }
        await server.kill9()
        try server.write("<p>one 2, edited while down</p>", to: "one/2.html")
        let restarted = try await Self.server(folder: folder)
        try await restarted.waitUntil("one 5") { try await restarted.json("/channels/one/items")["lastSeq"] as? Int == 5 }
        let again = try await StreamClient(restarted.baseURL + "/subscribers/\(id)/stream", headers: auth)
        try await again.waitUntil("what came while away") { $0.items.count >= 2 }
        let seen = Set(delivered(stream) + delivered(again))
        #expect(seen.isSuperset(of: ["one 5", "two 4"]))
        #expect(delivered(again).filter { $0.hasPrefix("one") } == ["one 5"])
        #expect(try await restarted.request("/subscribers/\(id)/stream").status == 401)
    }

    /// A reader that stops reading while items keep coming is cut off (`--write-timeout`)
    /// with a reset, which drops what the server's kernel still held for it. Its cursor must
    /// not pass what it had: it resumes with the first item it did not get whole.
    @Test func aStalledReaderCutOffResumesAfterWhatItHad() async throws {
        let server = try await StreamEndToEndTests.newsServer(
            ["--write-timeout", "2", "--heartbeat", "60", "--max-stored-content", "300000"])
        let (id, token) = try await Self.register(server)
        let auth = ["Authorization": "Bearer \(token)"]
        _ = try await server.request("/subscribers/\(id)/subscriptions/news", method: "PUT", headers: auth)
        func cursor() async throws -> Int {
            let list = try await server.request("/subscribers/\(id)/subscriptions", headers: auth).json()
            return try #require((list["subscriptions"] as? [[String: Any]])?.first?["cursor"] as? Int)
        }
        let start = try await cursor()
        let socket = try RawSocket(port: Int(URLComponents(string: server.baseURL)!.port!))
        try socket.send("GET /subscribers/\(id)/stream?token=\(token) HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try #require(await socket.receive(until: "\r\n\r\n", within: 10))
        let boundary = try #require(head.split(separator: "boundary=").dropFirst().first?.prefix { $0 != ";" && $0 != "\r" })
        // 30 items of 200 KB: more than the server's socket takes (4 MiB at most), so its
        // writes stall, and 2 s later it is cut off.
        let big = String(repeating: "x", count: 200_000)
        for round in 1...30 { try await StreamEndToEndTests.edit(server, big + "\(round)") }
        #expect(await socket.peerClosed(within: 20), "the stalled reader was not cut off")
        // What reached the reader's side before the reset is still there to read.
        let afterHead = head.range(of: "\r\n\r\n").map { String(head[$0.upperBound...]) } ?? ""
        let body = try #require(
            StreamEndToEndTests.unchunk(Array(afterHead.utf8) + (await socket.receive(within: 10)).bytes), "the chunked framing is broken")
        var reader = MultipartReader(boundary: String(boundary))
        let had = try reader.feed(body).compactMap { $0.event == "item" ? $0.seq.map { Int($0) } : nil }
        let last = had.last ?? start
        #expect(had == Array((start + 1)..<(last + 1)), "the reader had \(had)")
        // Once the server has let the stream go, the stored cursor is at most what it had.
        try await server.waitUntil("the stream released") {
            (try await server.json("/stats")["hub"] as? [String: Any])?["openStreams"] as? Int == 0
        }
        try await Task.sleep(for: .milliseconds(500))  // the cursor book writes every 200 ms
        let stored = try await cursor()
        #expect(stored <= last, "the cursor is at \(stored) but the reader had only up to \(last)")
        // Resuming, it gets every item after the cursor, so none it missed is lost.
        let newest = try await StreamEndToEndTests.lastSeq(server)
        let again = try await StreamClient(server.baseURL + "/subscribers/\(id)/stream?token=\(token)")
        try await again.waitUntil("every item after \(stored)", seconds: 30) { $0.items.count == newest - stored }
        #expect(again.items.compactMap { $0.seq.map { Int($0) } } == Array((stored + 1)...newest))
    }

    /// A reader that quits right after an item has that item's cursor stored (its side was
    /// closed after it had the item): started again, it is not sent the item again.
    @Test func aReaderThatQuitsHasWhatItReadConfirmed() async throws {
        let server = try await StreamEndToEndTests.newsServer()
        let (id, token) = try await Self.register(server)
        let auth = ["Authorization": "Bearer \(token)"]
        _ = try await server.request("/subscribers/\(id)/subscriptions/news", method: "PUT", headers: auth)
        let stream = try await StreamClient(server.baseURL + "/subscribers/\(id)/stream?token=\(token)")
        let seq = try await StreamEndToEndTests.edit(server, "quit after this")
        try await stream.waitUntil("item \(seq)") { $0.items.contains { $0.seq == seq } }
        await stream.close()
        try await server.waitUntil("the stream released") {
            (try await server.json("/stats")["hub"] as? [String: Any])?["openStreams"] as? Int == 0
        }
        try await server.waitUntil("the cursor at \(seq)") {
            let list = try await server.request("/subscribers/\(id)/subscriptions", headers: auth).json()
            return (list["subscriptions"] as? [[String: Any]])?.first?["cursor"] as? Int == seq
        }
    }
}
