import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP socket bound to an address and never listened on (`ListenCheck`): the bind says
/// whether a server could listen there, the way `pushcast serve` binds (`SO_REUSEADDR`), while
/// the kernel refuses every connection to it.
struct BoundSocket {
    private var descriptor: Int32

    /// Binds `address`; throws the bind's error as SwiftNIO's `IOError`, as the server's own
    /// bind would.
    init(_ address: SocketAddress) throws {
        let family: Int32 = switch address {
        case .v6: AF_INET6
        case .v4: AF_INET
        case .unixDomainSocket: AF_UNIX
        }
        descriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        var on: Int32 = 1
        let bound = address.withSockAddr { pointer, length in
            setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size)) == 0
                && bind(descriptor, pointer, socklen_t(length)) == 0
        }
        guard bound else {
            let error = IOError(errnoCode: errno, reason: "bind")
            Glibc.close(descriptor)
            throw error
        }
    }

    /// Lets the address go.
    func close() {
        Glibc.close(descriptor)
    }
}
