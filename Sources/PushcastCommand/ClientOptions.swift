import ArgumentParser
import Foundation
import PushcastClient

/// What every client command shares: which server, and this reader's identity file.
struct ClientOptions: ParsableArguments {
    @Option(help: "The server's URL (also PUSHCAST_SERVER).")
    var server = EnvironmentDefault.string("PUSHCAST_SERVER", "http://127.0.0.1:8080")

    var api: PushcastAPI { PushcastAPI(server: server) }
    var identities: IdentityFile { IdentityFile(path: IdentityFile.defaultPath()) }

    /// This reader's identity on the server, registering one the first time if `register`.
    func identity(register: Bool) async throws -> IdentityFile.Identity {
        if let known = try identities.identity(for: api.server) { return known }
        guard register else { throw ClientError.notRegistered(server: api.server) }
        let name = "\(ProcessInfo.processInfo.environment["USER"] ?? "reader")@\(ProcessInfo.processInfo.hostName)"
        let identity = try await api.register(name: name)
        try identities.save(identity, for: api.server)
        return identity
    }
}

/// Client errors go to stderr as a sentence with a hint, and exit with status 1.
enum ClientFailure {
    static func exit(_ error: any Error) -> ExitCode {
        let text = (error as? ClientError)?.description ?? "\(error)"
        try? FileHandle.standardError.write(contentsOf: Data("pushcast: \(text)\n".utf8))
        return ExitCode(1)
    }
}
