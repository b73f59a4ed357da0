import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What a terminal reader meets in the first hour (issue 13), against the real server:
/// `read --once` that ends, sentences instead of library errors, `--json` for scripts,
/// `open`, `page`, `--notify`, `--version`, and connection news said once.
@Suite("A terminal reader's first hour")
struct ReaderFirstHourTests {
    /// No message a person reads carries a type name, errno or a library's dump.
    static func plain(_ text: String) -> Bool {
        !["errno", "Error(", "NSCocoaErrorDomain", "HTTPClientError", "IOError", "DecodingError", "(error set)"].contains {
            text.contains($0)
        }
    }

    @Test func readOnceOnNamedChannelsEndsAndSaysNothingNew() async throws {
        let server = try await StreamEndToEndTests.newsServer()
        try await StreamEndToEndTests.edit(server, "two")
        let config = ReaderCommandTests.configFolder()
        let fresh = try await ReaderCommandTests.run(["read", "news", "--once"], server: server.baseURL, config: config)
        #expect(!fresh.timedOut && fresh.status == 0 && fresh.standardOutput == "nothing new\n")
        let after = try await ReaderCommandTests.run(["read", "news", "--once", "--since", "1"], server: server.baseURL, config: config)
        #expect(!after.timedOut && after.status == 0)
        #expect(after.standardOutput.contains("news #2  A  [updated]") && !after.standardOutput.contains("news #1 "))
        let json = try await ReaderCommandTests.run(["read", "news", "--once", "--since", "2", "--json"], server: server.baseURL, config: config)
        #expect(json.status == 0 && json.standardOutput.isEmpty && json.standardError.contains("nothing new"))
    }

    @Test func mistakesAreSaidInSentences() async throws {
        let server = try await StreamEndToEndTests.newsServer()
        let config = ReaderCommandTests.configFolder()
        // host:port without a scheme is taken for http://.
        let bare = try await ReaderCommandTests.run(["channels", "--server", server.baseURL.replacingOccurrences(of: "http://", with: "")], server: "", config: config)
        #expect(bare.status == 0 && bare.standardOutput.contains("news"))
        let ftp = try await ReaderCommandTests.run(["channels", "--server", "ftp://example.com"], server: "", config: config)
        #expect(ftp.status == 2 && ftp.standardError.contains("--server must be the server's URL, like http://127.0.0.1:8080"))
        let down = try await ReaderCommandTests.run(["channels"], server: "http://127.0.0.1:9", config: config)
        #expect(down.status == 1 && down.standardError.contains("nothing is listening there") && Self.plain(down.standardError))
        let validate = try await ProcessRunner.pushcast("validate", "no-such-file.cdf")
        #expect(validate.status == 1 && validate.standardOutput.contains("there is no such file") && Self.plain(validate.standardOutput))
        let open = try await ReaderCommandTests.run(["open", "news", "99"], server: server.baseURL, config: config)
        #expect(open.status == 1 && open.standardError.contains("'news' has no item #99"))

        // A second server on a taken port says so, and touches neither channels/ nor a database.
        let folder = try ServerProcess.makeFolder()
        let port = URL(string: server.baseURL)?.port ?? 0
        let second = try await ProcessRunner.run(
            ProcessRunner.pushcast,
            ["serve", "--port", "\(port)", "--channels", server.channels.path, "--db", folder.appendingPathComponent("db/x.sqlite").path],
            timeout: 20)
        #expect(second.status == 1 && second.standardError.contains("port \(port) on 127.0.0.1 is already in use"), "\(second.standardError)")
        #expect(Self.plain(second.standardError))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("db").path))

        // A retired channel is said to be retired.
        try server.remove("news.cdf")
        try await server.waitUntil("retired") { try await server.channel("news")?["status"] as? String == "retired" }
        let retired = try await ReaderCommandTests.run(["subscribe", "news"], server: server.baseURL, config: config)
        #expect(retired.status == 1 && retired.standardError.contains("the channel 'news' is retired"))
    }

    @Test func scriptsGetJSONAndTheVersion() async throws {
        let server = try await StreamEndToEndTests.newsServer()
        let config = ReaderCommandTests.configFolder()
        _ = try await ReaderCommandTests.run(["subscribe", "news"], server: server.baseURL, config: config)
        let channels = try await ReaderCommandTests.run(["channels", "--json"], server: server.baseURL, config: config)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(channels.standardOutput.utf8)) as? [[String: Any]])
        #expect(list.first?["id"] as? String == "news" && list.first?["diagnostics"] != nil)
        let subscriptions = try await ReaderCommandTests.run(["subscriptions", "--json"], server: server.baseURL, config: config)
        let mine = try #require(try JSONSerialization.jsonObject(with: Data(subscriptions.standardOutput.utf8)) as? [[String: Any]])
        #expect(mine.first?["channel"] as? String == "news" && mine.first?["cursor"] as? Int == 0)
        let version = try await ProcessRunner.pushcast("--version")
        #expect(version.status == 0 && version.standardOutput.hasPrefix("pushcast "))
    }

    @Test func openPageAndNotifyHandItemsOnToTheDesktop() async throws {
        let server = try await StreamEndToEndTests.newsServer()
        let config = ReaderCommandTests.configFolder()
        // Stand-ins for a browser and for libnotify's notify-send, recording what they were given.
        let bin = server.folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let record = server.folder.appendingPathComponent("record.txt").path
        for name in ["browser", "notify-send"] {
            try Self.writeScript("#!/bin/sh\necho \"\(name) $*\" >> \(record)\n", to: bin.appendingPathComponent(name).path)
        }
        let opened = try await ReaderCommandTests.run(
            ["open", "news", "1"], server: server.baseURL, config: config, environment: ["BROWSER": bin.path + "/browser"])
        #expect(opened.status == 0 && opened.standardOutput == "opening \(server.baseURL)/channels/news/items/1/content\n")
        try await server.waitUntil("the browser called") {
            ((try? String(contentsOfFile: record, encoding: .utf8)) ?? "").contains("browser \(server.baseURL)/channels/news/items/1/content")
        }

        _ = try await ReaderCommandTests.run(["subscribe", "news"], server: server.baseURL, config: config)
        let page = try await ReaderCommandTests.run(["page"], server: server.baseURL, config: config)
        let address = page.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(address.hasPrefix(server.baseURL + "/subscribers/") && address.contains("/live?token="))
        #expect(page.standardError.contains("share it with nobody"))
        let live = try await server.request(String(address.dropFirst(server.baseURL.count)), headers: ["Accept": "text/html"])
        #expect(live.status == 200 && live.headers["content-type"]?.hasPrefix("text/html") == true)

        let notified = try await ReaderCommandTests.run(
            ["read", "--once", "--notify"], server: server.baseURL, config: config,
            environment: ["PATH": bin.path + ":/usr/bin:/bin"])
        #expect(notified.status == 0 && notified.standardOutput.contains("news #1  A"))
        try await server.waitUntil("the notification raised") {
            ((try? String(contentsOfFile: record, encoding: .utf8)) ?? "").contains("notify-send --app-name=Pushcast news A")
        }
        let without = try await ReaderCommandTests.run(["read", "--once", "--notify"], server: server.baseURL, config: config, environment: ["PATH": "/nonexistent"])
        #expect(without.standardError.contains("notify-send is not installed"))
    }

    /// Writes an executable script through a descriptor closed on exec. A descriptor open for
    /// writing that a process spawned meanwhile by another test inherits keeps the file busy
    /// for that process's life, and running the script then fails (ETXTBSY): the stand-in
    /// browser was never called in a fresh clone's `make test`.
    static func writeScript(_ text: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else { throw POSIXError(.EIO) }
    }

    @Test func losingTheServerIsSaidOnceAndItsReturnToo() async throws {
        let folder = try ServerProcess.makeFolder()
        let server = try await StreamEndToEndTests.newsServer(["--heartbeat", "1"], folder: folder)
        let address = server.baseURL
        let config = ReaderCommandTests.configFolder()
        _ = try await ReaderCommandTests.run(["subscribe", "news"], server: address, config: config)
        let errors = folder.appendingPathComponent("read.err")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: ProcessRunner.pushcast)
        reader.arguments = ["read"]
        reader.environment = ProcessInfo.processInfo.environment.merging(["PUSHCAST_SERVER": address, "XDG_CONFIG_HOME": config.path]) { $1 }
        reader.standardOutput = FileHandle.nullDevice
        reader.standardError = try FileHandle(forWritingTo: errors)
        try reader.run()
        defer { if reader.isRunning { kill(reader.processIdentifier, SIGKILL) } }
        @Sendable func said() -> String { (try? String(contentsOf: errors, encoding: .utf8)) ?? "" }
        try await Task.sleep(for: .milliseconds(500))
        await server.kill9()
        // Down for a few seconds: several failed attempts, one line.
        try await Task.sleep(for: .seconds(4))
        let portNumber = URL(string: address)?.port ?? 0
        let restarted = try await ServerProcess(folder: folder, port: portNumber, arguments: ["--heartbeat", "1"])
        try await restarted.waitUntil("reconnected said", seconds: 40) { said().contains("reconnected to \(address)") }
        let lines = said().split(separator: "\n")
        #expect(lines.filter { $0.contains("reconnecting in") }.count == 1, "\(lines)")
        #expect(lines.filter { $0.contains("reconnected") }.count == 1, "\(lines)")
        #expect(lines.allSatisfy { Self.plain(String($0)) }, "\(lines)")
    }

    @Test func severalServersAreTriedInTurnWhenOneIsDown() async throws {
        let server = try await StreamEndToEndTests.newsServer()
        let config = ReaderCommandTests.configFolder()
        let down = "http://127.0.0.1:\(ServerProcess.freePort())"
        let listed = try await ReaderCommandTests.run(["channels", "--server", down, "--server", server.baseURL], server: "", config: config)
        #expect(listed.status == 0 && listed.standardOutput.contains("news"), "\(listed.standardError)")
        // Comma-separated in PUSHCAST_SERVER, as for a cluster; the identity is the cluster's.
        let cluster = "\(down),\(server.baseURL)"
        let subscribed = try await ReaderCommandTests.run(["subscribe", "news"], server: cluster, config: config)
        #expect(subscribed.status == 0, "\(subscribed.standardError)")
        let read = try await ReaderCommandTests.run(["read", "--once"], server: cluster, config: config)
        #expect(read.status == 0 && read.standardOutput.contains("news #1  A"), "\(read.standardError)")
        #expect(read.standardError.contains("cannot reach the Pushcast server at \(down): nothing is listening there; trying \(server.baseURL)"))
        #expect(Self.plain(read.standardError))
        let none = try await ReaderCommandTests.run(["channels"], server: "\(down),\(down)/", config: config)
        #expect(none.status == 1 && none.standardError.contains("none of them answers"))
    }
}
