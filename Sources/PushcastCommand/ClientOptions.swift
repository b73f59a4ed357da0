import ArgumentParser
import Foundation
import Pushcast
import PushcastClient

/// What every client command shares: which server, and this reader's identity file.
struct ClientOptions: ParsableArguments {
    @Option(help: "The server's URL, e.g. http://127.0.0.1:8080 (also PUSHCAST_SERVER).")
    var server = EnvironmentDefault.string("PUSHCAST_SERVER", "http://127.0.0.1:8080")

    @Option(help: "The token a server that registers readers by token asks for (also PUSHCAST_REGISTRATION_TOKEN).")
    var registrationToken = EnvironmentDefault.optional("PUSHCAST_REGISTRATION_TOKEN")

    var api: PushcastAPI { PushcastAPI(server: Self.normalised(server)) }
    var identities: IdentityFile { IdentityFile(path: IdentityFile.defaultPath()) }

    func validate() throws {
        let url = Self.normalised(server)
        guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme?.lowercased()),
            let host = components.host, !host.isEmpty
        else {
            throw ValidationError("--server must be the server's URL, like http://127.0.0.1:8080, not '\(server)'.")
        }
    }

    /// `host:port` is taken for `http://host:port`, as people type it.
    static func normalised(_ server: String) -> String {
        let trimmed = server.trimmingCharacters(in: .whitespaces)
        return trimmed.contains("://") ? trimmed : "http://" + trimmed
    }

    /// This reader's identity on the server, registering one the first time if `register`.
    func identity(register: Bool) async throws -> IdentityFile.Identity {
        if let known = try identities.identity(for: api.server) { return known }
        guard register else { throw ClientError.notRegistered(server: api.server) }
        let name = "\(ProcessInfo.processInfo.environment["USER"] ?? "reader")@\(ProcessInfo.processInfo.hostName)"
        let identity = try await api.register(name: name, token: registrationToken)
        try identities.save(identity, for: api.server)
        return identity
    }
}

/// Client and publisher errors go to stderr as a sentence with a hint, and exit with status 1.
enum ClientFailure {
    static func exit(_ error: any Error) -> ExitCode {
        let text =
            switch error {
            case let error as ClientError: error.description
            case let error as PublishingError: error.description
            default: "something unexpected went wrong; try again, and report it if it lasts."
            }
        try? FileHandle.standardError.write(contentsOf: Data("pushcast: \(text)\n".utf8))
        return ExitCode(1)
    }
}
