import AsyncHTTPClient
import Foundation
import Testing

/// Three `pushcast serve` nodes on loopback sharing one real PostgreSQL (issue 14,
/// docs/CLUSTER.md): node A watches the channels folder and logs; B and C serve only, or
/// watch the same folder. Each test has a database of its own.
@Suite("A cluster of nodes on PostgreSQL")
struct ClusterTests {
    static let skipped = PostgresServeTests.skipped

    /// A publishing node with the `news` channel logged once, and `readers` serve-only nodes.
    static func cluster(readers: Int = 2, database given: String? = nil) async throws -> (ServerProcess, [ServerProcess]) {
        var database = given ?? ""
        if given == nil { database = try await PostgresServeTests.freshDatabase() }
        let publisher = try await StreamEndToEndTests.newsServer(["--db", database])
        var nodes: [ServerProcess] = []
        for _ in 0..<readers { nodes.append(try await serveOnly(database, folder: publisher.folder)) }
        return (publisher, nodes)
    }

    static func serveOnly(_ database: String, folder: URL, port: Int = 0) async throws -> ServerProcess {
        try await ServerProcess(folder: folder, port: port, arguments: ["--db", database, "--serve-only"])
    }

    /// The content an entry logged.
    static func content(_ node: ServerProcess, _ seq: Int) async throws -> String {
        String(decoding: try await node.request("/channels/news/items/\(seq)/content").body, as: UTF8.self)
    }

    /// Whether the newest entry holds `text`.
    static func lastHolds(_ node: ServerProcess, _ text: String) async throws -> Bool {
        let last = try await StreamEndToEndTests.lastSeq(node)
        guard last > 0 else { return false }
        return try await content(node, last).contains(text)
    }

    /// Each entry's content, oldest first.
    static func contents(_ node: ServerProcess, _ seqs: [Int]) async throws -> [String] {
        var contents: [String] = []
        for seq in seqs { contents.append(try await content(node, seq)) }
        return contents
    }

    /// The item seqs a stream received.
    static func seqs(_ stream: StreamClient) -> [Int] {
        stream.items.compactMap { $0.seq.map { Int($0) } }
    }

    @Test(.enabled(if: PostgresServeTests.url != nil, Comment(rawValue: skipped)))
    func anItemLoggedOnOneNodeReachesEveryTransportOnTheOthersWithinASecond() async throws {
        let (a, readers) = try await Self.cluster()
        let (b, c) = (readers[0], readers[1])
        let (id, token) = try await SubscriberEndToEndTests.register(c)
        let auth = ["Authorization": "Bearer \(token)"]
        _ = try await c.request("/subscribers/\(id)/subscriptions/news", method: "PUT", headers: auth)
        // Each stream, and how it shows that seq 2 came.
        let streams: [(String, StreamClient, @Sendable (StreamClient) -> Bool)] = [
            ("item stream on B", try await StreamClient(b.baseURL + "/channels/news/stream?since=1"), { Self.seqs($0).contains(2) }),
            (
                "SSE on C", try await StreamClient(c.baseURL + "/channels/news/events", headers: ["Last-Event-ID": "1"]),
                { $0.text.contains("id: 2\n") }
            ),
            (
                "subscriber stream on C", try await StreamClient(c.baseURL + "/subscribers/\(id)/stream?token=\(token)"),
                { Self.seqs($0).contains(2) }
            ),
        ]
        try await streams[2].1.waitUntil("the pending item") { Self.seqs($0) == [1] }
        let poll = Task { try await b.request("/channels/news/poll?since=1&timeout=20") }
        try await Task.sleep(for: .milliseconds(200))  // the long poll is waiting

        let written = Date()
        try a.write("<p>two</p>", to: "a.html")
        for (name, stream, arrived) in streams {
            try await stream.waitUntil("seq 2 by \(name)", seconds: 5, arrived)
            #expect(Date().timeIntervalSince(written) < 1, "\(name) took \(Date().timeIntervalSince(written)) s")
        }
        let polled = try await poll.value.json()["items"] as? [[String: Any]] ?? []
        #expect(polled.compactMap { $0["seq"] as? Int } == [2])
        #expect(Date().timeIntervalSince(written) < 1, "the long poll took \(Date().timeIntervalSince(written)) s")
        for (_, stream, _) in streams { await stream.close() }
        // Pages and feeds on the other nodes show what A loaded and logged.
        #expect(try await c.channel("news")?["title"] as? String == "News")
        #expect(String(decoding: try await b.request("/channels/news/rss").body, as: UTF8.self).contains("<title>A</title>"))
    }

    @Test(.enabled(if: PostgresServeTests.url != nil, Comment(rawValue: skipped)))
    func twoNodesWatchingOneFolderLogEachEditOnce() async throws {
        let database = try await PostgresServeTests.freshDatabase()
        let a = try await StreamEndToEndTests.newsServer(["--db", database])
        let b = try await ServerProcess(folder: a.folder, arguments: ["--db", database])
        let reader = try await StreamClient(b.baseURL + "/channels/news/stream?since=1")
        for edit in 1...200 {
            try a.write("<p>edit \(edit)</p>", to: "a.html")
            try await Task.sleep(for: .milliseconds(edit % 10 == 0 ? 60 : 15))
        }
        try await a.waitUntil("the last edit logged", seconds: 20) { try await Self.lastHolds(a, "edit 200") }
        try await Task.sleep(for: .seconds(1))  // a second logging of it would be there by now
        let items = try await a.items("news")
        let seqs = items.compactMap { $0["seq"] as? Int }
        #expect(seqs == Array(1...seqs.count), "the log has a gap or a repeat")
        let contents = try await Self.contents(a, seqs)
        #expect(zip(contents, contents.dropFirst()).allSatisfy { $0 != $1 }, "a change was logged twice")
        #expect(items.compactMap { $0["revision"] as? Int } == Array(1...items.count))
        try await reader.waitUntil("every entry on B", seconds: 5) { Self.seqs($0).last == seqs.last }
        #expect(Self.seqs(reader) == Array(2...seqs.count))
        #expect(try await b.items("news").count == items.count)
        await reader.close()
    }

    @Test(.enabled(if: PostgresServeTests.url != nil, Comment(rawValue: skipped)))
    func aReaderWhoseNodeIsKilledResumesOnAnotherWithEveryItem() async throws {
        let (a, readers) = try await Self.cluster()
        let (b, c) = (readers[0], readers[1])
        let (id, token) = try await SubscriberEndToEndTests.register(b)
        let auth = ["Authorization": "Bearer \(token)"]
        _ = try await b.request("/subscribers/\(id)/subscriptions/news", method: "PUT", headers: auth)
        let channelStream = try await StreamClient(b.baseURL + "/channels/news/stream?since=1")
        let ownStream = try await StreamClient(b.baseURL + "/subscribers/\(id)/stream?token=\(token)")
        let burst = Task {
            for edit in 1...30 {
                try a.write("<p>burst \(edit)</p>", to: "a.html")
                try await Task.sleep(for: .milliseconds(40))
            }
        }
        try await channelStream.waitUntil("part of the burst") { Self.seqs($0).count >= 5 }
        await b.kill9()
        try await burst.value
        try await a.waitUntil("the burst logged", seconds: 20) { try await Self.lastHolds(a, "burst 30") }
        let last = try await StreamEndToEndTests.lastSeq(a)

        // The channel reader resumes on C after the last seq it has.
        let had = Self.seqs(channelStream)
        let resumed = try await StreamClient(c.baseURL + "/channels/news/stream?since=\(had.last ?? 1)")
        try await resumed.waitUntil("the rest on C") { Self.seqs($0).last == last }
        #expect(had + Self.seqs(resumed) == Array(2...last))
        // The subscriber resumes on C after its stored cursor: nothing is missing (a part B
        // wrote but whose cursor it never stored comes again: at least once).
        let ownOnC = try await StreamClient(c.baseURL + "/subscribers/\(id)/stream?token=\(token)")
        try await ownOnC.waitUntil("the rest for the subscriber") { Self.seqs($0).last == last }
        let both = Set(Self.seqs(ownStream) + Self.seqs(ownOnC))
        #expect(both == Set(1...last), "missing: \(Set(1...last).subtracting(both).sorted())")
        for stream in [channelStream, ownStream, resumed, ownOnC] { await stream.close() }
    }

    @Test(.enabled(if: PostgresServeTests.url != nil, Comment(rawValue: skipped)))
    func killingThePublishingNodeLosesNothingAndLogsNothingTwice() async throws {
        let database = try await PostgresServeTests.freshDatabase()
        let (a, readers) = try await Self.cluster(readers: 1, database: database)
        let reader = try await StreamClient(readers[0].baseURL + "/channels/news/stream?since=1")
        for edit in 1...15 {
            try a.write("<p>before \(edit)</p>", to: "a.html")
            try await Task.sleep(for: .milliseconds(30))
        }
        await a.kill9()
        let committed = try await readers[0].items("news").compactMap { $0["seq"] as? Int }
        let committedContents = try await Self.contents(readers[0], committed)
        for edit in 1...5 { try a.write("<p>while down \(edit)</p>", to: "a.html") }
        let restarted = try await ServerProcess(folder: a.folder, arguments: ["--db", database])
        try await restarted.waitUntil("the change while down logged") { try await Self.lastHolds(restarted, "while down 5") }
        let seqs = try await restarted.items("news").compactMap { $0["seq"] as? Int }
        #expect(seqs == Array(1...seqs.count))
        // Everything the killed node committed is there, as it was, and nothing twice.
        let contents = try await Self.contents(restarted, seqs)
        #expect(Array(contents.prefix(committed.count)) == committedContents)
        #expect(zip(contents, contents.dropFirst()).allSatisfy { $0 != $1 }, "a change was logged twice")
        try await reader.waitUntil("every entry on the reader's node") { Self.seqs($0).last == seqs.last }
        #expect(Self.seqs(reader) == Array(2...seqs.count))
        await reader.close()
    }

    @Test(.enabled(if: PostgresServeTests.url != nil, Comment(rawValue: skipped)))
    func theListenerCutOffAndTheDatabaseRestartedCostLatencyNotItems() async throws {
        let postgres = try await ThrowawayPostgres()
        do {
            try await Self.listenerCutAndRestart(postgres)
        } catch {
            await postgres.stop()
            throw error
        }
        await postgres.stop()
    }

    /// The nodes on `postgres`, a database of the test's own: it is stopped and started.
    static func listenerCutAndRestart(_ postgres: ThrowawayPostgres) async throws {
        let (a, readers) = try await Self.cluster(readers: 1, database: postgres.url)
        let b = readers[0]
        let reader = try await StreamClient(b.baseURL + "/channels/news/stream?since=1")

        // The database cuts every node's listening connection.
        let cut = try await postgres.sql(
            #"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE '%"updatedAt" FROM channel%' AND pid <> pg_backend_pid()"#)
        #expect(Int(cut.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 >= 2, "listeners cut: \(cut)")
        try a.write("<p>after the cut</p>", to: "a.html")
        try await reader.waitUntil("the item logged after the cut", seconds: 10) { Self.seqs($0).contains(2) }

        // PostgreSQL itself stops: the nodes say so, the stream stays open; an edit made
        // meanwhile is logged and pushed once it is back, and so is the next one.
        try await postgres.stopServer()
        try await b.waitUntil("B says the database is down", seconds: 10) {
            try await b.request("/healthz").status == 503
        }
        try a.write("<p>while the database is down</p>", to: "a.html")
        try await Task.sleep(for: .seconds(1))
        try await postgres.start()
        try await reader.waitUntil("the edit made while it was down", seconds: 15) { Self.seqs($0).contains(3) }
        try await a.waitUntil("A answers again", seconds: 15) { try await a.request("/healthz").status == 200 }
        try a.write("<p>after the restart</p>", to: "a.html")
        try await reader.waitUntil("the item logged after the restart", seconds: 15) { Self.seqs($0).contains(4) }
        #expect(Self.seqs(reader) == [2, 3, 4])
        #expect(!reader.isEnded, "the stream stayed open through the restart")
        #expect(b.log.contains("the database's notifications are not heard"))
        #expect(b.log.contains("the database's notifications are heard again"))
        await reader.close()
    }

    @Test(.enabled(if: PostgresServeTests.url != nil, Comment(rawValue: skipped)))
    func aResumePastPrunedHistoryIsAGapOnEveryNode() async throws {
        let database = try await PostgresServeTests.freshDatabase()
        let retention = ["--retain-items", "2", "--retain-days", "0"]
        let first = try await StreamEndToEndTests.newsServer(["--db", database] + retention)
        for text in ["two", "three", "four", "five"] { try await StreamEndToEndTests.edit(first, text) }
        await first.kill9()
        // Pruning runs as a node starts.
        let a = try await ServerProcess(folder: first.folder, arguments: ["--db", database] + retention)
        try await a.waitUntil("pruned") { try await a.items("news").first?["seq"] as? Int == 4 }
        let b = try await Self.serveOnly(database, folder: a.folder)
        let c = try await Self.serveOnly(database, folder: a.folder)
        for node in [a, b, c] {
            let stream = try await StreamClient(node.baseURL + "/channels/news/stream?since=1")
            try await stream.waitUntil("the gap and what is kept") { Self.seqs($0) == [4, 5] }
            #expect(stream.received.first?.event == "gap")
            await stream.close()
        }
    }

    @Test(.enabled(if: PostgresServeTests.url != nil, Comment(rawValue: skipped)))
    func makeClusterStartsThreeNodesThatServeTheSameChannelsAndStopsThem() async throws {
        let database = try await PostgresServeTests.freshDatabase()
        let folder = try ServerProcess.makeFolder()
        try "<p>0</p>".write(to: folder.appendingPathComponent("channels/a.html"), atomically: true, encoding: .utf8)
        try "<CHANNEL><TITLE>News</TITLE><ITEM HREF=\"a.html\"><TITLE>A</TITLE></ITEM></CHANNEL>"
            .write(to: folder.appendingPathComponent("channels/news.cdf"), atomically: true, encoding: .utf8)
        // Three ports in a row (the script numbers its nodes from PORT): taken where no other
        // test's server, started on port 0, can be given one of them meanwhile.
        let port = ServerProcess.freePorts(3)
        let output = folder.appendingPathComponent("cluster.out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let script = Process()
        script.executableURL = URL(fileURLWithPath: "/bin/sh")
        script.arguments = ["scripts/cluster.sh"]
        script.currentDirectoryURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        script.environment = ProcessInfo.processInfo.environment.merging([
            "PUSHCAST_DB": database, "PUSHCAST": ProcessRunner.pushcast, "PORT": String(port),
            "CHANNELS": folder.appendingPathComponent("channels").path,
        ]) { $1 }
        script.standardOutput = try FileHandle(forWritingTo: output)
        script.standardError = FileHandle.nullDevice
        try script.run()
        defer { if script.isRunning { script.terminate() } }
        let deadline = Date().addingTimeInterval(30)
        while !((try? String(contentsOf: output, encoding: .utf8)) ?? "").contains("Ctrl-C stops all three"),
            script.isRunning, Date() < deadline
        {
            try await Task.sleep(for: .milliseconds(50))
        }
        let said = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        #expect(said.contains("B  http://127.0.0.1:\(port + 1)/  serves only"), "\(said)")
        for node in 0..<3 {
            let reply = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port + node)/channels/news/items?since=0"), timeout: .seconds(10))
            let body = try await reply.body.collect(upTo: 1 << 20)
            #expect(String(buffer: body).contains("\"seq\":1"), "node \(node)")
        }
        // Stopped, as Ctrl-C stops it (make runs it beside the database, which sends SIGTERM).
        script.terminate()
        script.waitUntilExit()
        let refused = try? await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port + 1)/healthz"), timeout: .seconds(5))
        #expect(refused == nil, "node B still answers after the script stopped")
    }
}
