/// The outcome of reading one manifest file: its channel, if any, and everything wrong with it.
///
/// This is the JSON form `pushcast validate --json` prints (SPEC §1.5).
public struct Manifest: Sendable, Hashable, Codable {
    /// The path as given.
    public var file: String
    /// The channel id (the stem, lower-cased); the raw stem when it is not a valid id.
    public var id: String
    /// False only when the manifest is rejected.
    public var ok: Bool
    /// Which reading produced the channel; nil when none did.
    public var mode: ParseMode?
    public var diagnostics: [Diagnostic]
    public var channel: Channel?

    public init(file: String, id: String, mode: ParseMode?, diagnostics: [Diagnostic], channel: Channel?) {
        self.file = file
        self.id = id
        self.mode = mode
        self.diagnostics = diagnostics
        self.channel = channel
        self.ok = channel != nil && !diagnostics.contains { $0.code.rejectsManifest }
    }

    /// The diagnostics that reject the manifest.
    public var rejections: [Diagnostic] {
        diagnostics.filter { $0.code.rejectsManifest }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(id, forKey: .id)
        try container.encode(ok, forKey: .ok)
        try container.encode(mode, forKey: .mode)
        try container.encode(diagnostics, forKey: .diagnostics)
        try container.encode(channel, forKey: .channel)
    }
}

extension Manifest {
    /// One line for people: `file: ok (legacy, 6 items, 2 warnings)` or `file: rejected (…)`.
    public var summary: String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        var parts: [String] = []
        if let mode { parts.append(mode.rawValue) }
        if let channel { parts.append(channel.items.count == 1 ? "1 item" : "\(channel.items.count) items") }
        if errors > 0 { parts.append(errors == 1 ? "1 error" : "\(errors) errors") }
        if warnings > 0 { parts.append(warnings == 1 ? "1 warning" : "\(warnings) warnings") }
        return "\(file): \(ok ? "ok" : "rejected") (\(parts.joined(separator: ", ")))"
    }
}
