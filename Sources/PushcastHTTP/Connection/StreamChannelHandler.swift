import HTTPTypes
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// The front of a connection whose request was taken by the stream path (put first in its
/// pipeline, so nothing stands between it and the socket): it writes the response head with
/// the opening delimiter, then every part as the stream's framing made it (the part and its
/// delimiter as one chunk, shared by the loop's streams), each with one `send(2)` of its own
/// while nothing waits in the pipeline (`SocketWriter`), tells its `PushStream` when
/// the connection fills up or empties, and ends it when the connection goes (a client that
/// closes its side closes it; a subscriber's stream first confirms what its reader
/// acknowledged) or the server quiesces. Whatever the client sends after its request is
/// dropped. A refused request gets its error here too, then the connection closes.
final class StreamChannelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let streams: PushStreams
    /// Hummingbird served requests on the connection before the stream's: its answers may
    /// still be in the pipeline, ahead of the stream's head.
    private let writtenBefore: Bool
    private var context: ChannelHandlerContext?
    private var stream: PushStream?
    /// The close delimiter as a chunk, for a stream that ends before a part (none for SSE).
    private var closing: ByteBuffer?
    /// Where the stream's bytes go: its socket, or the pipeline.
    private var writer = SocketWriter(descriptor: nil, writtenBefore: true)
    /// A subscriber's stream: where confirmed cursors go, and those waiting for the reader's
    /// acknowledgement.
    private var cursorSink: ((ChannelPositions) -> Void)?
    private var cursors = CursorAcknowledgements()

    static let lastChunk = ByteBuffer(string: "0\r\n\r\n")

    init(streams: PushStreams, writtenBefore: Bool) {
        self.streams = streams
        self.writtenBefore = writtenBefore
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        connectionGone()
        self.context = nil
    }

    // MARK: Answers

    /// Writes the stream's head and starts it. The place admission took is given back by
    /// the stream when it ends, or here if the connection has gone already.
    func serve(_ spec: StreamSpec) {
        guard let context, context.channel.isActive else { return streams.hub.releaseStream() }
        writer = SocketWriter(descriptor: SocketDescriptor.of(context.channel), writtenBefore: writtenBefore)
        if writer.state == .pipeline { streams.noteNoDescriptor(context.channel) }
        var head = Self.head(.ok, Self.streamFields(spec.headers))
        head.writeImmutableBuffer(spec.framing.delimiters.openingChunk)
        let stream = streams.makeStream(
            spec, output: self, writePath: WritePath(handler: self, context: context), loop: context.eventLoop)
        cursorSink = stream.cursorSink
        write(head, final: false, confirming: ChannelPositions())
        closing = spec.framing.delimiters.closingChunk
        self.stream = stream
        stream.start()
        if !context.channel.isWritable { stream.writabilityChanged(false) }
    }

    /// A HEAD request's answer: the head a stream would have, no body.
    func answerHead(_ fields: HTTPFields) {
        guard let context else { return }
        context.writeAndFlush(wrapOutboundOut(Self.head(.ok, Self.streamFields(fields)))).whenComplete {
            [channel = context.channel] _ in channel.close(promise: nil)
        }
    }

    /// A refusal: the error as `APIError.answer` gives it for the request's `Accept`, then
    /// the connection closes.
    func refuse(_ error: APIError, accept: String?) {
        guard let context else { return }
        let (answer, body) = error.answer(accept: accept)
        var fields = answer
        fields[.contentLength] = String(body.readableBytes)
        fields[.connection] = "close"
        context.write(wrapOutboundOut(Self.head(error.status, fields)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(body)).whenComplete { [channel = context.channel] _ in
            channel.close(promise: nil)
        }
    }

    private static func streamFields(_ fields: HTTPFields) -> HTTPFields {
        var fields = fields
        fields[.transferEncoding] = "chunked"
        fields[.connection] = "close"
        return fields
    }

    /// A response's head as HTTP/1.1 writes it (the fields are HTTPTypes', so they hold no
    /// line breaks).
    static func head(_ status: HTTPResponse.Status, _ fields: HTTPFields) -> ByteBuffer {
        var head = "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n"
        for field in fields { head += "\(field.name.rawName): \(field.value)\r\n" }
        return ByteBuffer(string: head + "\r\n")
    }

    // MARK: The stream's output

    /// Writes one chunk (a part and the delimiter after it): with one `send(2)` when nothing
    /// waits in the pipeline and the socket takes it all, else (the rest of it) through the
    /// pipeline. When `final`, then ends the response and the connection. A subscriber's
    /// `confirming` cursor goes to its sink once the reader has acknowledged every byte up
    /// to the end of this chunk.
    func write(_ chunk: ByteBuffer, final: Bool, confirming: ChannelPositions) {
        guard let context else { return }
        let count = chunk.readableBytes
        if cursorSink != nil { cursors.write(count, confirming: confirming) }
        if let descriptor = writer.descriptor {
            let sent = max(chunk.withUnsafeReadableBytes { send(descriptor, $0.baseAddress, count, Self.sendFlags) }, 0)
            if cursorSink != nil { cursors.taken(sent) }
            if writer.sent(sent, of: count) {
                // The socket is full (or failing: the pipeline's write meets the error and
                // closes the connection, as any failed write does).
                var rest = chunk
                rest.moveReaderIndex(forwardBy: sent)
                queue(rest, tracked: true, context: context, written: nil)
            }
        } else {
            queue(chunk, tracked: writer.queue(), context: context, written: nil)
        }
        if cursors.isCrowded { settleCursors() }
        if final { finish() }
    }

    /// A send never blocks (the socket is non-blocking anyway) and never raises SIGPIPE.
    private static let sendFlags = Int32(MSG_DONTWAIT | MSG_NOSIGNAL)

    /// Writes `bytes` to the pipeline and flushes; once they have reached the socket, tells
    /// `writer` (when `tracked`) and the cursors waiting, and calls `written`.
    private func queue(_ bytes: ByteBuffer, tracked: Bool, context: ChannelHandlerContext, written: (() -> Void)?) {
        guard tracked || written != nil || cursorSink != nil else {
            return context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        }
        let count = bytes.readableBytes
        let promise = context.eventLoop.makePromise(of: Void.self)
        promise.futureResult.assumeIsolated().whenComplete { [self] result in
            let succeeded = if case .success = result { true } else { false }
            if tracked { writer.queuedWriteDone(succeeded: succeeded) }
            // A failed write: the connection is closing.
            guard succeeded else { return cursors.connectionGone() }
            if cursorSink != nil { cursors.taken(count) }
            written?()
        }
        context.writeAndFlush(wrapOutboundOut(bytes), promise: promise)
    }

    /// Hands the cursors whose bytes the reader has acknowledged to the sink (the loop's
    /// tick asks, as do a crowd of them, the end of a stream and a reset). The kernel says
    /// how much it holds unacknowledged (`SIOCOUTQ`, one system call: not one per write);
    /// with no descriptor known, what it took counts as acknowledged (the guarantee
    /// SwiftNIO's write promises give).
    func settleCursors() {
        guard let cursorSink, !cursors.isSettled else { return }
        var unacknowledged: CInt = 0
        if let descriptor = writer.openDescriptor {
            // SIOCOUTQ, which Glibc spells TIOCOUTQ: bytes sent and not acknowledged, and unsent.
            let asked = withUnsafeMutablePointer(to: &unacknowledged) { ioctl(descriptor, UInt(TIOCOUTQ), $0) }
            guard asked == 0 else { return }
        }
        let confirmed = cursors.acknowledged(unacknowledged: Int(unacknowledged))
        if !confirmed.isEmpty { cursorSink(confirmed) }
    }

    /// The connection has closed or is closing: its descriptor is never used again, and the
    /// cursors still waiting for an acknowledgement are not confirmed.
    private func connectionGone() {
        writer.closing()
        cursors.connectionGone()
    }

    /// Ends the stream before a part: the close delimiter, then the end of the response.
    func close() {
        guard let context else { return }
        if let closing { queue(closing, tracked: writer.queue(), context: context, written: nil) }
        finish()
    }

    /// Calls `body` once everything written so far has reached the socket and every cursor
    /// written has been acknowledged by the reader: at once when that is so, else when the
    /// pipeline has drained and then as the acknowledgements come (asked every 10 ms; a
    /// reader that acknowledges nothing for the write timeout is given up on, its cursors
    /// unconfirmed). Not called if the connection goes first.
    func whenAcknowledged(_ body: @escaping () -> Void) {
        guard let context else { return }
        guard writer.isDrained else {
            return queue(ByteBuffer(), tracked: writer.queue(), context: context) { [self] in awaitAcknowledgements(body) }
        }
        awaitAcknowledgements(body)
    }

    private func awaitAcknowledgements(_ body: @escaping () -> Void) {
        guard let context else { return }
        settleCursors()
        if cursors.isSettled { return body() }
        let giveUp = NIODeadline.now() + .seconds(Int64(streams.hub.configuration.writeTimeout))
        func check() {
            context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(10)) { [self] in
                guard self.context != nil else { return }
                settleCursors()
                if cursors.isSettled || NIODeadline.now() >= giveUp { return body() }
                check()
            }
        }
        check()
    }

    /// Ends the response after what was written, and closes the connection.
    func finish() {
        guard let context else { return }
        settleCursors()
        connectionGone()
        context.writeAndFlush(wrapOutboundOut(Self.lastChunk)).whenComplete { [channel = context.channel] _ in
            channel.close(promise: nil)
        }
    }

    /// Cuts the connection off at once: an abortive close (RST), so the kernel drops what is
    /// buffered for a reader that stopped reading, instead of holding it behind a FIN the
    /// reader will never read up to.
    func reset() {
        guard let context else { return }
        settleCursors()
        connectionGone()
        let channel = context.channel
        guard let socket = channel as? any SocketOptionProvider else { return channel.close(promise: nil) }
        socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
    }

    /// The stream is over; it no longer hears of the connection.
    func streamEnded() {
        stream = nil
    }

    // MARK: The connection

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The request was read; anything after it is not listened to.
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        stream?.writabilityChanged(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        connectionGone()
        let stream = self.stream
        self.stream = nil
        stream?.connectionClosed()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            // The server is stopping: the stream ends with its close delimiter.
            stream?.shutdown()
        } else if let event = event as? ChannelEvent, event == .inputClosed {
            // A subscriber's reader closed its side (it quit): what it acknowledged is
            // confirmed now, while the socket can still be asked, and the connection closes.
            settleCursors()
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        stream?.connectionFailed(error)
        context.close(promise: nil)
    }
}
