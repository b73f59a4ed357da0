import Synchronization

/// The server's own base URL for absolute links (`http://127.0.0.1:8080`): the configured
/// one, else the address the server actually bound (known only once it listens).
final class PublicURL: Sendable {
    private let current: Mutex<String>
    private let configured: Bool

    init(configured: String?, host: String, port: Int) {
        self.configured = configured != nil
        current = Mutex(configured.map { String($0.hasSuffix("/") ? $0.dropLast() : $0[...]) } ?? PublicURL.make(host, port))
    }

    var value: String { current.withLock { $0 } }

    /// Called once the server listens, with the port it got (port 0 asks for any).
    func bound(host: String, port: Int) {
        guard !configured else { return }
        current.withLock { $0 = PublicURL.make(host, port) }
    }

    private static func make(_ host: String, _ port: Int) -> String {
        let shown = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        return shown.contains(":") ? "http://[\(shown)]:\(port)" : "http://\(shown):\(port)"
    }
}
