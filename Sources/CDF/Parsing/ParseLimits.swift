/// The bounds every parse works within (SPEC §1.3). The defaults are the documented ones.
public struct ParseLimits: Sendable, Hashable {
    /// A larger manifest is refused before parsing (`too-large`).
    public var maxBytes: Int
    /// CHANNEL elements nested deeper than this, the root included, are refused (`too-deep`).
    public var maxChannelDepth: Int
    /// Elements of any kind nested deeper than this are refused (`too-deep`).
    public var maxElementDepth: Int
    /// Items past this many are left out with a `too-many-items` warning.
    public var maxItems: Int
    /// Diagnostics past this many are counted, not kept.
    public var maxDiagnostics: Int

    public init(
        maxBytes: Int = 1 << 20, maxChannelDepth: Int = 64, maxElementDepth: Int = 200, maxItems: Int = 10_000,
        maxDiagnostics: Int = 200
    ) {
        self.maxBytes = maxBytes
        self.maxChannelDepth = maxChannelDepth
        self.maxElementDepth = maxElementDepth
        self.maxItems = maxItems
        self.maxDiagnostics = maxDiagnostics
    }
}
