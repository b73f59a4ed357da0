import Crypto
import Foundation
import Logging

/// Reads a local content file below `channels/`: hashed as it streams, kept when small.
struct LocalContentReader: Sendable {
    let directory: ChannelsDirectory
    let limits: ContentLimits
    let logger: Logger

    /// True when `relativePath` is a file inside the channels folder (`seen`: see `locate`).
    func exists(_ relativePath: String, seen: inout ChannelsDirectory.SeenFolders) -> Bool {
        if case .file = directory.locate(relativePath, seen: &seen) { return true }
        return false
    }

    /// The file's content, or nil when it is missing, not a file, leaves the folder, or
    /// cannot be read to its end (said in the log: a part of it is never taken for all).
    func read(_ relativePath: String, seen: inout ChannelsDirectory.SeenFolders) -> ObservedContent? {
        guard case .file(let path) = directory.locate(relativePath, seen: &seen),
            let handle = FileHandle(forReadingAtPath: path)
        else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        var kept = Data()
        var size = 0
        do {
            while let chunk = try handle.read(upToCount: 64 << 10), !chunk.isEmpty {
                hasher.update(data: chunk)
                size += chunk.count
                if size <= limits.storedBytes { kept.append(chunk) }
            }
        } catch {
            logger.failure(
                "a content file could not be read to its end; it is read again on the next change or check", error,
                level: .warning, metadata: ["file": "\(relativePath)"])
            return nil
        }
        return ObservedContent(
            hash: hasher.finalize().hexString, type: MediaTypes.forPath(relativePath), size: size,
            bytes: size <= limits.storedBytes ? kept : nil)
    }
}
