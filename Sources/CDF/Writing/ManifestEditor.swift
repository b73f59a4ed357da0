/// Adds an ITEM to a manifest's text without touching anything else in it: the new
/// element goes just before the root CHANNEL's end tag, indented like its neighbours, and
/// every other byte (comments, spacing, attribute order, the BOM) stays as it was.
///
/// It edits text, not a tree, so it expects a well-formed manifest: the caller validates
/// the original before and the result after.
public struct ManifestEditor: Sendable {
    /// The manifest's bytes (UTF-8).
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The edited manifest and the line its new ITEM starts on.
    public struct Edit: Sendable, Hashable {
        public var bytes: [UInt8]
        public var line: Int
    }

    /// The manifest with `item` as the last child of the root CHANNEL, or nil when no end
    /// tag of the root is found.
    public func appending(_ item: ItemEntry) -> Edit? {
        guard let end = rootEndTag() else { return nil }
        var lineStart = end
        while lineStart > 0, bytes[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
        let leading = String(decoding: bytes[lineStart...].prefix(while: Self.isIndent), as: UTF8.self)
        let newline = bytes.indices.dropFirst().contains { bytes[$0] == 10 && bytes[$0 - 1] == 13 } ? "\r\n" : "\n"
        let linesBefore = bytes[..<lineStart].filter { $0 == UInt8(ascii: "\n") }.count
        if lineStart + leading.utf8.count == end {
            // The end tag has a line of its own: whole lines go in before it.
            let child = previousIndent(before: lineStart).flatMap {
                $0.count > leading.count && $0.hasPrefix(leading) ? $0 : nil
            }
            let unit = child.map { String($0.dropFirst(leading.count)) } ?? "\t"
            let text = item.markup(indent: child ?? leading + unit, unit: unit, newline: newline) + newline
            return Edit(bytes: Array(bytes[..<lineStart]) + Array(text.utf8) + Array(bytes[lineStart...]), line: linesBefore + 1)
        }
        // Something precedes the end tag on its line (a one-line manifest): break the line.
        let child = leading.isEmpty ? "\t" : leading
        let text = newline + item.markup(indent: child, unit: child, newline: newline) + newline
        let linesToEnd = linesBefore + bytes[lineStart..<end].filter { $0 == UInt8(ascii: "\n") }.count
        return Edit(bytes: Array(bytes[..<end]) + Array(text.utf8) + Array(bytes[end...]), line: linesToEnd + 2)
    }

    /// Where the last `</CHANNEL` end tag outside comments, CDATA, processing instructions
    /// and the DOCTYPE starts: the root's, in a well-formed manifest.
    func rootEndTag() -> Int? {
        var index = 0
        var last: Int?
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            if starts("<!--", at: index) {
                index = find("-->", from: index + 4).map { $0 + 3 } ?? bytes.count
            } else if starts("<![CDATA[", at: index) {
                index = find("]]>", from: index + 9).map { $0 + 3 } ?? bytes.count
            } else if starts("<?", at: index) {
                index = find("?>", from: index + 2).map { $0 + 2 } ?? bytes.count
            } else if starts("<!", at: index) {
                index = skipDeclaration(from: index + 2)
            } else {
                if starts("</", at: index), isChannelName(at: index + 2) { last = index }
                index = skipTag(from: index + 1)
            }
        }
        return last
    }

    private static func isIndent(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// The indentation of the nearest line with something on it, before `lineStart`.
    private func previousIndent(before lineStart: Int) -> String? {
        var end = lineStart
        while end > 0 {
            var start = end - 1
            while start > 0, bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
            let line = bytes[start..<(end - 1)]
            if line.contains(where: { !Self.isIndent($0) && $0 != 13 }) {
                return String(decoding: line.prefix(while: Self.isIndent), as: UTF8.self)
            }
            end = start
        }
        return nil
    }

    private func starts(_ text: String, at index: Int) -> Bool {
        let needle = Array(text.utf8)
        return index + needle.count <= bytes.count && bytes[index..<(index + needle.count)].elementsEqual(needle)
    }

    private func find(_ text: String, from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            if starts(text, at: index) { return index }
            index += 1
        }
        return nil
    }

    /// `channel` in any case, then white space or `>`.
    private func isChannelName(at index: Int) -> Bool {
        let name = Array("channel".utf8)
        guard index + name.count < bytes.count else { return false }
        for (offset, letter) in name.enumerated() where bytes[index + offset] | 0x20 != letter { return false }
        let next = bytes[index + name.count]
        return next == UInt8(ascii: ">") || Self.isIndent(next) || next == 10 || next == 13
    }

    /// Past the `>` that ends a tag begun before `start`, skipping quoted attribute values.
    private func skipTag(from start: Int) -> Int {
        var quote: UInt8?
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return index + 1
            }
            index += 1
        }
        return bytes.count
    }

    /// Past the `>` that ends a `<!DOCTYPE …>`, its bracketed internal subset included.
    private func skipDeclaration(from start: Int) -> Int {
        var depth = 0
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ">") where depth <= 0: return index + 1
            default: break
            }
            index += 1
        }
        return bytes.count
    }
}
