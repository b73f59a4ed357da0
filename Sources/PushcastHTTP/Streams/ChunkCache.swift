import NIOCore

/// The chunks most recently framed on one event loop (its `LoopFanout` holds it), each made
/// once and written as it is to every stream of the loop that writes the same part with the
/// same delimiter: an item reaches a loop's streams one after another, so each of them costs
/// one write of shared bytes (SPEC §3.1, docs/PUSH.md). Used on its loop only.
final class ChunkCache {
    /// One framed chunk: what it was made of (kept, so that their bytes cannot be freed and
    /// their address reused while the key is remembered) and the result. A class: looking a
    /// slot up for every write of every stream then takes one reference, not three buffers.
    private final class Slot {
        let part: ByteBuffer
        let tail: ByteBuffer
        /// The chunk; nil when the part holds the boundary.
        let chunk: ByteBuffer?

        init(part: ByteBuffer, tail: ByteBuffer, chunk: ByteBuffer?) {
            self.part = part
            self.tail = tail
            self.chunk = chunk
        }

        func holds(_ part: ByteBuffer, _ tail: ByteBuffer) -> Bool {
            ChunkCache.sameBytes(self.part, part) && ChunkCache.sameBytes(self.tail, tail)
        }
    }

    /// Enough for the kinds of stream one channel has (formats, SSE, pages), interleaved.
    static let slotCount = 8
    private var slots: [Slot?] = Array(repeating: nil, count: slotCount)
    private var next = 0
    /// The slot found last: the streams of a loop write the same chunk one after another.
    private var lastFound = 0

    /// `part` then `tail`, as one HTTP/1.1 chunk; nil when `boundary` occurs in `part`.
    func chunk(_ part: ByteBuffer, tail: ByteBuffer, boundary: SharedBoundary?) -> ByteBuffer? {
        if let slot = slots[lastFound], slot.holds(part, tail) { return slot.chunk }
        for (index, slot) in slots.enumerated() where slot?.holds(part, tail) == true {
            lastFound = index
            return slot?.chunk
        }
        let chunk = boundary?.occurs(in: part) == true ? nil : Self.frame(part, tail: tail)
        slots[next] = Slot(part: part, tail: tail, chunk: chunk)
        lastFound = next
        next = (next + 1) % Self.slotCount
        return chunk
    }

    /// The chunk head (size in hexadecimal, CRLF), the bytes, and the chunk's closing CRLF.
    static func frame(_ part: ByteBuffer, tail: ByteBuffer) -> ByteBuffer {
        let size = part.readableBytes + tail.readableBytes
        var chunk = ByteBuffer()
        chunk.reserveCapacity(size + 20)
        writeHex(size, to: &chunk)
        chunk.writeStaticString("\r\n")
        chunk.writeImmutableBuffer(part)
        chunk.writeImmutableBuffer(tail)
        chunk.writeStaticString("\r\n")
        return chunk
    }

    /// A chunk size as HTTP/1.1 writes it: hexadecimal digits.
    static func writeHex(_ value: Int, to buffer: inout ByteBuffer) {
        var shift = max(0, (Int.bitWidth - value.leadingZeroBitCount - 1) / 4 * 4)
        while shift >= 0 {
            buffer.writeInteger(hexDigits[(value >> shift) & 0xf])
            shift -= 4
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Whether two buffers are views of the very same bytes.
    fileprivate static func sameBytes(_ one: ByteBuffer, _ other: ByteBuffer) -> Bool {
        one.readableBytes == other.readableBytes
            && one.withUnsafeReadableBytes { first in
                other.withUnsafeReadableBytes { second in first.baseAddress == second.baseAddress }
            }
    }
}
