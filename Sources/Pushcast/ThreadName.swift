import Foundation
import Logging

/// Names the calling thread as the kernel shows it (`comm`: `ps -L`, `top -H`, `perf`), so an
/// operator can tell the server's own threads apart. Foundation's `Thread.name` does not
/// reach the kernel, and Swift does not import `pthread_setname_np` here; a thread may write
/// its own name instead (at most 15 bytes). Should the write fail, those tools show a generic
/// name and nothing else changes; the log says so, for whoever looks for the thread there.
enum ThreadName {
    private static let logger = Logger(label: "pushcast")

    static func set(_ name: String) {
        do {
            try name.write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
        } catch {
            logger.notice(
                "a thread could not be given its name; ps, top -H and perf show it under a generic one",
                metadata: ["thread": "\(name)"])
        }
    }
}
