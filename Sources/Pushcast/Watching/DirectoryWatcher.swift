import CDF
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Watches a folder and everything below it with inotify, and reports which paths
/// changed: files written, created, deleted, moved in or out, touched. Folders created or
/// moved in later are watched too. The publish thread waits on the inotify descriptor beside
/// its jobs (`PublishThreadSource`), so a batch is handled on the thread that reads it, with
/// no thread of its own to wake; nothing is polled on a timer. Bursts (an editor's save is
/// several events) are reported as one batch once `debounce` seconds pass without an
/// event, or at most four times that after the burst began. A manifest renamed into the
/// root ends its burst at once: that is how a careful publisher finishes a change (content
/// first, then the manifest, written aside and renamed into place), and a renamed file is
/// whole.
public final class DirectoryWatcher: Sendable {
    /// The paths below the root that changed in one burst; `rescan` when the kernel's queue
    /// overflowed or a whole folder came or went, and everything should be looked at again.
    public struct Batch: Sendable, Hashable {
        public var paths: Set<String> = []
        public var rescan = false
        /// Folders below the root that could not be watched, and why: changes in them are
        /// seen on a rescan or a scheduled check only.
        public var unwatched: [String: String] = [:]
    }

    public let changes: AsyncStream<Batch>
    private let watch: FolderWatch

    public init(root: String, debounce: TimeInterval) throws(DirectoryWatcherError) {
        let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { throw .inotify(errno) }
        let (stream, continuation) = AsyncStream.makeStream(of: Batch.self)
        changes = stream
        let watch = FolderWatch(
            inotify: fd, root: root, debounce: .milliseconds(Int(max(debounce, 0.001) * 1000)), continuation: continuation)
        guard watch.watchTree("") else {
            let code = errno
            close(fd)
            throw .inotify(code)
        }
        if !watch.pending.unwatched.isEmpty {
            continuation.yield(watch.pending)
            watch.pending = Batch()
        }
        self.watch = watch
        PublishThread.shared.add(watch)
    }

    /// Ends the watch: the publish thread lets go of the descriptor and the stream finishes.
    public func stop() {
        PublishThread.shared.remove(watch)
    }
}

public enum DirectoryWatcherError: Error, Sendable, CustomStringConvertible {
    case inotify(Int32)

    public var description: String {
        switch self {
        case .inotify(let code): "cannot watch the channels folder: \(String(cString: strerror(code)))"
        }
    }
}

/// The watch's own state, which watch descriptor is which folder and the burst pending;
/// used by the publish thread only once added to it (before, by the watcher's `init`).
private final class FolderWatch: PublishThreadSource, @unchecked Sendable {
    let inotify: Int32
    let root: String
    let debounce: Duration
    let continuation: AsyncStream<DirectoryWatcher.Batch>.Continuation
    var folders: [Int32: String] = [:]
    var pending = DirectoryWatcher.Batch()
    var burstStarted: ContinuousClock.Instant?
    var lastEvent: ContinuousClock.Instant?
    private var buffer = [UInt8](repeating: 0, count: 64 << 10)
    private static let logger = Logger(label: "pushcast")

    /// A file being written is reported when its writer closes it (IN_CLOSE_WRITE), not on
    /// each write (IN_MODIFY) or at its creation, so a half-written file is never read.
    static let mask = UInt32(
        IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | IN_ATTRIB | IN_DELETE_SELF
            | IN_MOVE_SELF)

    init(inotify: Int32, root: String, debounce: Duration, continuation: AsyncStream<DirectoryWatcher.Batch>.Continuation) {
        self.inotify = inotify
        self.root = root
        self.debounce = debounce
        self.continuation = continuation
    }

    /// Watches `relative` and every folder below it. False if the root itself cannot be
    /// watched; a folder below it that cannot be is noted in the next batch (`unwatched`).
    func watchTree(_ relative: String) -> Bool {
        let path = relative.isEmpty ? root : root + "/" + relative
        let descriptor = inotify_add_watch(inotify, path, FolderWatch.mask)
        guard descriptor >= 0 else {
            if !relative.isEmpty { pending.unwatched[relative] = String(cString: strerror(errno)) }
            return false
        }
        folders[descriptor] = relative
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            if !relative.isEmpty { pending.unwatched[relative] = "its files cannot be listed" }
            return true
        }
        for name in entries {
            let child = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            // lstat: a symbolic link to a folder is not followed (it may lead outside).
            if lstat(root + "/" + child, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                _ = watchTree(child)
            }
        }
        return true
    }

    // MARK: PublishThreadSource

    var descriptor: Int32 { inotify }

    /// The quiet time after the last event of a pending burst.
    var deadline: ContinuousClock.Instant? {
        burstStarted == nil ? nil : lastEvent.map { $0 + debounce }
    }

    func readable() {
        while true {
            let count = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                // EAGAIN: all read. Any other failure would come again at every wake, so the
                // watch ends (the engine's next scheduled checks still see changes).
                if count == 0 || errno != EAGAIN {
                    let reason = count == 0 ? "the kernel ended it" : String(cString: strerror(errno))
                    Self.logger.warning(
                        "The channels folder is no longer watched (\(reason)); changes are seen at each channel's next scheduled check only. Restart the server to watch it again.",
                        metadata: ["folder": "\(root)"])
                    PublishThread.shared.remove(self)
                }
                return
            }
            let now = ContinuousClock.now
            lastEvent = now
            if handle(count: count) {
                flush()
            } else if let started = burstStarted, now - started >= debounce * 4 {
                flush()
            }
        }
    }

    func deadlinePassed() {
        flush()
    }

    func removed() {
        close(inotify)
        continuation.finish()
    }

    private func isSymbolicLink(_ relative: String) -> Bool {
        var info = stat()
        return lstat(root + "/" + relative, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    private func flush() {
        if !pending.paths.isEmpty || pending.rescan || !pending.unwatched.isEmpty { continuation.yield(pending) }
        pending = DirectoryWatcher.Batch()
        burstStarted = nil
    }

    private func note(_ path: String?) {
        if let path { pending.paths.insert(path) } else { pending.rescan = true }
        if burstStarted == nil { burstStarted = .now }
    }

    /// Notes the `count` bytes of events read; true when one was a manifest renamed into the
    /// root.
    private func handle(count: Int) -> Bool {
        var published = false
        var offset = 0
        while offset + 16 <= count {
            let (descriptor, mask, length) = buffer.withUnsafeBytes { raw in
                (
                    raw.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                    raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                    Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                )
            }
            let nameBytes = buffer[(offset + 16)..<min(offset + 16 + length, count)].prefix { $0 != 0 }
            let name = String(decoding: nameBytes, as: UTF8.self)
            offset += 16 + length
            if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                note(nil)
                continue
            }
            if mask & UInt32(IN_IGNORED) != 0 {
                folders[descriptor] = nil
                continue
            }
            guard let folder = folders[descriptor] else { continue }
            let path = name.isEmpty ? folder : (folder.isEmpty ? name : folder + "/" + name)
            if mask & UInt32(IN_ISDIR) != 0 {
                if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { _ = watchTree(path) }
                note(nil)
            } else if !name.isEmpty && !(mask & UInt32(IN_CREATE) != 0 && !isSymbolicLink(path)) {
                // A created file is reported when closed after writing; a created link at once.
                note(path)
                if mask & UInt32(IN_MOVED_TO) != 0, folder.isEmpty, Self.isManifest(name) { published = true }
            }
        }
        return published
    }

    private static func isManifest(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: ".") else { return false }
        return ChannelID.manifestExtensions.contains(name[name.index(after: dot)...].lowercased())
    }
}
