import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Takes push stream requests (`StreamPath`) off a connection, in either pipeline: behind
/// it Hummingbird serves everything else (`behindHummingbird`), or nothing does (the
/// connection opened with a stream request, `ConnectionRouter`). Who answers what is the
/// `RequestHandoff` state machine: a stream request waits until every request before it is
/// answered, is admitted (`StreamAdmission`, in a short task), and then the connection is
/// handed to a `StreamChannelHandler` put at the front of the pipeline, which answers it
/// and serves the stream. The same stream, the same head and the same errors either way.
final class StreamRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let streams: PushStreams
    private let behindHummingbird: Bool
    private var handoff = RequestHandoff()

    init(streams: PushStreams, behindHummingbird: Bool) {
        self.streams = streams
        self.behindHummingbird = behindHummingbird
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let action: RequestHandoff.Action
        switch unwrapInboundIn(data) {
        case .head(let head): action = handoff.head(head, isStream: !behindHummingbird || StreamPath(head) != nil)
        case .body, .end: action = handoff.bodyPart()
        }
        perform(action, context: context, data: data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let ended: Bool
        if case .end = unwrapOutboundIn(data) { ended = true } else { ended = false }
        context.write(data, promise: promise)
        if ended, let action = handoff.responseEnded() { perform(action, context: context, data: nil) }
    }

    private func perform(_ action: RequestHandoff.Action, context: ChannelHandlerContext, data: NIOAny?) {
        switch action {
        case .forward:
            if let data { context.fireChannelRead(data) }
        case .drop:
            break
        case .admit(let head):
            let loop = context.eventLoop
            let admission = streams.admission
            let handler = NIOLoopBound(self, eventLoop: loop)
            let bound = NIOLoopBound(context, eventLoop: loop)
            Task {
                let decision = await admission.decide(head)
                loop.execute { handler.value.admitted(decision, accept: head.headerFields[.accept], context: bound.value) }
            }
        }
    }

    /// On the loop: the connection goes to a `StreamChannelHandler`, which answers.
    private func admitted(_ decision: StreamAdmission.Decision, accept: String?, context: ChannelHandlerContext) {
        handoff.admitted()
        let channel = context.channel
        guard channel.isActive else {
            if case .serve = decision { streams.hub.releaseStream() }
            return
        }
        let front = StreamChannelHandler(streams: streams, writtenBefore: behindHummingbird)
        let pipeline = channel.pipeline.syncOperations
        do {
            try pipeline.addHandler(front, position: .first)
            // A reader that closes its side reads no more: NIO closes the connection at once,
            // rather than telling the pipeline and waiting for it to close (one epoll change
            // less). A subscriber's stream is told instead, so that what its reader
            // acknowledged is confirmed while the socket can still be asked (it then closes).
            var durable = false
            if case .serve(let spec) = decision, spec.subscriber != nil { durable = true }
            try channel.syncOptions?.setOption(ChannelOptions.allowRemoteHalfClosure, value: durable)
            if behindHummingbird {
                // Hummingbird's idle timer would close a connection it takes for idle.
                let idle = try pipeline.context(handlerType: HTTPConnectionStateHandler.self)
                pipeline.removeHandler(context: idle, promise: nil)
            } else {
                // Nothing more is decoded: an open stream keeps neither decoder nor codec.
                let decoder = try pipeline.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self)
                pipeline.removeHandler(context: decoder, promise: nil)
                let codec = try pipeline.context(handlerType: HTTP1ToHTTPServerCodec.self)
                pipeline.removeHandler(context: codec, promise: nil)
                pipeline.removeHandler(context: context, promise: nil)
            }
        } catch {
            streams.logger.failure("a stream's connection could not be set up", error)
            if case .serve = decision { streams.hub.releaseStream() }
            return channel.close(promise: nil)
        }
        switch decision {
        case .serve(let spec): front.serve(spec)
        case .head(let fields): front.answerHead(fields)
        case .refuse(let error): front.refuse(error, accept: accept)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Hummingbird answers a bad request it was given; one nobody else will answer closes.
        guard behindHummingbird, handoff.state != .handedOff else { return context.close(promise: nil) }
        context.fireErrorCaught(error)
    }
}
