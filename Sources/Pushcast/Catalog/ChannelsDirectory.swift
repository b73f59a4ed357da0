import CDF
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The `channels/` folder: where manifests and their content files live, and the
/// boundary no local HREF may cross, not even through a symbolic link (SPEC §1.2).
public struct ChannelsDirectory: Sendable {
    /// The folder's canonical path (symbolic links resolved).
    public let root: String

    /// Where a channels-relative path really leads.
    public enum ContentLocation: Sendable, Hashable {
        /// A regular file inside the folder, by its canonical path.
        case file(String)
        case missing
        /// Resolving symbolic links leaves the folder.
        case outside
        /// Something that is not a regular file (a folder, a device …).
        case notAFile
    }

    /// The folder, held open (as the watcher holds it): `locate` looks paths up from here, so
    /// the kernel walks only the components below it. Replace what is in the folder, not the
    /// folder itself.
    private let folder: OpenFolder

    public init(path: String) throws(ChannelsDirectoryError) {
        guard let real = ChannelsDirectory.realPath(path) else { throw .notFound(path) }
        var info = stat()
        guard stat(real, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { throw .notAFolder(path) }
        guard let folder = OpenFolder(real) else { throw .notFound(path) }
        root = real
        self.folder = folder
    }

    /// Where `relativePath` (as a manifest's local HREF resolves to) leads.
    ///
    /// Every check and every load locates each of a channel's files, so the common path, plain
    /// folders and a file, costs one `lstat` per component below the folder (relative to the
    /// open folder: `fstatat`) and resolves nothing; a folder in `seen` (found plain earlier in
    /// the same pass) is not looked up again. A symbolic link, `.` or `..` on the way has the
    /// whole path resolved (`realpath`), since it may lead out.
    public func locate(_ relativePath: String, seen: inout SeenFolders) -> ContentLocation {
        // Split as bytes: the path comes from a manifest's item, every one of every load.
        let components = relativePath.utf8.split(separator: UInt8(ascii: "/")).map { Substring($0) }
        guard !components.isEmpty else { return .outside }
        if components.contains(where: { $0 == "." || $0 == ".." }) { return locateResolving(relativePath) }
        var path = ""
        var info = stat()
        for (index, component) in components.enumerated() {
            path += path.isEmpty ? String(component) : "/" + component
            let isFolder = index < components.count - 1
            if isFolder, seen.plain.contains(path) { continue }
            guard fstatat(folder.descriptor, path, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return .missing }
            if info.st_mode & S_IFMT == S_IFLNK { return locateResolving(relativePath) }
            if isFolder, info.st_mode & S_IFMT == S_IFDIR { seen.plain.insert(path) }
        }
        return info.st_mode & S_IFMT == S_IFREG ? .file(root + "/" + path) : .notAFile
    }

    /// `locate` for one path on its own.
    public func locate(_ relativePath: String) -> ContentLocation {
        var seen = SeenFolders()
        return locate(relativePath, seen: &seen)
    }

    /// The folders below the channels folder found to be plain folders (not links) during one
    /// pass over many paths, such as a manifest's items: each is looked up once per pass.
    public struct SeenFolders: Sendable {
        fileprivate var plain: Set<String> = []

        public init() {}
    }

    /// `locate` for a path through a symbolic link, `.` or `..`.
    private func locateResolving(_ relativePath: String) -> ContentLocation {
        guard let real = ChannelsDirectory.realPath(root + "/" + relativePath) else { return .missing }
        guard real.hasPrefix(root + "/") else { return .outside }
        var info = stat()
        guard stat(real, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return .notAFile }
        return .file(real)
    }

    /// Reads the manifest at `path` (a file directly in this folder) and parses it, then
    /// checks each local HREF against the folder: one that leaves it through a symbolic
    /// link is an error and its item is left out; one that names no file is a warning.
    /// `displayPath` is how diagnostics name the file.
    public func loadManifest(at path: String, displayPath: String, limits: ParseLimits = ParseLimits()) -> LoadedManifest {
        let bytes: [UInt8]
        let size: Int
        do {
            (bytes, size) = try ChannelsDirectory.readPrefix(of: path, limit: limits.maxBytes + 1)
        } catch {
            let stem = ChannelID.stem(ofFile: displayPath)
            return LoadedManifest(
                manifest: Manifest(
                    file: displayPath, id: ChannelID.id(forStem: stem) ?? stem, mode: nil,
                    diagnostics: [
                        Diagnostic(.error, .unreadable, "cannot read the file: \(Self.whyUnreadable(path))", file: displayPath)
                    ],
                    channel: nil),
                source: [], leftOut: [])
        }
        var manifest = ManifestParser.parse(bytes, file: displayPath, fileSize: size, limits: limits)
        guard let channel = manifest.channel else { return LoadedManifest(manifest: manifest, source: bytes, leftOut: []) }
        var escaped: [String] = []
        var seen = SeenFolders()
        for item in channel.items where item.local {
            switch locate(item.href, seen: &seen) {
            case .file: break
            case .outside:
                escaped.append(item.id)
                manifest.diagnostics.append(
                    Diagnostic(
                        .error, .hrefOutsideChannels,
                        "ITEM left out: '\(item.href)' leads outside the channels folder through a symbolic link",
                        file: displayPath, line: item.line ?? 1, column: item.column ?? 1))
            case .missing, .notAFile:
                manifest.diagnostics.append(
                    Diagnostic(
                        .warning, .missingFile, "'\(item.href)' is not a file in the channels folder",
                        file: displayPath, line: item.line ?? 1, column: item.column ?? 1))
            }
        }
        let logos = channel.logos.filter(\.local) + channel.items.flatMap(\.logos).filter(\.local)
        for logo in Set(logos.map(\.href)).sorted() where locate(logo, seen: &seen) == .outside {
            manifest.diagnostics.append(
                Diagnostic(
                    .error, .hrefOutsideChannels,
                    "logo '\(logo)' leads outside the channels folder through a symbolic link; it will not be served",
                    file: displayPath))
        }
        manifest.channel = StoredManifest.leaving(escaped, outOf: channel)
        return LoadedManifest(manifest: manifest, source: bytes, leftOut: escaped)
    }

    /// Why the file at `path` could not be read, in words (never Foundation's error text).
    static func whyUnreadable(_ path: String) -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            return "there is no such file; check its name and folder"
        }
        if isFolder.boolValue { return "it is a folder, not a file" }
        if !FileManager.default.isReadableFile(atPath: path) { return "this user may not read it; check its permissions" }
        return "reading it failed; check the disk"
    }

    /// At most `limit` bytes from the start of the file, and the file's whole size: one
    /// `open`, `fstat` and (for a file that does not grow meanwhile) one `read`.
    static func readPrefix(of path: String, limit: Int) throws(UnreadableFile) -> ([UInt8], Int) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw UnreadableFile() }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw UnreadableFile() }
        // One byte more than its size, so that one read finds the end.
        var bytes = [UInt8](repeating: 0, count: min(limit, max(Int(info.st_size), 0) + 1))
        var count = 0
        while count < limit {
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: min(limit, 2 * count) - count)) }
            let read = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress.map { $0 + count }, $0.count - count) }
            if read == 0 { break }
            guard read > 0 else {
                if errno == EINTR { continue }
                throw UnreadableFile()
            }
            count += read
        }
        bytes.removeSubrange(count...)
        return (bytes, max(Int(info.st_size), count))
    }

    /// A manifest file that could not be opened or read (`whyUnreadable` says why, in words).
    struct UnreadableFile: Error {}

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// Why a folder cannot serve as `channels/`.
public enum ChannelsDirectoryError: Error, Sendable, CustomStringConvertible {
    case notFound(String)
    case notAFolder(String)

    public var description: String {
        switch self {
        case .notFound(let path): "no such folder: \(path)"
        case .notAFolder(let path): "not a folder: \(path)"
        }
    }
}

/// A folder held open for lookups below it, closed with its last user.
final class OpenFolder: Sendable {
    let descriptor: Int32

    init?(_ path: String) {
        descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
    }

    deinit {
        close(descriptor)
    }
}
