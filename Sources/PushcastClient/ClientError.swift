/// What went wrong talking to the server, said so that a person knows what to do.
public enum ClientError: Error, CustomStringConvertible, Sendable {
    case unreachable(server: String, reason: String)
    case unknownChannel(String, closeMatches: [String])
    case retiredChannel(String)
    case noSuchItem(channel: String, seq: Int64)
    case identityFile(path: String, problem: String)
    case notRegistered(server: String)
    case server(status: Int, code: String, message: String)
    case unexpected(String)

    public var description: String {
        switch self {
        case .unreachable:
            brief + ".\nIs it running? Start it with 'make run', or point --server (or PUSHCAST_SERVER) at it."
        case .retiredChannel(let id):
            "the channel '\(id)' is retired: its publisher removed it, so nothing new will come. 'pushcast channels' lists the live ones."
        case .noSuchItem(let channel, let seq):
            "'\(channel)' has no item #\(seq): it may have been pruned, or not come yet. 'pushcast read \(channel) --since \(max(0, seq - 5)) --once' lists those around it."
        case .identityFile(let path, let problem):
            "this reader's identity file \(path) \(problem)."
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

    /// The first sentence alone, without the advice (for a line among others).
    public var brief: String {
        if case .unreachable(let server, let reason) = self { return "cannot reach the Pushcast server at \(server): \(reason)" }
        return description.split(separator: "\n").first.map(String.init) ?? description
    }
}
