/// Which reading of the file produced the channel (SPEC §1.3).
public enum ParseMode: String, Sendable, Hashable, Codable {
    /// A well-formed XML 1.0 document.
    case strict
    /// Read again after repairing what 1990s files got wrong; comes with a `legacy-syntax` warning.
    case legacy
}
