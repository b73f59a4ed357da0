import Foundation
import PushcastClient
import Testing

@Suite("The incremental multipart parser")
struct MultipartParserTests {
    static let boundary = "pushcast-abc123"

    /// A stream as the server writes it: opening delimiter, parts each followed by the
    /// delimiter, the last by the close delimiter.
    static func stream(_ parts: [(headers: String, body: String)], closed: Bool = true) -> [UInt8] {
        var text = "--\(boundary)\r\n"
        for (index, part) in parts.enumerated() {
            text += part.headers + "\r\n\r\n" + part.body + "\r\n"
            text += index == parts.count - 1 && closed ? "--\(boundary)--\r\n" : "--\(boundary)\r\n"
        }
        return Array(text.utf8)
    }

    static let sample = stream([
        ("Content-Type: application/json\r\nPushcast-Event: snapshot", #"{"lastSeq":1}"#),
        ("Content-Type: text/plain\r\nPushcast-Channel: news\r\nPushcast-Seq: 2\r\nPushcast-Event: item",
         "a body with -- dashes\r\nand --pushcast-abc12 almost the boundary\r\n--not a delimiter either"),
        ("Content-Type: application/json\r\nPushcast-Event: heartbeat", "{}"),
        ("Content-Type: application/json\r\nPushcast-Channel: news\r\nPushcast-Seq: 3\r\nPushcast-Event: item", ""),
    ])

    @Test func parsesWholeStreams() throws {
        var parser = MultipartParser(boundary: Self.boundary)
        let parts = try parser.feed(Self.sample)
        #expect(parts.map(\.event) == ["snapshot", "item", "heartbeat", "item"])
        #expect(parts[1].channel == "news" && parts[1].seq == 2)
        #expect(parts[1].text == "a body with -- dashes\r\nand --pushcast-abc12 almost the boundary\r\n--not a delimiter either")
        #expect(parts[3].body.isEmpty)
        #expect(parser.isClosed)
    }

    @Test func anySplitGivesTheSameParts() throws {
        var whole = MultipartParser(boundary: Self.boundary)
        let expected = try whole.feed(Self.sample)
        for split in 0...Self.sample.count {
            var parser = MultipartParser(boundary: Self.boundary)
            let parts = try parser.feed(Self.sample[..<split]) + parser.feed(Self.sample[split...])
            #expect(parts == expected, "split at \(split)")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var parser = MultipartParser(boundary: Self.boundary)
            var parts: [MultipartParser.Part] = []
            var offset = 0
            while offset < Self.sample.count {
                let size = Int.random(in: 1...17, using: &generator)
                parts += try parser.feed(Self.sample[offset..<min(offset + size, Self.sample.count)])
                offset += size
            }
            #expect(parts == expected)
        }
    }

    @Test func boundaryFromContentType() throws {
        #expect(try MultipartParser.boundary(fromContentType: "multipart/x-mixed-replace; boundary=abc; charset=utf-8") == "abc")
        #expect(try MultipartParser.boundary(fromContentType: #"multipart/x-mixed-replace; boundary="q q""#) == "q q")
        #expect(throws: MultipartParser.ParseError.missingBoundary) {
            try MultipartParser.boundary(fromContentType: "multipart/x-mixed-replace")
        }
    }

    @Test func malformedInputIsAnError() {
        var wrongStart = MultipartParser(boundary: Self.boundary)
        #expect(throws: MultipartParser.ParseError.notMultipart) { try wrongStart.feed(Array("HTTP/1.1 200 OK\r\n".utf8)) }
        var truncated = MultipartParser(boundary: Self.boundary)
        let noHeaderEnd = Array("--\(Self.boundary)\r\nContent-Type: text/plain\r\n--\(Self.boundary)\r\n".utf8)
        #expect(throws: MultipartParser.ParseError.self) { try truncated.feed(noHeaderEnd) }
        var badHeader = MultipartParser(boundary: Self.boundary)
        let noColon = Array("--\(Self.boundary)\r\nno colon here\r\n\r\nbody\r\n--\(Self.boundary)\r\n".utf8)
        #expect(throws: MultipartParser.ParseError.malformedHeaders("no colon here")) { try badHeader.feed(noColon) }
    }

    @Test func anOversizePartIsRefusedWithBoundedMemory() {
        var parser = MultipartParser(boundary: Self.boundary, maxPartBytes: 1024)
        #expect(throws: MultipartParser.ParseError.partTooLarge(limit: 1024)) {
            _ = try parser.feed(Array("--\(Self.boundary)\r\nContent-Type: x\r\n\r\n".utf8))
            for _ in 0..<100 { _ = try parser.feed([UInt8](repeating: 65, count: 100)) }
        }
    }
}
