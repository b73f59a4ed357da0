/// The rule for channel ids: a manifest `channels/<id>.cdf` (or `.xml`) is served as the
/// channel `<id>`, its stem lower-cased, which must match `[a-z0-9][a-z0-9._-]{0,63}`.
public enum ChannelID {
    /// The extensions a manifest may have.
    public static let manifestExtensions = ["cdf", "xml"]

    /// The file's stem: its last path component without a `.cdf` or `.xml` extension.
    public static func stem(ofFile path: String) -> String {
        let name = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: ".") else { return name }
        let ext = name[name.index(after: dot)...].lowercased()
        return manifestExtensions.contains(ext) ? String(name[..<dot]) : name
    }

    /// The id for a stem, lower-cased, or nil when the stem does not make a valid id.
    public static func id(forStem stem: String) -> String? {
        let id = stem.lowercased()
        let bytes = Array(id.utf8)
        guard (1...64).contains(bytes.count) else { return nil }
        for (index, byte) in bytes.enumerated() {
            let alphanumeric =
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            let punctuation = byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            guard alphanumeric || (index > 0 && punctuation) else { return nil }
        }
        return id
    }
}
