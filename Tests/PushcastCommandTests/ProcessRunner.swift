import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What a finished child process did.
struct ProcessOutcome {
    var status: Int32
    var standardOutput: String
    var standardError: String
    /// Peak resident memory: the program's `VmHWM`, read while it ran (to within 2 ms of its end).
    var maxResidentKiB: Int
    var seconds: Double
    var timedOut: Bool
}

/// Runs a program to completion with its output in files, measuring its peak memory.
enum ProcessRunner {
    /// The `pushcast` executable built beside this test bundle (or `PUSHCAST_BINARY`).
    static let pushcast: String = {
        if let path = ProcessInfo.processInfo.environment["PUSHCAST_BINARY"] { return path }
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var folder = URL(fileURLWithPath: me).deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("pushcast").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        return "pushcast"
    }()

    static func run(
        _ executable: String, _ arguments: [String], in directory: String? = nil,
        environment extra: [String: String] = [:], timeout: Double = 30
    ) async throws -> ProcessOutcome {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outPath = scratch.appendingPathComponent("out").path
        let errPath = scratch.appendingPathComponent("err").path

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        var environment = ProcessInfo.processInfo.environment
        environment.merge(extra) { $1 }
        environment["PUSHCAST_SERVER"] = extra["PUSHCAST_SERVER"] ?? environment["PUSHCAST_SERVER"]
        // `env -C` changes folder and then execs the program, so the pid (and its rusage) is the program's.
        let command = directory.map { ["/usr/bin/env", "-C", $0, executable] } ?? [executable]
        let argv = (command + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }

        let start = Date()
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, envp)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        var status: Int32 = 0
        var timedOut = false
        var peakKiB = 0
        while true {
            // The program's own peak, read while it runs: `ru_maxrss` would also count the
            // moment before exec, when the spawned child still shares this test process's
            // memory (posix_spawn's vfork), and so grow with whatever the other tests hold.
            peakKiB = Self.highWaterMark(pid) ?? peakKiB
            let waited = wait4(pid, &status, WNOHANG, nil)
            if waited == pid { break }
            if waited < 0 && errno != EINTR { throw POSIXError(.ECHILD) }
            if Date().timeIntervalSince(start) > timeout && !timedOut {
                timedOut = true
                kill(pid, SIGKILL)
            }
            // Waiting frees the thread: tests run side by side on a pool as small as the machine.
            try await Task.sleep(for: .milliseconds(2))
        }
        let exited = status & 0x7F == 0
        return ProcessOutcome(
            status: exited ? (status >> 8) & 0xFF : -(status & 0x7F),
            standardOutput: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
            maxResidentKiB: peakKiB, seconds: Date().timeIntervalSince(start), timedOut: timedOut)
    }

    /// Runs a short program to its end, blocking this thread (for a `defer`), its output
    /// dropped; returns its exit status, or -1 when it could not be started.
    @discardableResult
    static func runAndWait(_ executable: String, _ arguments: [String]) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status >> 8) & 0xFF
    }

    /// `VmHWM` of a running process, in KiB; nil once it has exited.
    static func highWaterMark(_ pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }

    static func pushcast(_ arguments: String..., in directory: String? = nil) async throws -> ProcessOutcome {
        try await run(Self.pushcast, arguments, in: directory)
    }
}
