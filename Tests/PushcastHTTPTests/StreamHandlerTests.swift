import CDF
import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import ServiceLifecycle
import Testing

@testable import Pushcast
@testable import PushcastHTTP

/// The stream path's handlers on a test channel, with a real engine and store behind them
/// (`StreamRequestHandler`, `RequestHandoff`, `StreamChannelHandler`, `PushStream`): who
/// answers a connection's requests, the head and parts written, writability, the ends.
@Suite("Stream handlers")
struct StreamHandlerTests {
    /// A running engine whose channel `news` has entries 1…3, and what the handlers need.
    struct Setup {
        let engine: Engine
        let streams: PushStreams
        let folder: URL
        let group: ServiceGroup

        init() async throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("handlers-\(UUID().uuidString)")
            let channels = folder.appendingPathComponent("channels")
            try FileManager.default.createDirectory(at: channels, withIntermediateDirectories: true)
            try "<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>News</TITLE></CHANNEL>"
                .write(to: channels.appendingPathComponent("news.cdf"), atomically: true, encoding: .utf8)
            let logger = Logger(label: "test")
            engine = try Engine(
                configuration: EngineConfiguration(
                    channelsPath: channels.path, databasePath: folder.appendingPathComponent("db.sqlite").path,
                    hub: HubConfiguration(maxStreams: 4)),
                logger: logger)
            group = ServiceGroup(services: [engine], logger: logger)
            Task { [group] in try await group.run() }
            await engine.waitUntilReady()
            let links = PublicURL(configured: "http://test", host: "127.0.0.1", port: 1)
            let stats = ServerStats()
            let views = LiveViews(engine: engine, links: links)
            streams = PushStreams(
                admission: StreamAdmission(
                    engine: engine, authentication: SubscriberAuthentication(store: engine.store), stats: stats, liveHeartbeat: 60,
                    logger: logger),
                source: StreamSource(engine: engine, links: links, views: views),
                fanouts: LoopFanouts(hub: engine.hub, cursors: engine.cursors, liveHeartbeat: 60), hub: engine.hub,
                cursors: engine.cursors, stats: stats, logger: logger)
            // The channel is the store's once its first check has run (on the publish thread,
            // which every engine of the test process shares); logged before that, an entry
            // finds no channel and is not logged, and the numbers below would not hold.
            try await waitUntil { [engine] in try await engine.store.channel("news") != nil }
            for _ in 1...3 { try await log() }
        }

        func stop() async {
            await group.triggerGracefulShutdown()
            try? FileManager.default.removeItem(at: folder)
        }

        /// Logs the next entry of `news` and publishes it, as a check does.
        func log() async throws {
            let count = try await engine.store.channel("news")?.lastSeq ?? 0
            let item = Item(id: "i\(count + 1)", href: "http://example.com/\(count + 1)", local: false, title: "T\(count + 1)")
            let entries = try await engine.store.record([ItemObservation(item: item)], channel: "news")
            #expect(entries.map(\.seq) == [count + 1])
            engine.hub.publish(entries)
        }
    }

    /// Reads what the channel writes, as text, until it holds `text`.
    static func read(_ channel: NIOAsyncTestingChannel, until text: String, seconds: Double = 10) async throws -> String {
        var seen = ""
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while !seen.contains(text), ContinuousClock.now < deadline {
            if let buffer = try await channel.readOutbound(as: ByteBuffer.self) {
                seen += String(buffer: buffer)
            } else {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        return seen
    }

    /// A connection opened by a stream request: decoder, codec, the stream path.
    static func directChannel(_ setup: Setup) async throws -> NIOAsyncTestingChannel {
        let channel = NIOAsyncTestingChannel()
        channel.allowRemoteHalfClosure = true  // as Hummingbird's server sets it for every connection
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1))
        try await channel.pipeline.addHandlers([
            ByteToMessageHandler(HTTPRequestDecoder()), HTTP1ToHTTPServerCodec(secure: false),
            StreamRequestHandler(streams: setup.streams, behindHummingbird: false),
        ])
        return channel
    }

    @Test func aStreamThatOpensItsConnectionKeepsNothingButItsWriter() async throws {
        let setup = try await Setup()
        let channel = try await Self.directChannel(setup)
        try await channel.writeInbound(ByteBuffer(string: "GET /channels/news/stream?since=1 HTTP/1.1\r\nHost: x\r\n\r\n"))
        var seen = try await Self.read(channel, until: "Pushcast-Seq: 3\r\n")
        #expect(seen.hasPrefix("HTTP/1.1 200 OK\r\n") && seen.contains("Connection: close\r\n"))
        #expect(seen.contains("Pushcast-Seq: 2\r\n") && !seen.contains("Pushcast-Seq: 1\r\n"))
        // The decoder, the codec and the request handler have left the pipeline.
        await #expect(throws: (any Error).self) { try await channel.pipeline.handler(type: StreamRequestHandler.self).get() }
        _ = try await channel.pipeline.handler(type: StreamChannelHandler.self).get()
        #expect(setup.engine.hub.openStreams == 1)

        // Live: written at once; held while the connection takes no more, then written.
        try await setup.log()
        seen = try await Self.read(channel, until: "Pushcast-Seq: 4\r\n")
        #expect(seen.contains("Pushcast-Seq: 4\r\n"))
        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        try await setup.log()
        #expect(!(try await Self.read(channel, until: "Pushcast-Seq: 5", seconds: 0.3)).contains("Pushcast-Seq: 5"))
        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        #expect(try await Self.read(channel, until: "Pushcast-Seq: 5\r\n").contains("Pushcast-Seq: 5\r\n"))

        // A client that closes its side closes the connection (no half-closure), and the
        // stream ends and gives its place back.
        #expect(!channel.allowRemoteHalfClosure)
        try await channel.close()
        try await waitUntil { setup.engine.hub.openStreams == 0 }
        #expect(!channel.isActive)
        await setup.stop()
    }

    @Test func aRefusalIsTheJSONErrorAndTheConnectionCloses() async throws {
        let setup = try await Setup()
        let channel = try await Self.directChannel(setup)
        try await channel.writeInbound(ByteBuffer(string: "GET /channels/nope/live HTTP/1.1\r\nHost: x\r\n\r\n"))
        let seen = try await Self.read(channel, until: "}}")
        #expect(seen.hasPrefix("HTTP/1.1 404 Not Found\r\n"))
        #expect(seen.hasSuffix("{\"error\":{\"code\":\"unknown-channel\",\"message\":\"there is no channel 'nope'; GET /channels lists them\"}}"))
        try await waitUntil { !channel.isActive }
        #expect(setup.engine.hub.openStreams == 0)
        await setup.stop()
    }

    @Test func quiescingEndsTheStreamWithTheCloseDelimiter() async throws {
        let setup = try await Setup()
        let channel = try await Self.directChannel(setup)
        try await channel.writeInbound(ByteBuffer(string: "GET /channels/news/events HTTP/1.1\r\nHost: x\r\n\r\n"))
        _ = try await Self.read(channel, until: "event: snapshot")
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        let end = try await Self.read(channel, until: "0\r\n\r\n")
        #expect(end.contains(": heartbeat\n\n") && end.hasSuffix("0\r\n\r\n"))
        try await waitUntil { setup.engine.hub.openStreams == 0 && !channel.isActive }
        await setup.stop()
    }

    @Test func aStreamRequestOnAKeptAliveConnectionWaitsForHummingbirdsAnswers() async throws {
        let setup = try await Setup()
        let channel = NIOAsyncTestingChannel()
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1))
        try await channel.pipeline.addHandlers([
            StreamRequestHandler(streams: setup.streams, behindHummingbird: true),
            HTTPConnectionStateHandler(idleTimeout: .seconds(30), logger: Logger(label: "test")),
        ])
        let page = HTTPRequest(method: .get, scheme: nil, authority: "x", path: "/")
        let stream = HTTPRequest(method: .get, scheme: nil, authority: "x", path: "/channels/news/stream")
        for part in [HTTPRequestPart.head(page), .end(nil), .head(stream), .end(nil)] { try await channel.writeInbound(part) }
        // Hummingbird is given the page's request only, and nothing is written before it answers.
        guard case .head(let forwarded) = try await channel.readInbound(as: HTTPRequestPart.self) else {
            Issue.record("the page's head was not passed on")
            return
        }
        #expect(forwarded.path == "/")
        #expect(try await channel.readInbound(as: HTTPRequestPart.self) != nil)  // its end
        #expect(try await channel.readInbound(as: HTTPRequestPart.self) == nil)
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await channel.readOutbound(as: ByteBuffer.self) == nil)
        try await channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
        try await channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(try await channel.readOutbound(as: HTTPResponsePart.self) != nil)
        #expect(try await channel.readOutbound(as: HTTPResponsePart.self) != nil)
        // Then the stream has the connection: its head, its snapshot; Hummingbird's idle
        // timer is gone.
        let seen = try await Self.read(channel, until: "snapshot")
        #expect(seen.hasPrefix("HTTP/1.1 200 OK\r\n") && seen.contains("Pushcast-Event: snapshot"))
        await #expect(throws: (any Error).self) { try await channel.pipeline.handler(type: HTTPConnectionStateHandler.self).get() }
        try await channel.close()
        try await waitUntil { setup.engine.hub.openStreams == 0 }
        await setup.stop()
    }
}

/// Waits up to 10 s for `condition`.
private func waitUntil(_ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while try await !condition(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
    #expect(try await condition())
}
