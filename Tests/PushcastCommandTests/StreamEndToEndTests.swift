import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Push delivery over real sockets against the running server (SPEC §3, §3.1).
@Suite("pushcast serve: push streams")
struct StreamEndToEndTests {
    /// A server with channel `news`: one local item whose every edit is the next seq.
    static func newsServer(_ arguments: [String] = [], folder: URL? = nil) async throws -> ServerProcess {
        let server = try await ServerProcess(folder: try folder ?? ServerProcess.makeFolder(), arguments: arguments)
        if !FileManager.default.fileExists(atPath: server.channels.appendingPathComponent("news.cdf").path) {
            try server.write("<p>0</p>", to: "a.html")
            try server.write(
                "<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>News</TITLE><ITEM HREF=\"a.html\"><TITLE>A</TITLE></ITEM></CHANNEL>",
                to: "news.cdf")
            try await server.waitUntil("the first entry") { try await lastSeq(server) == 1 }
        }
        return server
    }

    static func lastSeq(_ server: ServerProcess) async throws -> Int {
        try await server.json("/channels/news/items?since=0&limit=1")["lastSeq"] as? Int ?? 0
    }

    /// Edits the item and waits until the edit is logged; returns its seq.
    @discardableResult
    static func edit(_ server: ServerProcess, _ text: String) async throws -> Int {
        let before = try await lastSeq(server)
        try server.write("<p>\(text)</p>", to: "a.html")
        try await server.waitUntil("edit '\(text)' logged") { try await lastSeq(server) > before }
        return try await lastSeq(server)
    }

    static func json(_ part: MultipartReader.Part) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(part.body)) as? [String: Any]) ?? [:]
    }

    @Test func snapshotThenLiveItemsInOrder() async throws {
        let server = try await Self.newsServer()
        let stream = try await StreamClient(server.baseURL + "/channels/news/stream")
        #expect(stream.status == 200)
        let contentType = try #require(stream.headers["content-type"])
        #expect(contentType.hasPrefix("multipart/x-mixed-replace; boundary=pushcast-") && contentType.hasSuffix("; charset=utf-8"))
        #expect(stream.headers["cache-control"] == "no-store" && stream.headers["x-accel-buffering"] == "no")
        #expect(stream.headers["transfer-encoding"] == "chunked")
        try await stream.waitUntil("the snapshot") { $0.received.count == 1 }
        let snapshot = try #require(stream.received.first)
        #expect(snapshot.event == "snapshot" && Self.json(snapshot)["lastSeq"] as? Int == 1)
        #expect((Self.json(snapshot)["items"] as? [[String: Any]])?.first?["seq"] as? Int == 1)
        for round in 1...5 { try await Self.edit(server, "edit \(round)") }
        try await stream.waitUntil("five items") { $0.items.count == 5 }
        #expect(stream.items.map(\.seq) == [2, 3, 4, 5, 6])
        for part in stream.items {
            let body = Self.json(part)
            #expect(part.headers["content-type"] == "application/json" && part.headers["pushcast-channel"] == "news")
            #expect(body["seq"] as? Int == part.seq && body["event"] as? String == "updated" && body["channel"] as? String == "news")
            #expect((body["content"] as? String)?.hasPrefix("<p>edit") == true)
        }

        // The same bytes, split at every byte boundary, give the same parts.
        let raw = stream.raw
        let boundary = try #require(MultipartReader.boundary(of: contentType))
        var whole = MultipartReader(boundary: boundary)
        let expected = try whole.feed(raw)
        #expect(expected.count == 6)
        for split in 0...raw.count {
            var reader = MultipartReader(boundary: boundary)
            let parts = try reader.feed(raw[..<split]) + reader.feed(raw[split...])
            #expect(parts == expected, "split at \(split)")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            var reader = MultipartReader(boundary: boundary)
            var parts: [MultipartReader.Part] = []
            var offset = 0
            while offset < raw.count {
                let size = Int.random(in: 1...64, using: &generator)
                parts += try reader.feed(raw[offset..<min(offset + size, raw.count)])
                offset += size
            }
            #expect(parts == expected)
        }
    }

    @Test func formatsByQueryAndAccept() async throws {
        let server = try await Self.newsServer()
        let text = try await StreamClient(server.baseURL + "/channels/news/stream?format=text&since=0")
        let html = try await StreamClient(server.baseURL + "/channels/news/stream?since=0", headers: ["Accept": "text/html"])
        try await text.waitUntil("the text item") { $0.items.count == 1 }
        try await html.waitUntil("the html item") { $0.items.count == 1 }
        #expect(text.items[0].headers["content-type"] == "text/plain; charset=utf-8")
        #expect(text.items[0].text.hasPrefix("[news #1] A"))
        #expect(html.items[0].headers["content-type"] == "text/html; charset=utf-8")
        #expect(html.items[0].text.hasPrefix("<article class=\"item\" data-channel=\"news\" data-seq=\"1\">"))
        #expect(try await server.request("/channels/news/stream?format=xml").status == 400)
    }

    @Test func resumeAfterADisconnectAndAfterARestart() async throws {
        let folder = try ServerProcess.makeFolder()
        let server = try await Self.newsServer(folder: folder)
        try await Self.edit(server, "two")
        let first = try await StreamClient(server.baseURL + "/channels/news/stream?since=0")
        try await first.waitUntil("items 1 and 2") { $0.items.count == 2 }
        #expect(first.received.first?.event == "item")  // no snapshot on a resume
        await first.close()
        try await Self.edit(server, "three")
        try await Self.edit(server, "four")
        let resumed = try await StreamClient(server.baseURL + "/channels/news/stream", headers: ["Last-Event-ID": "2"])
        try await resumed.waitUntil("3 and 4 replayed") { $0.items.count == 2 }
        try await Self.edit(server, "five")
        try await resumed.waitUntil("5 live") { $0.items.count == 3 }
        #expect(resumed.items.map(\.seq) == [3, 4, 5])

        // kill -9; a change while it is down; a restart; the reader resumes and misses nothing.
        await server.kill9()
        try server.write("<p>six, while down</p>", to: "a.html")
        let restarted = try await Self.newsServer(folder: folder)
        try await restarted.waitUntil("the change while down") { try await Self.lastSeq(restarted) == 6 }
        let again = try await StreamClient(restarted.baseURL + "/channels/news/stream?since=5")
        try await again.waitUntil("6") { $0.items.count == 1 }
        try await Self.edit(restarted, "seven")
        try await again.waitUntil("7") { $0.items.count == 2 }
        #expect(again.items.map(\.seq) == [6, 7])
    }

    @Test func aPrunedRangeGivesAGap() async throws {
        let folder = try ServerProcess.makeFolder()
        let server = try await Self.newsServer(folder: folder)
        for round in 2...4 { try await Self.edit(server, "\(round)") }
        _ = await server.terminate()
        let pruned = try await Self.newsServer(["--retain-items", "1", "--retain-days", "0"], folder: folder)
        let stream = try await StreamClient(pruned.baseURL + "/channels/news/stream?since=1")
        try await stream.waitUntil("gap, snapshot, 4") { $0.received.count == 3 }
        #expect(stream.received.map(\.event) == ["gap", "snapshot", "item"])
        let gap = Self.json(stream.received[0])
        #expect(gap["from"] as? Int == 2 && gap["to"] as? Int == 3 && gap["reason"] as? String == "pruned")
        #expect(stream.received[2].seq == 4)
        let ahead = try await StreamClient(pruned.baseURL + "/channels/news/stream?since=99")
        try await ahead.waitUntil("gap and snapshot") { $0.received.count == 2 }
        #expect(Self.json(ahead.received[0])["reason"] as? String == "ahead")
    }

    /// More items at once than a stream's queue holds (256), to a reader that keeps up: it
    /// gets them all, since a stream that can write an item writes it at once.
    @Test func aBatchLargerThanTheQueueReachesAReaderThatKeepsUp() async throws {
        let server = try await Self.newsServer()
        let stream = try await StreamClient(server.baseURL + "/channels/news/stream")
        try await stream.waitUntil("the snapshot") { $0.received.count == 1 }
        for number in 1...300 { try server.write("<p>\(number)</p>", to: "many/\(number).html") }
        let items = (1...300).map { "<ITEM HREF=\"many/\($0).html\"><TITLE>Item \($0)</TITLE></ITEM>" }.joined()
        try server.write(
            "<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>News</TITLE><ITEM HREF=\"a.html\"><TITLE>A</TITLE></ITEM>\(items)</CHANNEL>",
            to: "news.cdf")
        try await stream.waitUntil("300 items") { $0.items.count == 300 }
        #expect(stream.items.map(\.seq) == Array(2...301).map { Optional($0) })
        #expect(!stream.received.contains { $0.event == "gap" } && !stream.isEnded)
    }

    /// A reader that reads nothing while more arrives than its socket holds (but less than
    /// its queue), then reads slowly while items keep coming: every item arrives once, in
    /// order, each part whole. What a socket does not take waits in the pipeline, and the
    /// stream's later parts follow it there instead of being sent ahead of it, even when
    /// the reader has made room in the socket meanwhile (`SocketWriter`).
    @Test func aSlowReaderGetsEveryPartWholeAndInOrder() async throws {
        let server = try await Self.newsServer(["--max-stored-content", "300000", "--write-timeout", "60"])
        let socket = try RawSocket(port: Int(URLComponents(string: server.baseURL)!.port!))
        try socket.send("GET /channels/news/stream HTTP/1.1\r\nHost: x\r\n\r\n")
        let opening = try #require(await socket.receive(until: "Pushcast-Event: snapshot", within: 10))
        let boundary = try #require(opening.split(separator: "boundary=").dropFirst().first?.prefix { $0 != ";" && $0 != "\r" })
        let content = String(repeating: "x", count: 200_000)
        var listed = ""
        /// Publishes `items` in one manifest and waits until they are logged.
        func publish(_ items: ClosedRange<Int>) async throws {
            for number in items { try server.write("<p>\(content)\(number)</p>", to: "many/\(number).html") }
            listed += items.map { "<ITEM HREF=\"many/\($0).html\"><TITLE>Item \($0)</TITLE></ITEM>" }.joined()
            try server.write(
                "<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>News</TITLE><ITEM HREF=\"a.html\"><TITLE>A</TITLE></ITEM>\(listed)</CHANNEL>",
                to: "news.cdf")
            try await server.waitUntil("items up to \(items.upperBound + 1) logged") {
                try await Self.lastSeq(server) == items.upperBound + 1
            }
        }
        try await publish(1...25)  // 5 MB: more than the server's socket takes (4 MiB at most)
        let reading = Task { await socket.receive(until: "Pushcast-Seq: 36\r\n", within: 60, pause: 0.001) }
        for number in 26...35 { try await publish(number...number) }
        let rest = try #require(await reading.value)
        let headEnd = try #require(opening.range(of: "\r\n\r\n")).upperBound
        guard let unchunked = Self.unchunk(Array(opening[headEnd...].utf8) + Array(rest.utf8)) else {
            Issue.record("the chunked framing is broken")
            return
        }
        var reader = MultipartReader(boundary: String(boundary))
        let items = try reader.feed(unchunked).filter { $0.event == "item" }
        #expect(items.map(\.seq) == Array(2...35).map { Optional($0) }, "seq 36's part is still coming")
        #expect(items.allSatisfy { (Self.json($0)["content"] as? String)?.hasPrefix("<p>\(content)") == true })
    }

    /// The body of a chunked response as far as its last whole chunk; nil when the framing is
    /// broken.
    static func unchunk(_ bytes: [UInt8]) -> [UInt8]? {
        var body: [UInt8] = []
        var index = 0
        while let lineEnd = (index..<max(index, bytes.count - 1)).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }) {
            guard let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self), radix: 16) else { return nil }
            let start = lineEnd + 2
            guard start + size + 2 <= bytes.count else { break }
            guard bytes[start + size] == 13, bytes[start + size + 1] == 10 else { return nil }
            body += bytes[start..<(start + size)]
            index = start + size + 2
        }
        return body
    }

    /// A reader that reads nothing while more arrives than its socket, the server's buffer
    /// and its queue (256 events) hold: once it reads again, it is told where to resume and
    /// its stream ends; resuming there gets every item.
    @Test func aReaderThatFallsBehindGetsAnOverflowGap() async throws {
        let server = try await Self.newsServer(["--max-stored-content", "100000", "--write-timeout", "60"])
        let socket = try RawSocket(port: Int(URLComponents(string: server.baseURL)!.port!))
        try socket.send("GET /channels/news/stream HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await socket.receives("Pushcast-Event: snapshot", within: 10))
        let content = String(repeating: "x", count: 20_000)
        for number in 1...600 { try server.write("<p>\(content)\(number)</p>", to: "many/\(number).html") }
        let items = (1...600).map { "<ITEM HREF=\"many/\($0).html\"><TITLE>Item \($0)</TITLE></ITEM>" }.joined()
        try server.write(
            "<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>News</TITLE><ITEM HREF=\"a.html\"><TITLE>A</TITLE></ITEM>\(items)</CHANNEL>",
            to: "news.cdf")
        try await server.waitUntil("600 more items logged") { try await Self.lastSeq(server) == 601 }
        // The gap part and, right after it, the close delimiter (the only "--" before CRLF).
        let tail = try #require(await socket.skip(until: "--\r\n", within: 30))
        let gap = try #require(tail.split(separator: "\r\n").last { $0.contains("\"reason\":\"overflow\"") })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(gap.utf8)) as? [String: Any])
        let resume = try #require(json["resumeSince"] as? Int)
        #expect(json["from"] as? Int == resume + 1 && json["to"] as? Int == 601)
        #expect(resume >= 1 && resume < 601 - 256)
        #expect(await socket.skip(until: nil, within: 10) != nil, "the server closes the connection")
        let resumed = try await StreamClient(server.baseURL + "/channels/news/stream?since=\(resume)")
        try await resumed.waitUntil("every item after \(resume)", seconds: 30) { $0.items.count == 601 - resume }
        #expect(resumed.items.map(\.seq) == Array((resume + 1)...601).map { Optional($0) })
    }

    @Test func heartbeatsAndReleasingADepartedClient() async throws {
        let server = try await Self.newsServer(["--heartbeat", "1"])
        let stream = try await StreamClient(server.baseURL + "/channels/news/stream")
        try await stream.waitUntil("a heartbeat", seconds: 5) { $0.received.contains { $0.event == "heartbeat" } }
        #expect(stream.received.first { $0.event == "heartbeat" }?.text == "{}")

        // A client that goes away (its socket closed) is released at once, not at the next heartbeat.
        // (A raw socket, so that the test knows the connection really closed.) Past --max-streams: 503.
        let quiet = try await Self.newsServer(["--heartbeat", "60", "--max-streams", "1"])
        let departing = try RawSocket(port: Int(URLComponents(string: quiet.baseURL)!.port!))
        try departing.send("GET /channels/news/stream HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await departing.receives("Pushcast-Event: snapshot", within: 10))
        let refused = try await quiet.request("/channels/news/stream")
        #expect(refused.status == 503 && refused.headers["retry-after"] == "5")
        departing.close()
        try await quiet.waitUntil("released long before a heartbeat", seconds: 10) {
            let next = try await StreamClient(quiet.baseURL + "/channels/news/stream")
            await next.close()
            return next.status == 200
        }
    }

    /// SPEC §3.1: a heartbeat when nothing was sent for `--heartbeat` seconds, counted from
    /// the last write. At 8 s the loop's ticker turns every second and looks at the stream
    /// when its heartbeat is due (`TickWheel`), so each comes within about a second of the
    /// interval. Before, it looked every 2 s and counted from its first look after a write:
    /// 8 to 10 s after the snapshot, and 10 s between heartbeats.
    @Test func heartbeatsComeWithinATickOfTheirInterval() async throws {
        let server = try await Self.newsServer(["--heartbeat", "8"])
        let stream = try await StreamClient(server.baseURL + "/channels/news/stream")
        try await stream.waitUntil("the snapshot") { $0.received.count == 1 }
        var times = [ContinuousClock.now]
        for count in 1...2 {
            try await stream.waitUntil("heartbeat \(count)", seconds: 15) { $0.received.count == count + 1 }
            times.append(.now)
        }
        #expect(stream.received.map(\.event) == ["snapshot", "heartbeat", "heartbeat"])
        for (before, after) in zip(times, times.dropFirst()) {
            let quiet = after - before
            #expect(quiet >= .milliseconds(7900) && quiet <= .milliseconds(9400), "a heartbeat came after \(quiet) of silence")
        }
    }

    /// A publication wakes the event loops from the publish thread; woken, a thread does
    /// not take the core of the one that woke it (`BatchScheduling`, docs/PUSH.md).
    @Test func theEventLoopsAndThePublishThreadAreBatchThreads() async throws {
        let server = try await Self.newsServer()
        let batch: Int32 = 3  // SCHED_BATCH
        try await server.waitUntil("every event loop and the publish thread a batch thread") {
            let policies = server.threadPolicies
            let loops = policies.filter { $0.key.hasPrefix("NIO-SGLTN") }.values.flatMap { $0 }
            return !loops.isEmpty && loops.allSatisfy { $0 == batch } && policies["pushcast-pub"] == [batch]
        }
        // The main thread keeps the default policy: only the threads that publish and fan out ask.
        #expect(server.threadPolicies["pushcast"] == [0])
    }

    @Test func serverSentEvents() async throws {
        let server = try await Self.newsServer(["--heartbeat", "1"])
        try await Self.edit(server, "two")
        let events = try await StreamClient(server.baseURL + "/channels/news/events", headers: ["Last-Event-ID": "1"])
        #expect(events.headers["content-type"] == "text/event-stream; charset=utf-8")
        try await Self.edit(server, "three")
        try await events.waitUntil("two items and a heartbeat", seconds: 5) {
            $0.text.contains("id: 3\n") && $0.text.contains(": heartbeat")
        }
        let text = events.text
        #expect(text.hasPrefix("retry: 3000\n\nid: 2\nevent: item\ndata: {"))
        #expect(!text.contains("id: 1\n"))
        #expect(text.range(of: "id: 2\n")!.lowerBound < text.range(of: "id: 3\n")!.lowerBound)
    }

    @Test func longPoll() async throws {
        let server = try await Self.newsServer()
        let now = try await server.request("/channels/news/poll?since=0")
        #expect(now.status == 200)
        #expect((try now.json()["items"] as? [[String: Any]])?.map { $0["seq"] as? Int } == [1])
        let started = Date()
        let idle = try await server.request("/channels/news/poll?since=1&timeout=1")
        #expect(idle.status == 204 && Date().timeIntervalSince(started) >= 0.9)
        async let waiting = server.request("/channels/news/poll?since=1&timeout=20")
        try await Task.sleep(for: .milliseconds(300))
        try await Self.edit(server, "two")
        let woken = try await waiting
        #expect(woken.status == 200)
        #expect((try woken.json()["items"] as? [[String: Any]])?.map { $0["seq"] as? Int } == [2])
        #expect(try await server.request("/channels/news/poll?timeout=121").status == 400)
    }

    @Test func subscribingWhileItemsAreLoggedNeverLeavesAHole() async throws {
        let server = try await Self.newsServer()
        let stop = Mutex(false)
        let writer = Task {
            var round = 0
            while !stop.withLock({ $0 }) {
                round += 1
                try? server.write("<p>busy \(round)</p>", to: "a.html")
                try? await Task.sleep(for: .milliseconds(15))
            }
        }
        for attempt in 1...15 {
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...30)))
            let stream = try await StreamClient(server.baseURL + "/channels/news/stream")
            try await stream.waitUntil("snapshot and three items (attempt \(attempt))") { $0.items.count >= 3 }
            let start = try #require(Self.json(stream.received[0])["lastSeq"] as? Int)
            let seqs = stream.items.compactMap(\.seq)
            #expect(seqs == Array((start + 1)...(start + seqs.count)), "attempt \(attempt): after \(start) came \(seqs)")
            await stream.close()
        }
        stop.withLock { $0 = true }
        await writer.value
    }

    @Test func aReaderThatNeverReadsIsCutOffAndCostsBoundedMemory() async throws {
        let server = try await Self.newsServer(["--write-timeout", "5", "--heartbeat", "1", "--max-stored-content", "4000000"])
        let big = String(repeating: "x", count: 200_000)
        try await Self.edit(server, big + "0")
        let port = Int(URLComponents(string: server.baseURL)!.port!)
        // A raw socket that asks for the stream and never reads a byte, beside 100 that do.
        let stalled = try RawSocket(port: port)
        try stalled.send("GET /channels/news/stream?since=0 HTTP/1.1\r\nHost: x\r\n\r\n")
        let first = try await Self.lastSeq(server)
        let readers = try SocketReaders(port: port, path: "/channels/news/stream?since=\(first)", count: 100)
        try await server.waitUntil("100 readers connected") {
            (try await server.json("/stats")["hub"] as? [String: Any])?["openStreams"] as? Int == 101
        }
        let baseline = server.residentKiB
        var latencies: [Double] = []
        // 20 rounds of 200 KB: enough to fill the stalled socket's buffers, so that its
        // writes stall and it is cut off.
        for round in 1...20 {
            let seq = first + round
            let started = Date()
            try server.write("<p>\(big)\(round)</p>", to: "a.html")
            try await server.waitUntil("round \(round) at every reader") { readers.arrivals(of: seq).allSatisfy { $0 != nil } }
            latencies += readers.arrivals(of: seq).compactMap { $0?.timeIntervalSince(started) }
        }
        let grown = server.residentKiB - baseline
        #expect(grown < 200 * 1024, "the server grew by \(grown) KiB")
        // Nobody waited for the stalled reader: a reader held up behind it would wait until it
        // is cut off (5 s). The bound is half that, far above this debug build's own pace
        // (about 1 s at p99 here), so a busy machine does not fail it; speed is make bench's.
        let p99 = latencies.sorted()[Int(Double(latencies.count) * 0.99) - 1]
        #expect(p99 < 2.5, "p99 \(p99) s")
        // The stalled reader was cut off: the server reset its connection (seen without
        // reading a byte, which would unstall it).
        #expect(await stalled.peerClosed(within: 15))
    }

    @Test func shutdownEndsEveryStreamWithTheCloseDelimiter() async throws {
        let server = try await Self.newsServer()
        var streams: [StreamClient] = []
        for _ in 0..<3 {
            let stream = try await StreamClient(server.baseURL + "/channels/news/stream")
            try await stream.waitUntil("the snapshot") { $0.received.count == 1 }
            streams.append(stream)
        }
        let events = try await StreamClient(server.baseURL + "/channels/news/events")
        let seconds = await server.terminate()
        #expect(seconds < 5 && server.exitStatus == 0, "exit after \(seconds) s with \(server.exitStatus)")
        for stream in streams {
            try await stream.waitUntil("the end") { $0.isEnded }
            #expect(stream.raw.suffix(2) == Array("\r\n".utf8))
            #expect(String(decoding: stream.raw.suffix(60), as: UTF8.self).contains("--\r\n"))
            var reader = MultipartReader(boundary: MultipartReader.boundary(of: stream.headers["content-type"]!)!)
            _ = try reader.feed(stream.raw)
            #expect(reader.closed)
        }
        try await events.waitUntil("the SSE end") { $0.isEnded }
    }

    @Test func refreshNeedsThePublisherToken() async throws {
        let closed = try await Self.newsServer()
        #expect(try await closed.request("/channels/news/refresh", method: "POST").status == 403)
        let server = try await Self.newsServer(["--publish-token", "pub-secret"])
        #expect(try await server.request("/channels/news/refresh", method: "POST").status == 401)
        #expect(try await server.request("/channels/news/refresh", method: "POST", headers: ["Authorization": "Bearer wrong"]).status == 401)
        let before = try #require(try await server.channel("news")?["lastCheck"] as? String)
        let accepted = try await server.request("/channels/news/refresh", method: "POST", headers: ["Authorization": "Bearer pub-secret"])
        #expect(accepted.status == 202)
        try await server.waitUntil("the refresh checked") { try await server.channel("news")?["lastCheck"] as? String != before }
        #expect(try await server.request("/channels/nope/refresh", method: "POST", headers: ["Authorization": "Bearer pub-secret"]).status == 404)
        #expect(try await server.request("/channels/news/refresh").status == 405)
    }
}

/// A client socket on loopback that sends a request and reads only when told to.
final class RawSocket: Sendable {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var size: Int32 = 4096
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { Glibc.close(descriptor) }

    /// Closes this side (a FIN to the server).
    func close() {
        shutdown(descriptor, Int32(SHUT_RDWR))
    }

    /// Reads until `text` has arrived, or the time is up.
    func receives(_ text: String, within seconds: Double) async -> Bool {
        await receive(until: text, within: seconds) != nil
    }

    /// Reads until `text` has arrived and returns all that was read; nil when the time is up
    /// or the connection closed first. With `pause`, waits that long after each read (a
    /// slow reader).
    func receive(until text: String, within seconds: Double, pause: Double = 0) async -> String? {
        await offThePool { self.blockingReceive(until: text, within: seconds, pause: pause) }
    }

    private func blockingReceive(until text: String, within seconds: Double, pause: Double) -> String? {
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let deadline = Date().addingTimeInterval(seconds)
        let needle = Array(text.utf8)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0 { received += buffer[..<count] }
            if pause > 0 { usleep(UInt32(pause * 1_000_000)) }
            // Only the new bytes (and the needle's length before them) can complete it.
            let from = max(0, received.count - max(count, 0) - needle.count)
            if received.count >= needle.count,
                (from...(received.count - needle.count)).contains(where: { received[$0..<($0 + needle.count)].elementsEqual(needle) })
            {
                return String(decoding: received, as: UTF8.self)
            }
            if count == 0 { return nil }
        }
        return nil
    }

    /// Reads and drops what comes until `text` has arrived (with nil: until the server closes
    /// the connection); returns the last few KiB read (so a part around `text` can be looked
    /// at), or nil when the time is up or the connection closed first. For streams too long
    /// to keep.
    func skip(until text: String?, within seconds: Double) async -> String? {
        await offThePool { self.blockingSkip(until: text, within: seconds) }
    }

    private func blockingSkip(until text: String?, within seconds: Double) -> String? {
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let deadline = Date().addingTimeInterval(seconds)
        let needle = Array((text ?? "").utf8)
        var window: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count == 0 { return text == nil ? String(decoding: window, as: UTF8.self) : nil }
            guard count > 0 else { continue }
            window = Array((window + buffer[..<count]).suffix(8192))
            if text != nil, window.count >= needle.count,
                (0...(window.count - needle.count)).contains(where: { window[$0..<($0 + needle.count)].elementsEqual(needle) })
            {
                return String(decoding: window, as: UTF8.self)
            }
        }
        return nil
    }

    /// Reads what comes until `enough` says the bytes so far will do, the server closes or
    /// resets the connection (what arrived before a reset is still read), or the time is up;
    /// `closed` says whether the server ended it.
    func receive(within seconds: Double, until enough: @escaping @Sendable ([UInt8]) -> Bool = { _ in false }) async
        -> (bytes: [UInt8], closed: Bool)
    {
        await offThePool { self.blockingReceive(within: seconds, until: enough) }
    }

    /// `receive(within:until:)` on the calling thread, for a caller already off the pool.
    func blockingReceive(within seconds: Double, until enough: ([UInt8]) -> Bool) -> (bytes: [UInt8], closed: Bool) {
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let deadline = Date().addingTimeInterval(seconds)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0 {
                received += buffer[..<count]
                if enough(received) { return (received, false) }
            } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                return (received, true)
            }
        }
        return (received, false)
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard Glibc.send(descriptor, bytes, bytes.count, 0) == bytes.count else { throw POSIXError(.EIO) }
    }

    /// Waits, without reading, until the server has closed or reset the connection.
    func peerClosed(within seconds: Double) async -> Bool {
        await offThePool { [descriptor] in
            let peerHangUp: Int16 = 0x2000  // POLLRDHUP
            var descriptors = [pollfd(fd: descriptor, events: peerHangUp, revents: 0)]
            let ready = poll(&descriptors, 1, Int32(seconds * 1000))
            return ready > 0 && descriptors[0].revents & (peerHangUp | Int16(POLLHUP) | Int16(POLLERR)) != 0
        }
    }
}
