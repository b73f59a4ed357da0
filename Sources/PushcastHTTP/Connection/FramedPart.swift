import NIOCore
import NIOPosix

/// The chunk head and bytes of the part most recently written on this thread, made once
/// and written to every stream that writes the same part after it. An event loop writes an
/// item to all its streams one after another, so each of them then costs two writes (this,
/// and its own delimiter) instead of three. One per thread, so never shared or locked
/// (hence `@unchecked Sendable`: a thread-specific variable asks for it).
final class FramedPart: @unchecked Sendable {
    /// The part last framed, kept so that its bytes cannot be freed and their address reused.
    private var part: ByteBuffer?
    private var chunkSize = 0
    private var framed = ByteBuffer()

    private static let perThread = ThreadSpecificVariable<FramedPart>()

    /// This thread's.
    static var current: FramedPart {
        if let framer = perThread.currentValue { return framer }
        let framer = FramedPart()
        perThread.currentValue = framer
        return framer
    }

    /// `part` after the head of a chunk of `chunkSize` bytes (the part and what follows it).
    func framed(_ part: ByteBuffer, chunkSize: Int) -> ByteBuffer {
        if chunkSize == self.chunkSize, let last = self.part, Self.sameBytes(last, part) { return framed }
        var framed = ByteBuffer()
        framed.reserveCapacity(part.readableBytes + 18)
        StreamChannelHandler.writeHex(chunkSize, to: &framed)
        framed.writeStaticString("\r\n")
        framed.writeImmutableBuffer(part)
        (self.part, self.chunkSize, self.framed) = (part, chunkSize, framed)
        return framed
    }

    /// Whether two buffers are views of the very same bytes.
    private static func sameBytes(_ one: ByteBuffer, _ other: ByteBuffer) -> Bool {
        one.readableBytes == other.readableBytes
            && one.withUnsafeReadableBytes { first in
                other.withUnsafeReadableBytes { second in first.baseAddress == second.baseAddress }
            }
    }
}
