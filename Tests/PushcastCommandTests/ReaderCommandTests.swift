import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The terminal reader's commands against a running server (SPEC §5).
@Suite("pushcast subscribe and read")
struct ReaderCommandTests {
    /// Runs a client command with its own config folder and server (and `environment` added).
    static func run(_ arguments: [String], server: String, config: URL, environment: [String: String] = [:]) async throws
        -> ProcessOutcome
    {
        try await ProcessRunner.run(
            ProcessRunner.pushcast, arguments,
            environment: ["PUSHCAST_SERVER": server, "XDG_CONFIG_HOME": config.path, "NO_COLOR": "1"].merging(environment) { $1 },
            timeout: 60)
    }

    static func configFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString)")
    }

    @Test func subscribeKeepsAnIdentityAndExplainsMistakes() async throws {
        let server = try await StreamEndToEndTests.newsServer()
        let config = Self.configFolder()
        let typo = try await Self.run(["subscribe", "nws"], server: server.baseURL, config: config)
        #expect(typo.status == 1 && typo.standardError.contains("there is no channel 'nws'. Did you mean: news?"))
        let unknown = try await Self.run(["subscribe", "nosuchchannel"], server: server.baseURL, config: config)
        #expect(unknown.status == 1 && unknown.standardError.contains("'pushcast channels' lists them"))
        #expect(!FileManager.default.fileExists(atPath: config.appendingPathComponent("pushcast/identity.json").path))

        let subscribed = try await Self.run(["subscribe", "news"], server: server.baseURL, config: config)
        #expect(subscribed.status == 0 && subscribed.standardOutput == "subscribed to news\n")
        let identity = config.appendingPathComponent("pushcast/identity.json").path
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: identity)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        let saved = try String(contentsOfFile: identity, encoding: .utf8)
        #expect(saved.contains(server.baseURL) && saved.contains("\"token\""))
        let listed = try await Self.run(["subscriptions"], server: server.baseURL, config: config)
        // A new subscription starts with the newest items.
        #expect(listed.standardOutput == "CHANNEL  PENDING  READ UP TO  STATUS\nnews           1  #0 of #1    ok\n")
        let table = try await Self.run(["channels"], server: server.baseURL, config: config)
        #expect(table.standardOutput.contains("news") && table.standardOutput.contains(" ok"))
        #expect(table.standardOutput.split(separator: "\n").allSatisfy { $0.count <= 80 })

        let started = Date()
        let down = try await Self.run(["channels"], server: "http://127.0.0.1:9", config: config)
        #expect(Date().timeIntervalSince(started) < 10, "saying the server is down took too long")
        #expect(down.status == 1 && down.standardError.contains("cannot reach the Pushcast server at http://127.0.0.1:9"))
    }

    @Test func readOnceShowsWhatIsPendingThenOnlyWhatIsNew() async throws {
        let server = try await StreamEndToEndTests.newsServer()
        try await StreamEndToEndTests.edit(server, "two")
        let config = Self.configFolder()
        _ = try await Self.run(["subscribe", "news"], server: server.baseURL, config: config)
        let first = try await Self.run(["read", "--once"], server: server.baseURL, config: config)
        #expect(first.status == 0)
        #expect(first.standardOutput.contains("news #1  A") && first.standardOutput.contains("news #2  A  [updated]"))
        #expect(try await Self.run(["read", "--once"], server: server.baseURL, config: config).standardOutput == "nothing new\n")
        try await StreamEndToEndTests.edit(server, "three")
        let json = try await Self.run(["read", "--once", "--json"], server: server.baseURL, config: config)
        let lines = json.standardOutput.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["seq"] as? Int == 3 && object["channel"] as? String == "news")
    }

    @Test func readResumesOnItsOwnAcrossAServerRestart() async throws {
        let folder = try ServerProcess.makeFolder()
        let port = ServerProcess.freePort()
        let server = try await ServerProcess(folder: folder, port: port, arguments: ["--heartbeat", "1"])
        try server.write("<p>0</p>", to: "a.html")
        try server.write("<?xml version=\"1.0\"?>\n<CHANNEL><ITEM HREF=\"a.html\"><TITLE>A</TITLE></ITEM></CHANNEL>", to: "news.cdf")
        try await server.waitUntil("logged") { try await StreamEndToEndTests.lastSeq(server) == 1 }
        let config = Self.configFolder()
        _ = try await Self.run(["subscribe", "news"], server: server.baseURL, config: config)

        let output = folder.appendingPathComponent("read.out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: ProcessRunner.pushcast)
        reader.arguments = ["read", "--json"]
        reader.environment = ProcessInfo.processInfo.environment.merging(
            ["PUSHCAST_SERVER": server.baseURL, "XDG_CONFIG_HOME": config.path]) { $1 }
        reader.standardOutput = try FileHandle(forWritingTo: output)
        reader.standardError = FileHandle.nullDevice
        try reader.run()
        defer { if reader.isRunning { kill(reader.processIdentifier, SIGKILL) } }
        @Sendable func printed() -> [Int] {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["seq"] as? Int
            }
        }
        try await server.waitUntil("the pending item printed") { printed() == [1] }
        try await StreamEndToEndTests.edit(server, "two")
        try await server.waitUntil("the live item printed") { printed() == [1, 2] }

        await server.kill9()
        try server.write("<p>three, while down</p>", to: "a.html")
        let restarted = try await ServerProcess(folder: folder, port: port, arguments: ["--heartbeat", "1"])
        try await restarted.waitUntil("the change while down logged") { try await StreamEndToEndTests.lastSeq(restarted) == 3 }
        try await StreamEndToEndTests.edit(restarted, "four")
        try await restarted.waitUntil("read resumed by itself", seconds: 20) { printed().count >= 4 }
        #expect(printed() == [1, 2, 3, 4])
        #expect(reader.isRunning)
    }
}
