/// Where a stream's next bytes go (docs/PUSH.md, "How a part reaches the socket"): straight
/// to its socket with one `send(2)` while nothing it wrote waits in SwiftNIO's pipeline, and
/// through the pipeline while something does. What a send leaves over (the socket was full,
/// or failing) goes to the pipeline, which queues it, waits for writability and reports
/// errors; later writes follow it there until every write in the pipeline has reached the
/// socket, so the bytes keep their order. On a connection Hummingbird served before, the
/// response head goes through the pipeline too, after whatever Hummingbird wrote; on one
/// that opened with the stream's request nothing was written before it, and the head is
/// sent like any other write. Decisions only: the `StreamChannelHandler` sends and queues.
struct SocketWriter {
    enum State: Equatable {
        /// Nothing of the stream's is in the pipeline: the next write is a `send(2)`.
        case direct(descriptor: CInt)
        /// `writes` of the stream's writes are in the pipeline and have not reached the
        /// socket yet; once they have, writes go to `descriptor` again.
        case queued(descriptor: CInt, writes: Int)
        /// Everything goes through the pipeline: the connection is closing (its descriptor
        /// may soon name another socket), or its descriptor is not known.
        case pipeline
    }

    private(set) var state: State

    /// A stream about to write its head. When something may have been written before it on
    /// the connection (`writtenBefore`), the head goes through the pipeline behind that, and
    /// writes queue behind the head until it is on the socket; when nothing was, the head is
    /// sent to `descriptor` too. With no descriptor, every write goes through the pipeline.
    init(descriptor: CInt?, writtenBefore: Bool) {
        guard let descriptor else {
            state = .pipeline
            return
        }
        state = writtenBefore ? .queued(descriptor: descriptor, writes: 0) : .direct(descriptor: descriptor)
    }

    /// The descriptor to send the next write to; nil when it goes through the pipeline
    /// (`queue`).
    var descriptor: CInt? {
        if case .direct(let descriptor) = state { descriptor } else { nil }
    }

    /// A write goes through the pipeline: later writes follow it there until it has
    /// reached the socket. True when it is tracked: tell `queuedWriteDone` once it has
    /// reached the socket or failed.
    mutating func queue() -> Bool {
        switch state {
        case .direct(let descriptor):
            state = .queued(descriptor: descriptor, writes: 1)
            return true
        case .queued(let descriptor, let writes):
            state = .queued(descriptor: descriptor, writes: writes + 1)
            return true
        case .pipeline:
            return false
        }
    }

    /// The send to `descriptor` took `sent` of its `count` bytes (0 when it failed): true
    /// when the rest must go to the pipeline, tracked, ahead of every later write.
    mutating func sent(_ sent: Int, of count: Int) -> Bool {
        guard sent < count else { return false }
        return queue()
    }

    /// A tracked write has reached the socket, or failed: then the connection is closing
    /// (SwiftNIO fails the writes it holds just before it says the channel is inactive), and
    /// nothing is sent to its descriptor again.
    mutating func queuedWriteDone(succeeded: Bool) {
        guard succeeded else { return closing() }
        guard case .queued(let descriptor, let writes) = state else { return }
        state = writes > 1 ? .queued(descriptor: descriptor, writes: writes - 1) : .direct(descriptor: descriptor)
    }

    /// The connection's descriptor while it is open and known, whether or not the next
    /// write goes to it (to ask the kernel what it still holds unacknowledged).
    var openDescriptor: CInt? {
        switch state {
        case .direct(let descriptor), .queued(let descriptor, _): descriptor
        case .pipeline: nil
        }
    }

    /// True when everything written so far has reached the socket.
    var isDrained: Bool {
        if case .direct = state { true } else { false }
    }

    /// The connection is closing or closed: its descriptor is never written to again.
    mutating func closing() {
        state = .pipeline
    }
}
