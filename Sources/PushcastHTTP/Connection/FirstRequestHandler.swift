import NIOCore

/// A connection's first handler (`ConnectionRouter`): holds the bytes until the first
/// request's head is complete (or too long to be one), lets `route` add the handlers that
/// serve the connection, passes them every byte held, and steps aside. Bytes that cannot
/// start a request (`RequestStart`: a TLS handshake, anything binary) close the connection
/// at once; a head that takes longer than `timeout` to arrive (slowloris) closes it too.
final class FirstRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    /// Longer than this, a head is not waited for: Hummingbird's decoder refuses it.
    static let longestHead = 96 << 10

    private let timeout: TimeAmount
    private let decided: EventLoopPromise<ConnectionRouter.Route>
    /// Adds the handlers that serve the connection: the stream path's when `stream`.
    private let route: (_ stream: Bool, any Channel) throws -> EventLoopFuture<ConnectionRouter.Route>
    private var held: ByteBuffer?
    private var searchedUpTo = 0
    private var plausible = false
    private var deadline: Scheduled<Void>?
    private var done = false

    init(
        timeout: TimeAmount, decided: EventLoopPromise<ConnectionRouter.Route>,
        route: @escaping (_ stream: Bool, any Channel) throws -> EventLoopFuture<ConnectionRouter.Route>
    ) {
        self.timeout = timeout
        self.decided = decided
        self.route = route
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        guard !done else { return context.fireChannelRead(data) }
        if held == nil {
            held = bytes
        } else {
            held!.writeBuffer(&bytes)
        }
        let view = held!.readableBytesView
        if !plausible {
            switch RequestStart.check(view) {
            case .impossible: return context.close(promise: nil)
            case .plausible: plausible = true
            case .undecided: break
            }
        }
        let from = view.index(view.startIndex, offsetBy: max(searchedUpTo - 3, 0))
        let headComplete = view[from...].withContiguousStorageIfAvailable(Self.holdsHeadEnd) ?? false
        searchedUpTo = view.count
        guard headComplete || view.count > Self.longestHead else { return }
        hand(context, headComplete: headComplete)
    }

    /// Whether `bytes` hold the blank line that ends a head, in one pass over them, where
    /// `firstRange(of:)` on a buffer's view went through it generically (a thirtieth of the
    /// server's CPU while 10,000 readers connected, docs/PUSH.md "Opening a stream").
    private static func holdsHeadEnd(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let (cr, lf) = (UInt8(ascii: "\r"), UInt8(ascii: "\n"))
        var end = 3
        while end < bytes.count {
            if bytes[end] == lf, bytes[end - 1] == cr, bytes[end - 2] == lf, bytes[end - 3] == cr { return true }
            end += 1
        }
        return false
    }

    /// Gives the connection to its server, with what was held: an overlong head always to
    /// Hummingbird, which refuses it.
    private func hand(_ context: ChannelHandlerContext, headComplete: Bool) {
        done = true
        deadline?.cancel()
        let bytes = held ?? ByteBuffer()
        held = nil
        let view = bytes.readableBytesView
        let line = view.drop { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }
        let lineEnd = line.firstIndex(of: UInt8(ascii: "\r")) ?? line.endIndex
        let stream = headComplete && Self.asksForAStream(line[..<lineEnd])
        do {
            try route(stream, context.channel).cascade(to: decided)
        } catch {
            decided.fail(error)
            return context.close(promise: nil)
        }
        context.fireChannelRead(NIOAny(bytes))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    /// Whether a request line (`GET /channels/news/stream HTTP/1.1`) asks for a stream
    /// that the line alone tells (`StreamPath`).
    static func asksForAStream(_ requestLine: some Collection<UInt8>) -> Bool {
        let words = requestLine.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard words.count == 3, words[0].elementsEqual("GET".utf8) || words[0].elementsEqual("HEAD".utf8) else { return false }
        return StreamPath(path: String(decoding: words[1], as: UTF8.self), acceptsMultipart: false) != nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if !done, let event = event as? ChannelEvent, event == .inputClosed {
            // The client stopped before asking for anything.
            return context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        if !done {
            done = true
            decided.fail(ChannelError.ioOnClosedChannel)
        }
        context.fireChannelInactive()
    }
}
