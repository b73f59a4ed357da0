import Foundation
import Testing

/// `pushcast ticker` on a real pseudo-terminal (tmux), its screen read back.
@Suite("pushcast ticker")
struct TickerCommandTests {
    /// Runs tmux on its own server socket.
    static func tmux(_ socket: String, _ arguments: [String]) async throws -> String {
        try await ProcessRunner.run("/usr/bin/env", ["tmux", "-L", socket] + arguments, timeout: 20).standardOutput
    }

    /// Stops the tmux server on `socket` (from a `defer`, so without `await`). Not with
    /// Foundation's `Process`: its `waitUntilExit` once never saw `tmux kill-server` exit (left
    /// a zombie) and held a thread of the test pool for good, which hung the whole run.
    /// A server whose session keeps its dead pane (`remain-on-exit`) outlives `kill-server`
    /// here (tmux 3.3a), so whatever still runs on the socket is then killed outright.
    static func killServer(_ socket: String) {
        ProcessRunner.runAndWait("/usr/bin/env", ["tmux", "-L", socket, "kill-server"])
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for pid in processes.compactMap(Int32.init) {
            let command = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
            let words = command.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if words.first?.hasSuffix("tmux") == true, words.dropFirst().starts(with: ["-L", socket]) { kill(pid, SIGKILL) }
        }
    }

    @Test func scrollsHeadlinesFollowsTheWidthAndExitsCleanly() async throws {
        let server = try await StreamEndToEndTests.newsServer()
        let socket = "pushcast-test-\(UUID().uuidString.prefix(8))"
        defer { Self.killServer(socket) }
        // The shell survives Ctrl-C (a no-op trap, which the ticker does not inherit) to record its exit status.
        let statusFile = server.folder.appendingPathComponent("ticker.status").path
        let command =
            "sh -c 'trap : INT; env PUSHCAST_SERVER=\(server.baseURL) NO_COLOR=1 \(ProcessRunner.pushcast) ticker news; "
            + "echo \"exit $?\" > \(statusFile); sleep 30'"
        _ = try await Self.tmux(socket, ["new-session", "-d", "-s", "T", "-x", "60", "-y", "4", command])
        _ = try await Self.tmux(socket, ["set-option", "-t", "T", "remain-on-exit", "on"])
        @Sendable func screen() async throws -> String { try await Self.tmux(socket, ["capture-pane", "-p", "-t", "T"]) }
        try await server.waitUntil("the headline on screen") { try await screen().contains("news: A") }
        #expect(try await screen().split(separator: "\n").first.map { $0.count <= 60 } == true)

        // A new item joins the line.
        try server.write(
            "<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>News</TITLE><ITEM HREF=\"a.html\"><TITLE>A</TITLE></ITEM>"
                + "<ITEM HREF=\"b.html\"><TITLE>Breaking B</TITLE></ITEM></CHANNEL>", to: "news.cdf")
        try server.write("<p>b</p>", to: "b.html")
        try await server.waitUntil("the new headline scrolls by", seconds: 15) { try await screen().contains("Breaking B") }

        // Narrower terminal: the line follows.
        _ = try await Self.tmux(socket, ["resize-window", "-t", "T", "-x", "30"])
        try await server.waitUntil("redrawn at 30 columns") {
            let first = try await screen().split(separator: "\n").first.map(String.init) ?? ""
            return !first.isEmpty && first.count <= 30
        }

        // Ctrl-C: status 0, which only the ticker's own handler gives (it restores the cursor
        // and clears its line first); dying of the signal would report 130.
        _ = try await Self.tmux(socket, ["send-keys", "-t", "T", "C-c"])
        try await server.waitUntil("the ticker exited") { FileManager.default.fileExists(atPath: statusFile) }
        #expect(try String(contentsOfFile: statusFile, encoding: .utf8) == "exit 0\n")
    }

    @Test func withNothingPendingItStartsWithTheNewestHeadlinesAndCtrlCLeavesNoTrace() async throws {
        let server = try await StreamEndToEndTests.newsServer()
        let config = ReaderCommandTests.configFolder()
        _ = try await ReaderCommandTests.run(["subscribe", "news"], server: server.baseURL, config: config)
        _ = try await ReaderCommandTests.run(["read", "--once"], server: server.baseURL, config: config)  // nothing pending now
        let socket = "pushcast-test-\(UUID().uuidString.prefix(8))"
        defer { Self.killServer(socket) }
        let command =
            "sh -c 'trap : INT; env PUSHCAST_SERVER=\(server.baseURL) XDG_CONFIG_HOME=\(config.path) NO_COLOR=1 "
            + "\(ProcessRunner.pushcast) ticker; echo; echo ended; sleep 30'"
        _ = try await Self.tmux(socket, ["new-session", "-d", "-s", "T", "-x", "80", "-y", "4", command])
        @Sendable func screen() async throws -> String { try await Self.tmux(socket, ["capture-pane", "-p", "-t", "T"]) }
        try await server.waitUntil("the newest headline at once", seconds: 5) { try await screen().contains("news: A") }
        #expect(try await !screen().contains("no headlines yet"))
        _ = try await Self.tmux(socket, ["send-keys", "-t", "T", "C-c"])
        try await server.waitUntil("the ticker ended") { try await screen().contains("ended") }
        let final = try await screen()
        #expect(!final.contains("^C"), "\(final)")
    }

    @Test func readAndChannelsFitEightyColumns() async throws {
        let server = try await ServerProcess(folder: try ServerProcess.makeFolder())
        let abstract = (1...40).map { "word\($0)" }.joined(separator: " ") + " THE-END"
        try server.write("<p>x</p>", to: "long/x.html")
        try server.write(
            """
            <?xml version="1.0"?>
            <CHANNEL><TITLE>Long</TITLE>
              <ITEM HREF="long/x.html" LASTMOD="not a date at all"><TITLE>A headline</TITLE><ABSTRACT>\(abstract)</ABSTRACT></ITEM>
            </CHANNEL>
            """, to: "long.cdf")
        try await server.waitUntil("logged") { try await server.items("long").count == 1 }
        let socket = "pushcast-test-\(UUID().uuidString.prefix(8))"
        defer { Self.killServer(socket) }
        let env = "env PUSHCAST_SERVER=\(server.baseURL) NO_COLOR=1 \(ProcessRunner.pushcast)"
        let command = "sh -c '\(env) read long --since 0 --once; \(env) channels; sleep 30'"
        _ = try await Self.tmux(socket, ["new-session", "-d", "-s", "R", "-x", "80", "-y", "40", command])
        @Sendable func screen() async throws -> String { try await Self.tmux(socket, ["capture-pane", "-p", "-t", "R"]) }
        try await server.waitUntil("both printed") {
            let text = try await screen()
            return text.contains("STATUS") && text.contains("[bad-lastmod]")
        }
        let lines = try await screen().split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(lines)")
        let text = lines.joined(separator: " ")
        #expect(text.contains("THE-END"))  // the abstract wrapped, not cut
        #expect(text.contains("ok, 1 warning"))
    }
}
