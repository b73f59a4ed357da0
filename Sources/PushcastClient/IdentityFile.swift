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
        do {
            return try read()[server]
        } catch {
            throw ClientError.identityFile(
                path: path, problem: "is not an identity file Pushcast can read; move it aside and subscribe again")
        }
    }

    /// Saves the identity for `server`, keeping the others; the file is mode 0600.
    public func save(_ identity: Identity, for server: String) throws {
        var all = try read()
        let cannotWrite = ClientError.identityFile(path: path, problem: "cannot be written; check that this user may write its folder")
        all[server] = identity
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw cannotWrite
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(
            atPath: temporary, contents: try encoder.encode(["servers": all]), attributes: [.posixPermissions: 0o600])
        else { throw cannotWrite }
        guard rename(temporary, path) == 0 else { throw cannotWrite }
    }

    private func read() throws -> [String: Identity] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        return try JSONDecoder().decode([String: [String: Identity]].self, from: data)["servers"] ?? [:]
    }
}
