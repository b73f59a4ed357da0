/// What went wrong talking to the server, said so that a person knows what to do.
public enum ClientError: Error, CustomStringConvertible, Sendable {
    case unreachable(server: String, reason: String)
    case unknownChannel(String, closeMatches: [String])
    case notRegistered(server: String)
    case server(status: Int, code: String, message: String)
    case unexpected(String)

    public var description: String {
        switch self {
        case .unreachable(let server, let reason):
            "cannot reach the Pushcast server at \(server) (\(reason)).\nIs it running? Start it with 'make run', or point --server (or PUSHCAST_SERVER) at it."
        case .unknownChannel(let id, let matches):
            "there is no channel '\(id)'."
                + (matches.isEmpty ? " 'pushcast channels' lists them." : " Did you mean: \(matches.joined(separator: ", "))?")
        case .notRegistered(let server):
            "this reader has no subscriptions on \(server) yet: subscribe first, e.g. 'pushcast subscribe news'."
        case .server(let status, let code, let message):
            "the server answered \(status) (\(code)): \(message)"
        case .unexpected(let what):
            "unexpected answer from the server: \(what)"
        }
    }
}
