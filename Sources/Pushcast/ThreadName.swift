import Foundation

/// Names the calling thread as the kernel shows it (`comm`: `ps -L`, `top -H`, `perf`), so an
/// operator can tell the server's own threads apart. Foundation's `Thread.name` does not
/// reach the kernel, and Swift does not import `pthread_setname_np` here; a thread may write
/// its own name instead (at most 15 bytes). Should the write fail, those tools show a generic
/// name and nothing else changes, so it is not worth a line in the log (the tests check the
/// names).
enum ThreadName {
    static func set(_ name: String) {
        try? name.write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
    }
}
