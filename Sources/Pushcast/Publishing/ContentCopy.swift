import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A publisher's file copied into a channel's content folder for `item add --file`, whole
/// (staged and renamed) and never over an existing file; undone if the item is refused.
struct ContentCopy {
    /// The copy's path.
    let path: String
    /// The content folder, when this copy created it.
    let createdFolder: String?

    init(_ source: String, into folder: String) throws(PublishingError) {
        let name = Self.fileName(of: source)
        var info = stat()
        guard stat(source, &info) == 0 else {
            throw PublishingError("There is no file at \(source); check the path given to --file.")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw PublishingError("\(source) is not a regular file; --file takes one file (a page, an image …).")
        }
        guard !name.hasPrefix(".") else {
            throw PublishingError("\(name) is a hidden file name; give the file a name without the leading dot, so it is easy to find. Nothing was changed.")
        }
        let target = "\(folder)/\(name)"
        guard lstat(target, &info) != 0 else {
            throw PublishingError(
                "\(target) already exists and was not overwritten; nothing was changed. If it is the page you mean, add it with --href \(Self.relativeHref(folder: folder, name: name)); otherwise rename your file.")
        }
        var created: String?
        if lstat(folder, &info) != 0 {
            guard mkdir(folder, 0o755) == 0 else { throw .system("create the folder", folder, errno: errno) }
            created = folder
        } else if info.st_mode & S_IFMT != S_IFDIR {
            throw PublishingError("\(folder) is not a folder, so the file cannot be copied into it; nothing was changed.")
        }
        do throws(PublishingError) {
            guard let data = FileManager.default.contents(atPath: source) else {
                throw PublishingError("Cannot read \(source); check its permissions.")
            }
            try AtomicFile.commit(try AtomicFile.stage([UInt8](data), beside: target), to: target, replacing: false)
        } catch {
            if let created { rmdir(created) }
            throw error
        }
        path = target
        createdFolder = created
    }

    /// Removes the copy (and the folder it created), when the item is refused.
    func undo() {
        AtomicFile.discard(path)
        if let createdFolder { rmdir(createdFolder) }
    }

    static func fileName(of path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// `folder/name` as an HREF beside the manifest: the folder's last component and the name.
    static func relativeHref(folder: String, name: String) -> String {
        "\(fileName(of: folder))/\(percentEncoded(name))"
    }

    /// A file name as an HREF path segment: everything but letters, digits and `-._~`
    /// percent-encoded as UTF-8 (the validator decodes it back to the name).
    static func percentEncoded(_ name: String) -> String {
        var out = ""
        for byte in name.utf8 {
            let scalar = Unicode.Scalar(byte)
            if ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                || "-._~".unicodeScalars.contains(scalar)
            {
                out.unicodeScalars.append(scalar)
            } else {
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
