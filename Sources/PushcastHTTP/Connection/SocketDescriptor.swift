@_spi(Reflection) import Swift
import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The file descriptor of a connection's socket, for a stream's own `send(2)`s
/// (`SocketWriter`, docs/PUSH.md). SwiftNIO does not publish it, so it is read where the
/// channel's object stores it (SwiftNIO's `BaseSocketChannel.socket`, then
/// `BaseSocket.descriptor`), at the byte offsets the Swift runtime's field metadata gives
/// for each class, and believed only if the socket at that descriptor has the channel's own
/// two addresses. A SwiftNIO that keeps it elsewhere gives nil, and streams then write
/// through the pipeline, as they did before: correct, and dearer (`SocketDescriptorTests`
/// fails, to say so).
enum SocketDescriptor {
    /// The channel's descriptor, checked; nil when it cannot be found or does not match.
    static func of(_ channel: any Channel) -> CInt? {
        guard let descriptor = stored(channel),
            same(descriptor, local: true, as: channel.localAddress),
            same(descriptor, local: false, as: channel.remoteAddress)
        else { return nil }
        return descriptor
    }

    /// The `descriptor` of the object in the channel's `socket` property. Both are read in
    /// place: the channel keeps its socket alive, and this runs on the channel's event loop.
    private static func stored(_ channel: any Channel) -> CInt? {
        let object = channel as AnyObject
        guard let socketOffset = offset(of: "socket", in: type(of: object), kind: .class) else { return nil }
        let base = UnsafeRawPointer(Unmanaged.passUnretained(object).toOpaque())
        guard let socket = base.load(fromByteOffset: socketOffset, as: UnsafeRawPointer?.self) else { return nil }
        let socketType: AnyObject.Type = type(of: Unmanaged<AnyObject>.fromOpaque(socket).takeUnretainedValue())
        guard let descriptorOffset = offset(of: "descriptor", in: socketType, type: CInt.self) else { return nil }
        return socket.load(fromByteOffset: descriptorOffset, as: CInt.self)
    }

    /// A stored property looked for in the instances of one class.
    private struct Wanted: Hashable {
        let type: ObjectIdentifier
        let name: String
    }

    /// Where each property wanted was found (nil: it was not), by class: two entries in
    /// all, a connection's class and its socket's. `Mirror` made every property's value as
    /// it walked a class's properties; for every connection, that was an eighth of the
    /// server's CPU while 10,000 readers connected, and 4 % with the places kept (docs/PUSH.md,
    /// "Opening a stream"). An offset kept costs a dictionary lookup.
    private static let offsets = Mutex<[Wanted: Int?]>([:])

    /// The standard library's `_EachFieldOptions.classType` (a `static var`, which Swift 6
    /// will not read from concurrent code): the type walked is a class.
    private static let classType = _EachFieldOptions(rawValue: 1 << 0)

    /// The byte offset of the stored property `name` in instances of `type` (its
    /// superclasses' properties too) when it is of `kind`, or exactly of `expected`.
    private static func offset(
        of name: String, in type: AnyObject.Type, kind: _MetadataKind? = nil, type expected: Any.Type? = nil
    ) -> Int? {
        let key = Wanted(type: ObjectIdentifier(type), name: name)
        if let known = offsets.withLock({ $0[key] }) { return known }
        var found: Int?
        _forEachField(of: type, options: classType) { field, offset, fieldType, fieldKind in
            guard String(cString: field) == name else { return true }
            if let kind, fieldKind == kind { found = offset }
            if let expected, fieldType == expected { found = offset }
            return false
        }
        offsets.withLock { $0[key] = found }
        return found
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
