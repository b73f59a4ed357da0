import NIOCore

/// Where a push stream's bytes go: straight to its connection (`DirectStreamHandler`, for a
/// stream that opened its connection) or through Hummingbird's response writer
/// (`ResponseBodyPipe`, for one asked for on a connection already serving requests). Every
/// member is used on `eventLoop` only.
protocol StreamOutput: AnyObject, Sendable {
    var eventLoop: any EventLoop { get }
    /// Whether a write now would be taken without piling up: the stream stops taking events
    /// from its sink while this is false, and its owner tells it (`writabilityChanged`)
    /// when that changes.
    var isWritable: Bool { get }
    /// Writes one part in one flush, framed by the stream's delimiters: the opening
    /// delimiter first when `opening`, then the part, then the delimiter after it (the close
    /// delimiter when `final`). `written`, if given, is called on the event loop with true
    /// once the bytes have reached the socket (false: the connection went first; not called
    /// at all if the stream's response ended before). A connection that has gone is noticed
    /// by the owner, which ends the stream.
    func write(_ part: ByteBuffer, opening: Bool, final: Bool, written: ((Bool) -> Void)?)
    /// Ends the response after what was written.
    func finish()
    /// Cuts the connection off at once (a reader stalled past the write timeout).
    func reset()
}
