import Foundation
import NIOCore
import NIOPosix

/// Binds the address `pushcast serve` will listen on once and lets go, before the engine
/// reads `channels/` or opens the database: a taken port is said in a sentence, and a
/// second server never logs a thing. It binds a plain socket and never listens on it, so no
/// client can connect in the meantime: readers reconnecting while a server restarts are
/// refused until it serves, never accepted by the check and dropped.
public enum ListenCheck {
    /// Why the address cannot be listened on, said so that a person knows what to do.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func check(host: String, port: Int) throws {
        guard port != 0 else { return }
        do {
            let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
            try BoundSocket(address).close()
        } catch {
            throw Failure(description: explain(error, host: host, port: port))
        }
    }

    /// The sentence for a failed bind (also when the server's own bind fails later).
    public static func explain(_ error: any Error, host: String, port: Int) -> String {
        switch (error as? IOError)?.errnoCode {
        case EADDRINUSE:
            "port \(port) on \(host) is already in use: another program (perhaps another pushcast serve) listens there. Stop it, or choose another port with --port."
        case EACCES:
            "port \(port) needs privileges this user does not have: choose a port above 1023 with --port, or put a proxy in front (docs/DEPLOYING.md)."
        case EADDRNOTAVAIL:
            "\(host) is not an address of this machine: check --host (127.0.0.1 for this machine only, 0.0.0.0 for every interface)."
        default:
            error is SocketAddressError
                ? "'\(host)' cannot be resolved to an address: check --host."
                : "cannot listen on \(host):\(port): check --host and --port."
        }
    }
}
