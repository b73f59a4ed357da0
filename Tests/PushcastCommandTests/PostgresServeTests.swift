import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `pushcast serve --db postgres://…` on one node, against the real PostgreSQL of
/// `Tests/support/with-postgres.sh` (issue 14's first step): the log, a stream, a kill -9
/// and a restart, and a database that does not answer. Each test has a database of its own.
@Suite("pushcast serve on PostgreSQL")
struct PostgresServeTests {
    static var url: String? { ProcessInfo.processInfo.environment["PUSHCAST_TEST_POSTGRES"] }
    static let skipped = "PUSHCAST_TEST_POSTGRES is unset: `make test` runs these beside a throwaway PostgreSQL."

    /// A new, empty database on the test cluster; its URL.
    static func freshDatabase() async throws -> String {
        let url = try #require(Self.url)
        let name = "serve_" + UUID().uuidString.prefix(8).lowercased()
        let made = try await ProcessRunner.run("/usr/bin/env", ["psql", url, "-q", "-c", "CREATE DATABASE \(name)"], timeout: 20)
        #expect(made.status == 0, "\(made.standardError)")
        let server = try #require(url.range(of: "/", options: .backwards)).lowerBound
        return String(url[..<server]) + "/" + name
    }

    @Test(.enabled(if: url != nil, Comment(rawValue: skipped)))
    func aChannelIsLoggedStreamedAndKeptAcrossAKill() async throws {
        let database = try await Self.freshDatabase()
        let folder = try ServerProcess.makeFolder()
        let server = try await StreamEndToEndTests.newsServer(["--db", database], folder: folder)
        #expect(database.hasPrefix("postgres://"))
        #expect(!FileManager.default.fileExists(atPath: server.database.path))  // not SQLite
        #expect(try await server.request("/healthz").status == 200)
        let stream = try await StreamClient(server.baseURL + "/channels/news/stream?since=1")
        try await StreamEndToEndTests.edit(server, "two")
        try await stream.waitUntil("the live item") { $0.items.compactMap(\.seq) == [2] }
        await stream.close()

        // Killed, then a change while down, then a restart on the same database: logged once, in order.
        await server.kill9()
        try server.write("<p>three, while down</p>", to: "a.html")
        let port = URL(string: server.baseURL)?.port ?? 0
        let restarted = try await ServerProcess(folder: folder, port: port, arguments: ["--db", database])
        try await restarted.waitUntil("the change while down logged") { try await StreamEndToEndTests.lastSeq(restarted) == 3 }
        let items = try await restarted.items("news")
        #expect(items.compactMap { $0["seq"] as? Int } == [1, 2, 3])
        #expect(items.compactMap { $0["event"] as? String } == ["new", "updated", "updated"])
    }

    @Test(.enabled(if: url != nil, Comment(rawValue: skipped)))
    func aDatabaseThatDoesNotAnswerIsSaidAndTheServerStillStopsCleanly() async throws {
        let folder = try ServerProcess.makeFolder()
        let errors = folder.appendingPathComponent("serve.err")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let serve = Process()
        serve.executableURL = URL(fileURLWithPath: ProcessRunner.pushcast)
        serve.arguments = [
            "serve", "--port", "0", "--channels", folder.appendingPathComponent("channels").path,
            "--db", "postgres://postgres@127.0.0.1:\(ServerProcess.freePort())/nowhere",
        ]
        serve.standardOutput = FileHandle.nullDevice
        serve.standardError = try FileHandle(forWritingTo: errors)
        try serve.run()
        defer { if serve.isRunning { kill(serve.processIdentifier, SIGKILL) } }
        let deadline = Date().addingTimeInterval(15)
        var said = ""
        while !said.contains("PostgreSQL does not answer") && Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            said = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        }
        #expect(said.contains("PostgreSQL does not answer; the server starts once it does"), "\(said)")
        #expect(!said.contains("PSQLError") && !said.contains("errno"), "\(said)")
        serve.terminate()
        let stopping = Date().addingTimeInterval(10)
        while serve.isRunning && Date() < stopping { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!serve.isRunning && serve.terminationStatus == 0)
    }
}
