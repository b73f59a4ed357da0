import Crypto
import Foundation

/// Reads a local content file below `channels/`: hashed as it streams, kept when small.
struct LocalContentReader: Sendable {
    let directory: ChannelsDirectory
    let limits: ContentLimits

    /// The file's content, or nil when it is missing, not a file, or leaves the folder.
    func read(_ relativePath: String) -> ObservedContent? {
        guard case .file(let path) = directory.locate(relativePath),
            let handle = FileHandle(forReadingAtPath: path)
        else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        var kept = Data()
        var size = 0
        while let chunk = try? handle.read(upToCount: 64 << 10), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += chunk.count
            if size <= limits.storedBytes { kept.append(chunk) }
        }
        return ObservedContent(
            hash: hasher.finalize().hexString, type: MediaTypes.forPath(relativePath), size: size,
            bytes: size <= limits.storedBytes ? kept : nil)
    }
}
