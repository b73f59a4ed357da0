import CDF

/// What `pushcast item add` did.
public struct AddedItem: Sendable, Hashable {
    /// The item as the validator reads it from the new manifest.
    public var item: Item
    /// The channel's id.
    public var channel: String
    /// Where `--file` was copied to, if it was given.
    public var copiedTo: String?
}
