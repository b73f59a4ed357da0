import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// A connection whose first request is for a push stream (`ConnectionRouter` decides),
/// served on SwiftNIO directly: the request is checked as Hummingbird's route would check it
/// (`open`, the route's own check), then the stream writes to this connection from its
/// event loop, with no task while it waits.
///
/// Once the request's head is decoded the decoder leaves the pipeline, and this handler
/// writes the response itself: a head of the stream's own fields, then each part with its
/// delimiter as one chunk, straight to the socket, so that a part shared by thousands of
/// streams costs each of them one gathering write. The connection closes when the stream
/// ends; anything else the client sends on it is ignored.
final class DirectStreamHandler: ChannelInboundHandler, StreamOutput, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    let eventLoop: any EventLoop
    /// The request's check, and the HTTP decoder: both let go of once the head is read, so
    /// that an open stream keeps neither.
    private var open: (@Sendable (Request) async throws -> StreamOpening)?
    private var decoder: (any RemovableChannelHandler)?
    private var context: ChannelHandlerContext?
    private var stream: PushStream?
    private var answered = false
    private var writable = true
    /// The stream's delimiters; the one after a part is followed by the end of its chunk.
    private var opening = ByteBuffer()
    private var delimiter = ByteBuffer()
    private var close = ByteBuffer()

    static let lastChunk = ByteBuffer(string: "0\r\n\r\n")

    init(
        open: @escaping @Sendable (Request) async throws -> StreamOpening, decoder: any RemovableChannelHandler,
        eventLoop: any EventLoop
    ) {
        self.open = open
        self.decoder = decoder
        self.eventLoop = eventLoop
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered, case .head(let head) = unwrapInboundIn(data), let open, let decoder else { return }
        answered = true
        self.open = nil
        self.decoder = nil
        context.pipeline.syncOperations.removeHandler(decoder, promise: nil)
        var fields = HTTPFields()
        for (name, value) in head.headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        let request = Request(
            head: HTTPRequest(method: .get, scheme: nil, authority: head.headers.first(name: "host"), path: head.uri, headerFields: fields),
            body: .init(buffer: ByteBuffer()))
        Task {
            do {
                let opening = try await open(request)
                self.eventLoop.execute { self.begin(opening) }
            } catch {
                let refusal = error as? APIError ?? APIError(.internalServerError, "internal", "the server could not answer; see its log")
                self.eventLoop.execute { self.refuse(refusal) }
            }
        }
    }

    private func begin(_ opening: StreamOpening) {
        guard let context, context.channel.isActive else { return }
        guard let stream = opening.make(self) else { return refuse(StreamRoutes.busy) }
        var headers = StreamRoutes.streamHeaders(opening.delimiters)
        headers[.transferEncoding] = "chunked"
        headers[.connection] = "close"
        context.writeAndFlush(wrapOutboundOut(Self.head(.ok, headers)), promise: nil)
        let delimiters = opening.delimiters
        self.opening = delimiters.opening
        delimiter = delimiters.delimiter
        delimiter.writeStaticString("\r\n")
        close = delimiters.close
        self.stream = stream
        stream.start()
    }

    private func refuse(_ error: APIError) {
        guard let context else { return }
        let body = error.body
        var headers: HTTPFields = [
            .contentType: "application/json; charset=utf-8", .contentLength: String(body.readableBytes), .connection: "close",
        ]
        headers.append(contentsOf: error.headers)
        context.write(wrapOutboundOut(Self.head(error.status, headers)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(body)).whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
    }

    /// A response's head as HTTP/1.1 writes it (the fields are HTTPTypes', so they hold no
    /// line breaks).
    static func head(_ status: HTTPResponse.Status, _ fields: HTTPFields) -> ByteBuffer {
        var head = "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n"
        for field in fields { head += "\(field.name.rawName): \(field.value)\r\n" }
        return ByteBuffer(string: head + "\r\n")
    }

    // MARK: StreamOutput

    var isWritable: Bool { writable && context != nil }

    /// The part and its delimiters as one chunk. Mostly two writes: the chunk's head with the
    /// part, framed once for every stream of the event loop (`FramedPart`), and this
    /// stream's delimiter.
    func write(_ part: ByteBuffer, opening: Bool, final: Bool, written: ((Bool) -> Void)?) {
        guard let context else { return }
        var tail = delimiter
        if final {
            tail = close
            tail.writeStaticString("\r\n")
        }
        let size = (opening ? self.opening.readableBytes : 0) + part.readableBytes + tail.readableBytes - 2
        if opening {
            var header = Self.allocator.buffer(capacity: 16 + self.opening.readableBytes)
            Self.writeHex(size, to: &header)
            header.writeStaticString("\r\n")
            header.writeImmutableBuffer(self.opening)
            context.write(wrapOutboundOut(header), promise: nil)
            context.write(wrapOutboundOut(part), promise: nil)
        } else {
            context.write(wrapOutboundOut(FramedPart.current.framed(part, chunkSize: size)), promise: nil)
        }
        guard let written else { return context.writeAndFlush(wrapOutboundOut(tail), promise: nil) }
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(tail), promise: promise)
        let loopBound = NIOLoopBound(written, eventLoop: context.eventLoop)
        promise.futureResult.whenComplete { result in
            if case .success = result { loopBound.value(true) } else { loopBound.value(false) }
        }
    }

    private static let allocator = ByteBufferAllocator()
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A chunk size as HTTP/1.1 writes it: hexadecimal digits.
    static func writeHex(_ value: Int, to buffer: inout ByteBuffer) {
        let digits = hexDigits
        var shift = max(0, (Int.bitWidth - value.leadingZeroBitCount - 1) / 4 * 4)
        while shift >= 0 {
            buffer.writeInteger(digits[(value >> shift) & 0xf])
            shift -= 4
        }
    }

    func finish() {
        guard let context else { return }
        context.writeAndFlush(wrapOutboundOut(Self.lastChunk)).whenComplete { [channel = context.channel] _ in
            channel.close(promise: nil)
        }
    }

    func reset() {
        guard let context else { return }
        StreamRoutes.reset(context.channel)
    }

    // MARK: The connection

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        writable = context.channel.isWritable
        stream?.writabilityChanged(writable)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stream?.end(finishing: false)
        stream = nil
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The client closed its side: it reads no more, so the stream ends now rather than at
        // its next heartbeat.
        if let event = event as? ChannelEvent, event == .inputClosed { context.close(promise: nil) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
