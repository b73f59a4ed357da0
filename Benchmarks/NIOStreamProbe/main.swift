import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// A lean streaming server for the fan-out benchmark (`Benchmarks/fanout.py --probe`):
/// what one multipart stream costs on SwiftNIO directly, with no task per connection, to
/// set beside Pushcast's (issue 8). `GET /stream` opens a multipart stream; `POST /publish`
/// writes its body, as one part, to every stream, on each stream's own event loop. It is
/// a measurement, not a server: no catalog, no store, no heartbeats.
final class Streams: Sendable {
    private let table = NIOLockedValueBox<[ObjectIdentifier: (EventLoop, [ObjectIdentifier: (Channel, ByteBuffer)])]>([:])

    func add(_ channel: Channel, delimiter: ByteBuffer) {
        table.withLockedValue { table in
            let loop = ObjectIdentifier(channel.eventLoop)
            table[loop, default: (channel.eventLoop, [:])].1[ObjectIdentifier(channel)] = (channel, delimiter)
        }
    }

    func remove(_ channel: Channel) {
        _ = table.withLockedValue { $0[ObjectIdentifier(channel.eventLoop)]?.1.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// One rendered part to every stream: each event loop writes it to its own streams.
    func publish(_ part: ByteBuffer) {
        for (loop, streams) in table.withLockedValue({ Array($0.values) }) {
            loop.execute {
                for (channel, delimiter) in streams.values {
                    channel.write(HTTPServerResponsePart.body(.byteBuffer(part)), promise: nil)
                    channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(delimiter)), promise: nil)
                }
            }
        }
    }
}

final class ProbeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let streams: Streams
    private var isPublish = false
    private var body = ByteBuffer()

    init(streams: Streams) { self.streams = streams }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            isPublish = head.method == .POST
            body.clear()
            if !isPublish {
                let boundary = "probe-\(UInt64.random(in: 0..<UInt64.max))"
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "multipart/x-mixed-replace; boundary=\(boundary)")
                headers.add(name: "Transfer-Encoding", value: "chunked")
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))), promise: nil)
                let delimiter = ByteBuffer(string: "--\(boundary)\r\n")
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(delimiter))), promise: nil)
                streams.add(context.channel, delimiter: delimiter)
            }
        case .body(var chunk):
            if isPublish { body.writeBuffer(&chunk) }
        case .end:
            guard isPublish else { return }
            var part = ByteBuffer(string: "Content-Type: text/plain\r\n\r\n")
            part.writeBuffer(&body)
            part.writeString("\r\n")
            streams.publish(part)
            let head = HTTPResponseHead(version: .http1_1, status: .noContent, headers: ["Content-Length": "0"])
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        streams.remove(context.channel)
        context.fireChannelInactive()
    }
}

let streams = Streams()
let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
let bootstrap = ServerBootstrap(group: group)
    .serverChannelOption(ChannelOptions.backlog, value: 4096)
    .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: false)
            try channel.pipeline.syncOperations.addHandler(ProbeHandler(streams: streams))
        }
    }
let port = Int(CommandLine.arguments.dropFirst().first ?? "0") ?? 0
let server = try bootstrap.bind(host: "127.0.0.1", port: port).wait()
print("listening on \(server.localAddress?.port ?? 0)")
fflush(nil)  // every stream: the driver waits for this line on a pipe
try server.closeFuture.wait()
