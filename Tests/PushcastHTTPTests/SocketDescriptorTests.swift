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
    /// The second connection is found through the places the first one's search kept.
    @Test func eachAcceptedConnectionsDescriptorIsItsSocket() async throws {
        let accepted = AsyncStream.makeStream(of: (any Channel).self)
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                accepted.continuation.yield(channel)
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        var channels = accepted.stream.makeAsyncIterator()
        for message in ["hello", "again"] {
            let client = LoopbackClient(port: port)
            defer { client.close() }
            #expect(client.error == 0)
            let channel = try #require(await channels.next())
            let found = try await channel.eventLoop.submit { SocketDescriptor.of(channel) }.get()
            let descriptor = try #require(found, "SwiftNIO's socket descriptor was not found by reflection")
            // What is sent to it is what this client reads.
            let sent = Array(message.utf8)
            #expect(send(descriptor, sent, sent.count, Int32(MSG_NOSIGNAL)) == sent.count)
            var received = [UInt8](repeating: 0, count: 16)
            let count = recv(client.descriptor, &received, received.count, 0)
            #expect(Array(received.prefix(max(count, 0))) == sent)
            try await channel.close()
        }
        try await server.close()
    }

    @Test func aChannelWithoutASocketHasNoDescriptor() throws {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        #expect(SocketDescriptor.of(channel) == nil)
        _ = try channel.finish()
    }
}
