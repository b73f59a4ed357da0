import Foundation

/// This reader's subscriber id and token, per server URL, in
/// `$XDG_CONFIG_HOME/pushcast/identity.json` (else `~/.config/…`), readable by its owner only.
public struct IdentityFile: Sendable {
    public struct Identity: Codable, Sendable, Equatable {
        public var id: String
        public var token: String

        public init(id: String, token: String) {
            self.id = id
            self.token = token
        }
    }

    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Where the file lives for this environment.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.config")
        return base + "/pushcast/identity.json"
    }

    public func identity(for server: String) throws -> Identity? {
        try read()[server]
    }

    /// Saves the identity for `server`, keeping the others; the file is mode 0600.
    public func save(_ identity: Identity, for server: String) throws {
        var all = try read()
        all[server] = identity
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(
            atPath: temporary, contents: try encoder.encode(["servers": all]), attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteNoPermission) }
        guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    private func read() throws -> [String: Identity] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        return try JSONDecoder().decode([String: [String: Identity]].self, from: data)["servers"] ?? [:]
    }
}
