import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A real `pushcast serve` on port 0 over a temporary channels folder and database, for
/// end-to-end tests; stopped (SIGKILL) when the test is done with it.
final class ServerProcess: Sendable {
    let folder: URL
    let channels: URL
    let database: URL
    let baseURL: String
    private let process: Process
    private let errorLog: URL

    /// A port that was free a moment ago (for a server that must come back on the same one).
    static func freePort() -> Int {
        bindable(0) ?? 0
    }

    /// The first of `count` consecutive ports that are free now, below the kernel's ephemeral
    /// range (32768 and up), where no server started with `--port 0` can take one of them
    /// before they are used.
    static func freePorts(_ count: Int) -> Int {
        while true {
            let first = Int.random(in: 20_000..<(32_768 - count))
            if (first..<(first + count)).allSatisfy({ bindable($0) != nil }) { return first }
        }
    }

    /// The port bound when binding 127.0.0.1:`port` (0: any) succeeds now, or nil.
    private static func bindable(_ port: Int) -> Int? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }

    /// A fresh folder with an empty `channels/`.
    static func makeFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("channels"), withIntermediateDirectories: true)
        return folder
    }

    /// Starts the server on `folder` (its `channels/` and `db/pushcast.sqlite`) and waits until it listens.
    init(folder: URL, port: Int = 0, arguments: [String] = []) async throws {
        self.folder = folder
        channels = folder.appendingPathComponent("channels")
        database = folder.appendingPathComponent("db/pushcast.sqlite")
        errorLog = folder.appendingPathComponent("server-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessRunner.pushcast)
        process.arguments = [
            "serve", "--port", String(port), "--channels", channels.path, "--db", database.path, "--check-interval", "3600",
        ] + arguments
        // Standard output goes to a file that is read back, not to a pipe with a readability
        // handler: a dispatch source on a pipe whose descriptor is closed under it has crashed
        // the test process (libdispatch, `_dispatch_event_loop_drain`).
        let outputLog = folder.appendingPathComponent("server-\(UUID().uuidString.prefix(8)).out")
        _ = FileManager.default.createFile(atPath: outputLog.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outputLog)
        process.standardError = try FileHandle(forWritingTo: errorLog)
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(30)
        var url: String?
        while url == nil {
            let text = (try? String(contentsOf: outputLog, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.contains(" at http://") }) {
                url = line.components(separatedBy: " at ").last
            } else if !process.isRunning || Date() > deadline {
                throw ServerProcessError.didNotStart(try String(contentsOf: errorLog, encoding: .utf8))
            } else {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        baseURL = url ?? ""
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// What the server wrote to standard error (its log).
    var log: String { (try? String(contentsOf: errorLog, encoding: .utf8)) ?? "" }

    /// SIGKILL: no chance to clean up.
    func kill9() async {
        kill(process.processIdentifier, SIGKILL)
        await offThePool { [process] in process.waitUntilExit() }
    }

    /// SIGTERM, then waits for the exit; returns the seconds it took.
    func terminate() async -> TimeInterval {
        let start = Date()
        process.terminate()
        await offThePool { [process] in process.waitUntilExit() }
        return Date().timeIntervalSince(start)
    }

    var exitStatus: Int32 { process.terminationStatus }

    var pid: Int32 { process.processIdentifier }

    /// The kernel's scheduling policy (`sched_getscheduler`) of each of the server's threads,
    /// by thread name (`/proc/PID/task/TID/comm`).
    var threadPolicies: [String: [Int32]] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        var policies: [String: [Int32]] = [:]
        for task in tasks {
            guard let tid = Int32(task),
                let name = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8)
            else { continue }
            policies[name.trimmingCharacters(in: .newlines), default: []].append(sched_getscheduler(tid))
        }
        return policies
    }

    /// The server's resident memory now, from /proc.
    var residentKiB: Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    // MARK: - HTTP

    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data
        func json() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        }
    }

    func request(_ path: String, method: String = "GET", headers: [String: String] = [:], body: String? = nil)
        async throws -> Reply
    {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .init(rawValue: method)
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        return Reply(status: Int(response.status.code), headers: fields, body: Data(body.readableBytesView))
    }

    func json(_ path: String) async throws -> [String: Any] {
        try await request(path).json()
    }

    /// The channel's entry in `GET /channels`.
    func channel(_ id: String) async throws -> [String: Any]? {
        let list = try await json("/channels")["channels"] as? [[String: Any]] ?? []
        return list.first { $0["id"] as? String == id }
    }

    /// The channel's whole log, oldest first.
    func items(_ id: String) async throws -> [[String: Any]] {
        try await json("/channels/\(id)/items?since=0&limit=1000")["items"] as? [[String: Any]] ?? []
    }

    /// Waits until `condition` holds, asking again every 20 ms, for at most `seconds`.
    func waitUntil(
        _ what: String, seconds: Double = 10, _ condition: @Sendable () async throws -> Bool,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while try await !condition() {
            guard Date() < deadline else {
                Issue.record("timed out waiting for: \(what)\n--- server log ---\n\(log.suffix(3000))", sourceLocation: sourceLocation)
                throw ServerProcessError.timedOut(what)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    // MARK: - Files

    func write(_ text: String, to relativePath: String) throws {
        try write(bytes: Array(text.utf8), to: relativePath)
    }

    func write(bytes: [UInt8], to relativePath: String) throws {
        let url = channels.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Written beside and renamed into place, as editors and publishing tools do.
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        try Data(bytes).write(to: temporary)
        _ = rename(temporary.path, url.path)
    }

    func remove(_ relativePath: String) throws {
        try FileManager.default.removeItem(at: channels.appendingPathComponent(relativePath))
    }

    /// Changes the file's modification time: a touch, which the server treats as a change.
    func touch(_ relativePath: String) {
        _ = utimes(channels.appendingPathComponent(relativePath).path, nil)
    }
}

enum ServerProcessError: Error {
    case didNotStart(String)
    case timedOut(String)
}
