import Foundation
import Testing

/// A PostgreSQL cluster of one test's own (initdb in a temp folder, a free loopback port),
/// for a test that stops and restarts the database itself, which the shared cluster of
/// `Tests/support/with-postgres.sh` must never be. Stopped and removed by `stop()`.
final class ThrowawayPostgres: Sendable {
    let folder: URL
    let port: Int
    /// `postgres://postgres@127.0.0.1:PORT/pushcast`.
    var url: String { "postgres://postgres@127.0.0.1:\(port)/pushcast" }
    private let bin: String
    private var data: String { folder.appendingPathComponent("data").path }

    /// Whether PostgreSQL's programs are installed here.
    static var binFolder: String? {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.compactMap(Int.init).sorted().last.map { "\(root)/\($0)/bin" }
    }

    init() async throws {
        bin = try #require(Self.binFolder, "PostgreSQL is not installed (make test installs it)")
        folder = URL(fileURLWithPath: "/tmp").appendingPathComponent("pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        port = ServerProcess.freePort()
        _ = try await ProcessRunner.run("/usr/bin/env", ["chown", "postgres", folder.path])
        try await asServer("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync"])
        try await start()
        try await asServer("createdb", ["-h", folder.path, "-p", String(port), "-U", "postgres", "pushcast"])
    }

    func start() async throws {
        try await asServer(
            "pg_ctl",
            [
                "start", "-D", data, "-l", folder.appendingPathComponent("server.log").path, "-w", "-s", "-o",
                "-c listen_addresses=127.0.0.1 -p \(port) -k \(folder.path) -c fsync=off",
            ])
    }

    /// Stops the server (fast: connections are cut) and waits for its postmaster to exit.
    func stopServer() async throws {
        let pid = (try? String(contentsOfFile: data + "/postmaster.pid", encoding: .utf8))?
            .split(separator: "\n").first.flatMap { Int32($0) }
        try await asServer("pg_ctl", ["stop", "-D", data, "-m", "fast", "-s"])
        while let pid, kill(pid, 0) == 0 { try await Task.sleep(for: .milliseconds(50)) }
    }

    /// Runs SQL on the database.
    func sql(_ statement: String) async throws -> String {
        let outcome = try await ProcessRunner.run("/usr/bin/env", ["psql", url, "-qAt", "-c", statement], timeout: 20)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        return outcome.standardOutput
    }

    func stop() async {
        try? await stopServer()
        try? FileManager.default.removeItem(at: folder)
    }

    private func asServer(_ program: String, _ arguments: [String]) async throws {
        let command = getuid() == 0 ? ["runuser", "-u", "postgres", "--", "\(bin)/\(program)"] : ["\(bin)/\(program)"]
        let outcome = try await ProcessRunner.run("/usr/bin/env", command + arguments, timeout: 60)
        guard outcome.status == 0 else {
            Issue.record("\(program) failed: \(outcome.standardError)")
            throw ServerProcessError.didNotStart(outcome.standardError)
        }
    }
}
