import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What a finished child process did, as the kernel accounts for it.
struct ProcessOutcome {
    var status: Int32
    var standardOutput: String
    var standardError: String
    /// Peak resident memory, from `wait4`'s rusage.
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
    ) throws -> ProcessOutcome {
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
        var usage = rusage()
        var timedOut = false
        while true {
            let waited = wait4(pid, &status, WNOHANG, &usage)
            if waited == pid { break }
            if waited < 0 && errno != EINTR { throw POSIXError(.ECHILD) }
            if Date().timeIntervalSince(start) > timeout && !timedOut {
                timedOut = true
                kill(pid, SIGKILL)
            }
            usleep(2000)
        }
        let exited = status & 0x7F == 0
        return ProcessOutcome(
            status: exited ? (status >> 8) & 0xFF : -(status & 0x7F),
            standardOutput: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
            maxResidentKiB: usage.ru_maxrss, seconds: Date().timeIntervalSince(start), timedOut: timedOut)
    }

    static func pushcast(_ arguments: String..., in directory: String? = nil) throws -> ProcessOutcome {
        try run(Self.pushcast, arguments, in: directory)
    }
}
