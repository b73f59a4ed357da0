import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The file descriptor of a connection's socket, for a stream's own `send(2)`s
/// (`SocketWriter`, docs/PUSH.md). SwiftNIO does not publish it, so it is read from the
/// channel's socket object by reflection (`Mirror`: SwiftNIO's `BaseSocketChannel.socket`,
/// then `BaseSocket.descriptor`), and believed only if the socket at that descriptor has
/// the channel's own two addresses. A SwiftNIO that keeps it elsewhere gives nil, and
/// streams then write through the pipeline, as they did before: correct, and dearer
/// (`SocketDescriptorTests` fails, to say so).
enum SocketDescriptor {
    /// The channel's descriptor, checked; nil when it cannot be found or does not match.
    static func of(_ channel: any Channel) -> CInt? {
        guard let descriptor = reflected(channel),
            same(descriptor, local: true, as: channel.localAddress),
            same(descriptor, local: false, as: channel.remoteAddress)
        else { return nil }
        return descriptor
    }

    /// The `descriptor` of the object in the channel's `socket` property, in the class or
    /// one of its superclasses.
    private static func reflected(_ channel: any Channel) -> CInt? {
        guard let socket = property("socket", of: channel) else { return nil }
        return property("descriptor", of: socket) as? CInt
    }

    /// A property looked for in the objects of one class.
    private struct Wanted: Hashable {
        let type: ObjectIdentifier
        let name: String
    }

    /// Where each property wanted was found: how many superclasses up, and its place among
    /// that class's own properties. Two entries in all, a connection's class and its socket's.
    /// `Mirror.children` makes every property's value as it walks them; walked for every
    /// connection, that was an eighth of the server's CPU while 10,000 readers connected
    /// (docs/PUSH.md, "Opening a stream"), where one property at a known place costs little.
    private static let places = Mutex<[Wanted: (depth: Int, offset: Int)]>([:])

    private static func property(_ name: String, of object: Any) -> Any? {
        let key = Wanted(type: ObjectIdentifier(type(of: object)), name: name)
        if let (depth, offset) = places.withLock({ $0[key] }) {
            var mirror: Mirror? = Mirror(reflecting: object)
            for _ in 0..<depth { mirror = mirror?.superclassMirror }
            if let children = mirror?.children, offset < children.count {
                let child = children[children.index(children.startIndex, offsetBy: offset)]
                if child.label == name { return child.value }
            }
        }
        var mirror: Mirror? = Mirror(reflecting: object)
        var depth = 0
        while let current = mirror {
            for (offset, child) in current.children.enumerated() where child.label == name {
                places.withLock { $0[key] = (depth, offset) }
                return child.value
            }
            mirror = current.superclassMirror
            depth += 1
        }
        return nil
    }

    /// True when the socket at `descriptor` has `address` as its own address (`local`) or
    /// its peer's.
    private static func same(_ descriptor: CInt, local: Bool, as address: SocketAddress?) -> Bool {
        guard let address else { return false }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let found = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                local ? getsockname(descriptor, $0, &length) : getpeername(descriptor, $0, &length)
            }
        }
        guard found == 0 else { return false }
        switch address {
        case .v4(let expected):
            guard Int32(storage.ss_family) == AF_INET else { return false }
            let actual = withUnsafeBytes(of: storage) { $0.load(as: sockaddr_in.self) }
            return actual.sin_port == expected.address.sin_port
                && actual.sin_addr.s_addr == expected.address.sin_addr.s_addr
        case .v6(let expected):
            guard Int32(storage.ss_family) == AF_INET6 else { return false }
            let actual = withUnsafeBytes(of: storage) { $0.load(as: sockaddr_in6.self) }
            return actual.sin6_port == expected.address.sin6_port
                && withUnsafeBytes(of: actual.sin6_addr) { a in
                    withUnsafeBytes(of: expected.address.sin6_addr) { b in a.elementsEqual(b) }
                }
        case .unixDomainSocket:
            return false
        }
    }
}
