#if canImport(Glibc)
    import Glibc
#endif

/// A plain client socket connected (or not) to a port on 127.0.0.1, for tests that must see
/// what the kernel does with a connection, below SwiftNIO.
struct LoopbackClient {
    let descriptor: Int32
    /// 0 when connected, else `connect`'s errno.
    let error: Int32

    init(port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        error = connected == 0 ? 0 : errno
    }

    func close() {
        Glibc.close(descriptor)
    }
}
