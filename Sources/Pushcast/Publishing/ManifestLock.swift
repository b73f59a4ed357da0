#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a manifest for one edit, so that two `pushcast item add` runs on
/// the same channel (two cron jobs, say) cannot lose each other's item.
///
/// The lock is `flock` on the manifest itself. An edit replaces the file by renaming, so
/// after waiting for the lock the holder checks that the path still names the file it
/// locked, and starts again on the new one if not.
struct ManifestLock: ~Copyable {
    private let descriptor: Int32

    init(_ path: String) throws(PublishingError) {
        while true {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw .system("open", path, errno: errno) }
            while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
            var locked = stat()
            var current = stat()
            if fstat(descriptor, &locked) == 0, stat(path, &current) == 0, locked.st_ino == current.st_ino,
                locked.st_dev == current.st_dev
            {
                self.descriptor = descriptor
                return
            }
            close(descriptor)
        }
    }

    deinit {
        close(descriptor)
    }
}
