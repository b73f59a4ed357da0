import CDF

/// A manifest file as `ChannelsDirectory.loadManifest` read it: the outcome, and what the
/// store keeps of it as the channel's last good manifest when it loads (`StoredManifest`).
public struct LoadedManifest: Sendable {
    public var manifest: Manifest
    /// The bytes read; none when the file could not be read.
    public var source: [UInt8]
    /// The ids of the items left out of `manifest.channel` (their HREF leads outside `channels/`).
    public var leftOut: [String]
}
