/// An incremental `multipart/x-mixed-replace` parser: bytes in, whole parts out, whatever
/// the split of the input. Memory is bounded by the part-size limit; malformed input is an
/// error that says what was wrong, never a crash.
public struct MultipartParser: Sendable {
    /// One part: its headers (names lower-cased) and its body.
    public struct Part: Sendable, Equatable {
        public var headers: [String: String]
        public var body: [UInt8]

        public var event: String? { headers["pushcast-event"] }
        public var channel: String? { headers["pushcast-channel"] }
        public var seq: Int64? { headers["pushcast-seq"].flatMap { Int64($0) } }
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case missingBoundary
        case notMultipart
        case partTooLarge(limit: Int)
        case malformedHeaders(String)

        public var description: String {
            switch self {
            case .missingBoundary: "the response names no multipart boundary"
            case .notMultipart: "the stream does not start with its boundary"
            case .partTooLarge(let limit): "a part is larger than \(limit) bytes"
            case .malformedHeaders(let line): "a part's headers are malformed: \(line.prefix(80))"
            }
        }
    }

    private let delimiter: [UInt8]
    private let limit: Int
    private var buffer: [UInt8] = []
    private var searchFrom = 0
    private var opened = false
    /// True once the close delimiter has been read.
    public private(set) var isClosed = false

    public init(boundary: String, maxPartBytes: Int = 16 << 20) {
        delimiter = Array("\r\n--\(boundary)".utf8)
        limit = maxPartBytes
    }

    /// The boundary parameter of a `Content-Type` header.
    public static func boundary(fromContentType contentType: String) throws -> String {
        let boundary = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.lowercased().hasPrefix("boundary=") }
            .map { String($0.dropFirst("boundary=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        guard let boundary, !boundary.isEmpty else { throw ParseError.missingBoundary }
        return boundary
    }

    public mutating func feed(_ bytes: some Sequence<UInt8>) throws -> [Part] {
        guard !isClosed else { return [] }
        buffer.append(contentsOf: bytes)
        if !opened {
            // The stream opens with the boundary's delimiter line (no CRLF before it).
            let opening = Array(delimiter.dropFirst(2)) + [13, 10]
            guard buffer.count >= opening.count else {
                if !opening.starts(with: buffer) { throw ParseError.notMultipart }
                return []
            }
            guard buffer.starts(with: opening) else { throw ParseError.notMultipart }
            buffer.removeFirst(opening.count)
            opened = true
        }
        var parts: [Part] = []
        while let end = findDelimiter() {
            let after = end + delimiter.count
            guard buffer.count >= after + 2 else { break }
            parts.append(try Self.part(buffer[..<end]))
            isClosed = buffer[after] == UInt8(ascii: "-") && buffer[after + 1] == UInt8(ascii: "-")
            buffer.removeFirst(after + 2)
            searchFrom = 0
            if isClosed { break }
        }
        if buffer.count > limit { throw ParseError.partTooLarge(limit: limit) }
        return parts
    }

    /// The start of the next delimiter, searching each byte only once across feeds.
    private mutating func findDelimiter() -> Int? {
        guard buffer.count >= delimiter.count else { return nil }
        var start = searchFrom
        while start <= buffer.count - delimiter.count {
            if buffer[start] == delimiter[0], buffer[start..<(start + delimiter.count)].elementsEqual(delimiter) {
                return start
            }
            start += 1
        }
        searchFrom = max(0, buffer.count - delimiter.count + 1)
        return nil
    }

    private static func part(_ bytes: ArraySlice<UInt8>) throws -> Part {
        let separator: [UInt8] = [13, 10, 13, 10]
        var split: Int?
        var index = bytes.startIndex
        while index + 4 <= bytes.endIndex {
            if bytes[index..<(index + 4)].elementsEqual(separator) {
                split = index
                break
            }
            index += 1
        }
        guard let split else { throw ParseError.malformedHeaders(String(decoding: bytes.prefix(80), as: UTF8.self)) }
        var headers: [String: String] = [:]
        for line in String(decoding: bytes[bytes.startIndex..<split], as: UTF8.self).components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else { throw ParseError.malformedHeaders(line) }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Part(headers: headers, body: Array(bytes[(split + 4)...]))
    }
}

import Foundation
