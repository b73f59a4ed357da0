import CDF
import Foundation

/// A channel's last good manifest as the store keeps it: the file's bytes as they were read
/// when it loaded, and the items left out then because their HREF led outside `channels/`.
///
/// The bytes are written as read, so a manifest change costs one row write, not an encoding
/// of the whole channel; the channel is parsed again from them when it is read back (at
/// start, and on a node that serves what another node reads).
public struct StoredManifest: Sendable, Hashable {
    /// The manifest file's bytes.
    public var source: [UInt8]
    /// The ids of the items left out, as a JSON array (as stored).
    public var leftOut: String

    public init(source: [UInt8], leftOut: String) {
        self.source = source
        self.leftOut = leftOut
    }

    /// The manifest `source`, with the ids of the items left out of its channel (nearly
    /// always none: every change makes one, so none is written without an encoder).
    public init(source: [UInt8], leftOut ids: [String]) throws {
        let leftOut = ids.isEmpty ? "[]" : String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
        self.init(source: source, leftOut: leftOut)
    }

    /// The channel parsed again from `source`, without the items left out; nil when this
    /// version of Pushcast rejects the manifest, and throws when `leftOut` does not decode.
    /// `displayPath` is the manifest's path as diagnostics name it (its stem is the channel id).
    public func channel(displayPath: String, limits: ParseLimits) throws -> Channel? {
        let manifest = ManifestParser.parse(source, file: displayPath, limits: limits)
        guard manifest.ok, let channel = manifest.channel else { return nil }
        let ids = leftOut == "[]" ? [] : try JSONDecoder().decode([String].self, from: Data(leftOut.utf8))
        return Self.leaving(ids, outOf: channel)
    }

    /// `channel` without the items `ids`.
    static func leaving(_ ids: [String], outOf channel: Channel) -> Channel {
        guard !ids.isEmpty else { return channel }
        let ids = Set(ids)
        return channel.keepingItems { !ids.contains($0.id) }
    }
}
