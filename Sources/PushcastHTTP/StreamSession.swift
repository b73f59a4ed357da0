import Foundation
import Hummingbird
import NIOCore
import Pushcast

/// Writes one stream: each part together with the delimiter that follows it, in one flush,
/// every write watched by the hub's ticker so a stalled reader can be cut off.
struct StreamSession {
    let framing: StreamFraming
    let sink: StreamSink
    private var opened = false

    init(framing: StreamFraming, sink: StreamSink) {
        self.framing = framing
        self.sink = sink
    }

    mutating func send(_ part: ByteBuffer, final: Bool = false, to writer: inout any ResponseBodyWriter) async throws {
        var buffers: [ByteBuffer] = []
        if !opened {
            buffers.append(framing.opening)
            opened = true
        }
        buffers.append(part)
        let tail = final ? framing.close : framing.delimiter
        if tail.readableBytes > 0 { buffers.append(tail) }
        try await sink.write { try await writer.write(contentsOf: buffers) }
    }
}
