import NIOCore
import NIOPosix
import Testing

@testable import PushcastHTTP

#if canImport(Glibc)
    import Glibc
#endif

/// The check `pushcast serve` makes of its address before the engine starts (`ListenCheck`).
@Suite("Listen check")
struct ListenCheckTests {
    /// While the check holds the address, a client is refused, not accepted and then
    /// dropped: readers reconnecting while a server restarts keep trying until it serves.
    @Test func whileTheCheckHoldsTheAddressClientsAreRefused() async throws {
        let port = try await Self.freePort()
        let bound = try BoundSocket(SocketAddress(ipAddress: "127.0.0.1", port: port))
        let client = LoopbackClient(port: port)
        client.close()
        bound.close()
        #expect(client.error == ECONNREFUSED, "a connection to the checked address was not refused (errno \(client.error))")
        // Let go, the address is free for the server.
        try ListenCheck.check(host: "127.0.0.1", port: port)
    }

    @Test func aPortAnotherServerListensOnIsSaidInASentence() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        #expect {
            try ListenCheck.check(host: "127.0.0.1", port: port)
        } throws: { error in
            "\(error)".hasPrefix("port \(port) on 127.0.0.1 is already in use: another program")
        }
        try await server.close()
    }

    /// A port no one uses now: the kernel's pick for a server bound to port 0, closed again.
    private static func freePort() async throws -> Int {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        try await server.close()
        return port
    }
}
