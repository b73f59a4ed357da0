import NIOCore

/// A connection's first handler (`ConnectionRouter`): holds the bytes until the first
/// request's head is complete (or too long to be one), lets `route` add the handlers that
/// serve the connection, passes them every byte held, and steps aside. A head that takes
/// longer than `timeout` to arrive (slowloris) closes the connection.
final class FirstRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    /// Longer than this, a head is not waited for: Hummingbird's decoder refuses it.
    static let longestHead = 96 << 10
    private static let headEnd: [UInt8] = Array("\r\n\r\n".utf8)

    private let timeout: TimeAmount
    private let decided: EventLoopPromise<ConnectionRouter.Route>
    private let route: (DirectStreamTarget?, any Channel) throws -> EventLoopFuture<ConnectionRouter.Route>
    private var held: ByteBuffer?
    private var searchedUpTo = 0
    private var deadline: Scheduled<Void>?
    private var done = false

    init(
        timeout: TimeAmount, decided: EventLoopPromise<ConnectionRouter.Route>,
        route: @escaping (DirectStreamTarget?, any Channel) throws -> EventLoopFuture<ConnectionRouter.Route>
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
        let from = view.index(view.startIndex, offsetBy: max(searchedUpTo - 3, 0))
        let headComplete = view[from...].firstRange(of: Self.headEnd) != nil
        searchedUpTo = view.count
        guard headComplete || view.count > Self.longestHead else { return }
        hand(context, headComplete: headComplete)
    }

    /// Gives the connection to its server, with what was held: an overlong head always to
    /// Hummingbird, which refuses it.
    private func hand(_ context: ChannelHandlerContext, headComplete: Bool) {
        done = true
        deadline?.cancel()
        let bytes = held ?? ByteBuffer()
        held = nil
        let lineEnd = bytes.readableBytesView.firstIndex(of: UInt8(ascii: "\r")) ?? bytes.readableBytesView.endIndex
        let target = headComplete ? DirectStreamTarget(requestLine: bytes.readableBytesView[..<lineEnd]) : nil
        do {
            try route(target, context.channel).cascade(to: decided)
        } catch {
            decided.fail(error)
            return context.close(promise: nil)
        }
        context.fireChannelRead(NIOAny(bytes))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
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
