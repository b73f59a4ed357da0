/// An incremental `multipart/x-mixed-replace` parser for tests: bytes in, whole parts out,
/// whatever the split of the input; a part larger than the limit is an error.
struct MultipartReader {
    struct Part: Equatable {
        var headers: [String: String]
        var body: [UInt8]
        var event: String? { headers["pushcast-event"] }
        var seq: Int? { headers["pushcast-seq"].flatMap { Int($0) } }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    enum Failure: Error { case partTooLarge, malformedHeaders, notMultipart }

    let delimiter: [UInt8]
    let limit: Int
    private var buffer: [UInt8] = []
    private var opened = false
    private(set) var closed = false

    init(boundary: String, limit: Int = 8 << 20) {
        delimiter = Array("--\(boundary)".utf8)
        self.limit = limit
    }

    /// The boundary from a `Content-Type` header.
    static func boundary(of contentType: String) -> String? {
        contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.hasPrefix("boundary=") }.map { String($0.dropFirst("boundary=".count)) }
    }

    mutating func feed(_ bytes: some Sequence<UInt8>) throws -> [Part] {
        buffer.append(contentsOf: bytes)
        var parts: [Part] = []
        if !opened {
            guard buffer.count >= delimiter.count + 2 else { return [] }
            guard buffer.starts(with: delimiter + [13, 10]) else { throw Failure.notMultipart }
            buffer.removeFirst(delimiter.count + 2)
            opened = true
        }
        while !closed, let end = find([13, 10] + delimiter) {
            let after = end + 2 + delimiter.count
            guard buffer.count >= after + 2 else { break }
            parts.append(try part(Array(buffer[..<end])))
            closed = buffer[after] == UInt8(ascii: "-") && buffer[after + 1] == UInt8(ascii: "-")
            buffer.removeFirst(after + 2)
        }
        if buffer.count > limit { throw Failure.partTooLarge }
        return parts
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard buffer.count >= needle.count else { return nil }
        for start in 0...(buffer.count - needle.count) where buffer[start] == needle[0] {
            if buffer[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }

    private func part(_ bytes: [UInt8]) throws -> Part {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let split = (0...(max(bytes.count - 4, 0))).first(where: { bytes.count >= $0 + 4 && Array(bytes[$0..<($0 + 4)]) == separator })
        else { throw Failure.malformedHeaders }
        var headers: [String: String] = [:]
        for line in String(decoding: bytes[..<split], as: UTF8.self).components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { throw Failure.malformedHeaders }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Part(headers: headers, body: Array(bytes[(split + 4)...]))
    }
}

import Foundation
