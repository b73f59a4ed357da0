import ArgumentParser
import Foundation
import PushcastClient

/// What every client command shares: which server, and this reader's identity file.
struct ClientOptions: ParsableArguments {
    @Option(
        name: .customLong("server"),
        help: "The server's URL, e.g. http://127.0.0.1:8080 (also PUSHCAST_SERVER); several nodes of one cluster: repeat it, or separate them with commas.")
    var serverList: [String] = []

    @Option(help: "The token a server that registers readers by token asks for (also PUSHCAST_REGISTRATION_TOKEN).")
    var registrationToken = EnvironmentDefault.optional("PUSHCAST_REGISTRATION_TOKEN")

    /// The servers, in the order given: `--server`, else `PUSHCAST_SERVER`, else this machine's.
    var servers: [String] {
        let given = serverList.isEmpty ? [EnvironmentDefault.string("PUSHCAST_SERVER", "http://127.0.0.1:8080")] : serverList
        return given.flatMap { $0.split(separator: ",") }.map { Self.normalised(String($0)) }.filter { $0 != "http://" }
    }

    var identities: IdentityFile { IdentityFile(path: IdentityFile.defaultPath()) }

    func validate() throws {
        guard !servers.isEmpty else { throw ValidationError("--server names no server; give one like http://127.0.0.1:8080.") }
        for url in servers {
            guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme?.lowercased()),
                let host = components.host, !host.isEmpty
            else {
                throw ValidationError("--server must be the server's URL, like http://127.0.0.1:8080, not '\(url)'.")
            }
        }
    }

    /// `host:port` is taken for `http://host:port`, as people type it.
    static func normalised(_ server: String) -> String {
        let trimmed = server.trimmingCharacters(in: .whitespaces)
        return trimmed.contains("://") ? trimmed : "http://" + trimmed
    }

    /// One API per server, in order.
    var apis: [PushcastAPI] { servers.map { PushcastAPI(server: $0) } }

    /// The first server that answers (the only one, when one is given).
    func api() async throws -> PushcastAPI {
        let apis = self.apis
        if apis.count == 1 { return apis[0] }
        for api in apis where await api.answers() { return api }
        throw ClientError.unreachable(server: servers.joined(separator: ", "), reason: "none of them answers")
    }

    /// Where this reader's identity is kept: the server, or the cluster its servers make.
    var identityKey: String { servers.joined(separator: ",") }

    /// This reader's identity on the server, registering one the first time if `register`.
    func identity(register: Bool) async throws -> IdentityFile.Identity {
        if let known = try identities.identity(for: identityKey) { return known }
        guard register else { throw ClientError.notRegistered(server: identityKey) }
        let name = "\(ProcessInfo.processInfo.environment["USER"] ?? "reader")@\(ProcessInfo.processInfo.hostName)"
        let identity = try await api().register(name: name, token: registrationToken)
        try identities.save(identity, for: identityKey)
        return identity
    }
}
