import CPrefetch
import NIOCore

/// Where the objects a stream's write goes through live in memory: its `StreamChannelHandler`,
/// the handler's context, the connection's pipeline and its channel. A fan-out over thousands
/// of streams finds none of them in the cache (each item comes long after the last), and
/// every miss used to wait its turn on the way to the `write(2)`; `LoopFanout` asks for the
/// next streams' lines while the current one writes (docs/PUSH.md). The addresses are only
/// ever prefetched, never read through: one that is stale by then costs a useless fetch.
struct WritePath {
    private let handler: UnsafeRawPointer
    private let context: UnsafeRawPointer
    private let pipeline: UnsafeRawPointer
    private let channel: UnsafeRawPointer

    init(handler: AnyObject, context: ChannelHandlerContext) {
        self.handler = Self.address(handler)
        self.context = Self.address(context)
        pipeline = Self.address(context.pipeline)
        channel = Self.address(context.channel)
    }

    /// Fetches the first two cache lines of each object.
    func prefetch() {
        Self.prefetch(handler)
        Self.prefetch(context)
        Self.prefetch(pipeline)
        Self.prefetch(channel)
    }

    /// Fetches the first two cache lines of `object`.
    static func prefetch(_ object: UnsafeRawPointer) {
        pushcast_prefetch(object)
        pushcast_prefetch(object + 64)
    }

    static func address(_ object: AnyObject) -> UnsafeRawPointer {
        UnsafeRawPointer(Unmanaged.passUnretained(object).toOpaque())
    }
}
