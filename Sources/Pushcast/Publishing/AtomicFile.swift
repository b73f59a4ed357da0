#if canImport(Glibc)
    import Glibc
#endif

/// Whole files only: the bytes go to a hidden temporary file beside the target, are
/// flushed to disk, and the file is renamed into place, so the server (whose watcher
/// ignores hidden files and waits for a close or a rename) never reads half of one.
public enum AtomicFile {
    /// Writes `bytes` to a new hidden file in `target`'s folder and returns its path.
    public static func stage(_ bytes: [UInt8], beside target: String) throws(PublishingError) -> String {
        let slash = target.lastIndex(of: "/")
        let folder = slash.map { String(target[...$0]) } ?? ""
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
        let suffix = String(UInt32.random(in: .min ... .max), radix: 16)
        let temporary = "\(folder).\(name).tmp-\(suffix)"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .system("write a file beside", target, errno: errno) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let code = errno
                close(descriptor)
                unlink(temporary)
                throw .system("write", target, errno: code)
            }
            written += count
        }
        let synced = fsync(descriptor) == 0
        let code = errno
        close(descriptor)
        guard synced else {
            unlink(temporary)
            throw .system("write", target, errno: code)
        }
        return temporary
    }

    /// Renames the staged file onto `target`. It keeps `target`'s permission bits when it
    /// replaces it; when `replacing` is false and `target` exists, the staged file is
    /// removed and nothing is replaced.
    public static func commit(_ temporary: String, to target: String, replacing: Bool) throws(PublishingError) {
        var existing = stat()
        let exists = lstat(target, &existing) == 0
        if exists && !replacing {
            unlink(temporary)
            throw PublishingError("\(target) appeared while it was being written; nothing was replaced.")
        }
        if exists { chmod(temporary, existing.st_mode & 0o7777) }
        guard rename(temporary, target) == 0 else {
            let code = errno
            unlink(temporary)
            throw .system("replace", target, errno: code)
        }
    }

    /// Removes a staged file that will not be committed, or a file this run created.
    public static func discard(_ path: String) {
        unlink(path)
    }
}
