import Foundation
import Hummingbird
import NIOCore
import Pushcast

/// Writes one stream: each part together with the delimiter that follows it, in one flush,
/// every write watched by the hub's ticker so a stalled reader can be cut off, and counted
/// by its transport's meter.
struct StreamSession {
    let delimiters: StreamDelimiters
    let sink: StreamSink
    let meter: TransportMeter
    private var opened = false

    init(delimiters: StreamDelimiters, sink: StreamSink, meter: TransportMeter) {
        self.delimiters = delimiters
        self.sink = sink
        self.meter = meter
    }

    mutating func send(_ part: ByteBuffer, final: Bool = false, to writer: inout any ResponseBodyWriter) async throws {
        let buffers = delimiters.framing(part, opening: !opened, final: final)
        opened = true
        try await sink.write { try await writer.write(contentsOf: buffers) }
        meter.sent(buffers.reduce(0) { $0 + $1.readableBytes })
    }

    /// Sends an item's part; a live one counts its publish-to-write latency.
    mutating func send(item entry: RenderedEntry, as part: ByteBuffer, to writer: inout any ResponseBodyWriter) async throws {
        try await send(part, to: &writer)
        meter.delivered(published: entry.published)
    }
}
