import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Hostile requests against the real server (issue 8, SPEC §3: "bad input is never a
/// 5xx"): each is answered 4xx or has its connection closed, in bounded time, and the
/// server goes on serving.
@Suite("pushcast serve: hostile HTTP")
struct HostileHTTPTests {
    /// Sends `request` on a fresh connection and reads until the server closes it or the time
    /// is up; returns the response's status code, if one came.
    static func exchange(_ port: Int, _ request: [UInt8], within seconds: Double = 10) async -> (status: Int?, closed: Bool) {
        await offThePool { blockingExchange(port, request, within: seconds) }
    }

    private static func blockingExchange(_ port: Int, _ request: [UInt8], within seconds: Double) -> (status: Int?, closed: Bool) {
        guard let connection = try? RawSocket(port: port) else { return (nil, true) }
        defer { withExtendedLifetime(connection) {} }  // it closes the descriptor when it goes
        let descriptor = connection.descriptor
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var offset = 0
        let deadline = Date().addingTimeInterval(seconds)
        while offset < request.count, Date() < deadline {
            // MSG_NOSIGNAL: a server that hangs up mid-request must not SIGPIPE the tests.
            let sent = request[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { break }
            offset += sent
        }
        // Until a whole response head has come.
        let (received, closed) = connection.blockingReceive(within: deadline.timeIntervalSinceNow) { bytes in
            status(bytes) != nil && String(decoding: bytes, as: UTF8.self).contains("\r\n\r\n")
        }
        return (status(received), closed)
    }

    static func status(_ bytes: [UInt8]) -> Int? {
        let text = String(decoding: bytes.prefix(64), as: UTF8.self)
        guard text.hasPrefix("HTTP/1.1 ") else { return nil }
        return Int(text.dropFirst(9).prefix(3))
    }

    static func port(_ server: ServerProcess) -> Int {
        Int(server.baseURL.split(separator: ":").last ?? "") ?? 0
    }

    static func get(_ target: String, headers: String = "") -> [UInt8] {
        Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(headers)Connection: close\r\n\r\n".utf8)
    }

    @Test func badRequestsAreRefusedNeverAServerError() async throws {
        let server = try await StreamEndToEndTests.newsServer(["--idle-timeout", "2"])
        let port = Self.port(server)
        let long = String(repeating: "a", count: 5000)
        let requests: [(String, [UInt8])] = [
            ("NUL in a path", Self.get("/channels/%00")),
            ("NUL in an id", Self.get("/channels/news%00/items")),
            ("dot-dot", Self.get("/channels/../../etc/passwd")),
            ("encoded dot-dot", Self.get("/channels/news/files/%2e%2e/%2e%2e/etc/passwd")),
            ("a long id", Self.get("/channels/\(long)")),
            ("a long seq", Self.get("/channels/news/items/\(String(repeating: "9", count: 400))")),
            ("since=abc", Self.get("/channels/news/items?since=abc")),
            ("since=-1", Self.get("/channels/news/items?since=-1")),
            ("a huge since", Self.get("/channels/news/stream?since=99999999999999999999999999")),
            ("a huge limit", Self.get("/channels/news/items?limit=1e9")),
            ("a bad timeout", Self.get("/channels/news/poll?timeout=100000")),
            ("a bad Last-Event-ID", Self.get("/channels/news/events", headers: "Last-Event-ID: -5\r\n")),
            ("a 100 KB request line", Self.get("/channels/news?x=\(String(repeating: "b", count: 100_000))")),
            ("a 1 MB header", Self.get("/", headers: "X-Big: \(String(repeating: "c", count: 1 << 20))\r\n")),
            ("many headers", Self.get("/", headers: String(repeating: "X-H: 1\r\n", count: 500))),
            ("an unknown method", Array("BREW /channels HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)),
            ("not HTTP at all", Array("\u{16}\u{3}\u{1}\u{2}\u{0}garbage\r\n\r\n".utf8)),
            ("a bad version", Array("GET / HTTP/9.9\r\nHost: x\r\n\r\n".utf8)),
            ("a huge Content-Length", Array("POST /subscribers HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n{".utf8)),
            ("a bad JSON body", Array("POST /subscribers HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{\"na".utf8)),
            ("a bad chunked body", Array("POST /subscribers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n".utf8)),
        ]
        for (name, request) in requests {
            let started = Date()
            let (status, closed) = await Self.exchange(port, request)
            let seconds = Date().timeIntervalSince(started)
            #expect(status.map { (400..<500).contains($0) } ?? closed, "\(name): status \(status.map(String.init) ?? "none"), closed \(closed)")
            #expect(seconds < 5, "\(name) took \(seconds) s")
        }
        #expect(try await server.request("/healthz").status == 200)
        #expect(try await server.request("/channels/news").status == 200)
        #expect(server.residentKiB < 200_000)
    }

    @Test func slowlorisIsClosedAfterTheIdleTimeout() async throws {
        let server = try await StreamEndToEndTests.newsServer(["--idle-timeout", "1"])
        let port = Self.port(server)
        let socket = try RawSocket(port: port)
        try socket.send("GET /channels HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        let started = Date()
        var closed = false
        // One more header byte a second, never the blank line.
        for byte in "X-Slow: abcdefgh" {
            if await socket.peerClosed(within: 1) {
                closed = true
                break
            }
            try? socket.send(String(byte))
        }
        #expect(closed, "the slow client still holds its connection")
        #expect(Date().timeIntervalSince(started) < 5)
        // An idle keep-alive connection goes the same way; a stream does not.
        let idle = try RawSocket(port: port)
        #expect(await idle.peerClosed(within: 4))
        let stream = try await StreamClient(server.baseURL + "/channels/news/stream")
        try await stream.waitUntil("the snapshot") { $0.received.count == 1 }
        try await Task.sleep(for: .seconds(2.5))
        #expect(!stream.isEnded)
        try await StreamEndToEndTests.edit(server, "after the idle timeout")
        try await stream.waitUntil("an item after the idle timeout") { $0.items.count == 1 }
        #expect(try await server.request("/healthz").status == 200)
    }
}
