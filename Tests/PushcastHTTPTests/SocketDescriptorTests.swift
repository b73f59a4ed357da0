import NIOCore
import NIOEmbedded
import NIOPosix
import Testing

@testable import PushcastHTTP

#if canImport(Glibc)
    import Glibc
#endif

/// Finding a connection's socket descriptor behind SwiftNIO (`SocketDescriptor`). If this
/// fails after an update of SwiftNIO, streams still work, through the pipeline, and cost
/// more CPU per write: find where SwiftNIO keeps the descriptor now.
@Suite("Socket descriptor")
struct SocketDescriptorTests {
    @Test func anAcceptedConnectionsDescriptorIsItsSocket() async throws {
        let accepted = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: (any Channel).self)
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                accepted.succeed(channel)
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(client) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)
        let channel = try await accepted.futureResult.get()
        let found = try await channel.eventLoop.submit { SocketDescriptor.of(channel) }.get()
        let descriptor = try #require(found, "SwiftNIO's socket descriptor was not found by reflection")
        // What is sent to it is what the client reads.
        let sent = Array("hello".utf8)
        #expect(send(descriptor, sent, sent.count, Int32(MSG_NOSIGNAL)) == sent.count)
        var received = [UInt8](repeating: 0, count: 16)
        let count = recv(client, &received, received.count, 0)
        #expect(Array(received.prefix(max(count, 0))) == sent)
        try await channel.close()
        try await server.close()
    }

    @Test func aChannelWithoutASocketHasNoDescriptor() throws {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        #expect(SocketDescriptor.of(channel) == nil)
        _ = try channel.finish()
    }
}
