#if canImport(Glibc)
    import Glibc
#endif

/// Why `pushcast new` or `pushcast item add` changed nothing: one or more sentences for
/// the publisher, saying what to do.
public struct PublishingError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }

    /// A failed file operation on `path`, in words (never an errno).
    static func system(_ action: String, _ path: String, errno code: Int32) -> PublishingError {
        let reason =
            switch code {
            case EACCES, EPERM: "permission is denied; check who owns the folder"
            case ENOSPC, EDQUOT: "the disk is full"
            case EROFS: "the file system is read-only"
            case ENOENT, ENOTDIR: "its folder does not exist"
            case EISDIR: "it is a folder"
            default: "the system refused"
            }
        return PublishingError("Cannot \(action) \(path): \(reason). Nothing was changed.")
    }
}
