/// Rewrites the markup of a 1990s manifest into well-formed XML, so that libxml2 reads
/// what IE4 read (SPEC §1.3, legacy mode). Input and output are UTF-8.
///
/// What it mends: an upper-case or misplaced `<?XML …?>` declaration; end tags whose case
/// differs from the start tag (element names are upper-cased, as names are matched without
/// regard to case anyway); missing end tags (an ITEM or CHANNEL start closes an open
/// ITEM, a structural element closes an open TITLE, ABSTRACT, A, USAGE or SCHEDULE, and
/// EOF closes everything); empty CDF elements written without `/>`; `<` and stray `&` in
/// attribute values and text; unquoted, valueless and repeated attributes; an attribute
/// value whose closing quote never comes; `--` inside comments; characters XML forbids.
///
/// Every line break stays where it was, so libxml2's line numbers still point into the
/// original file. DOCTYPEs are copied as they are: the parser itself refuses entity
/// declarations. Time and memory are linear in the input.
struct LegacyRepair {
    /// Elements of the CDF vocabulary that never have content.
    static let emptyElements: Set<[UInt8]> = Set(
        ["LOGO", "INTERVALTIME", "EARLIESTTIME", "LATESTTIME", "LOG", "PURGETIME", "HTTP-EQUIV", "OPENAS",
         "WIDTH", "HEIGHT", "CANRESIZE", "CANRESIZEX", "CANRESIZEY"].map { Array($0.utf8) })
    /// Elements whose start closes an open text or container element.
    static let structuralElements: Set<[UInt8]> = Set(
        ["CHANNEL", "ITEM", "TITLE", "ABSTRACT", "A", "LOGO", "SCHEDULE", "USAGE", "LOG", "LOGTARGET", "LOGIN",
         "SOFTPKG"].map { Array($0.utf8) })
    /// Elements a structural element's start closes when they are left open.
    static let closedByStructure: Set<[UInt8]> = Set(
        ["TITLE", "ABSTRACT", "A", "USAGE", "SCHEDULE"].map { Array($0.utf8) })

    /// Past this many open elements the repair stops: the parser refuses such depth anyway,
    /// and the open-element stack stays small enough to search.
    static let deepestRepair = 512

    private let input: [UInt8]
    private var index = 0
    private var output: [UInt8] = []
    private var open: [[UInt8]] = []
    private var rootSeen = false

    static func repair(_ utf8: [UInt8]) -> [UInt8] {
        var repair = LegacyRepair(input: utf8)
        repair.run()
        return repair.output
    }

    private init(input: [UInt8]) {
        self.input = input
        output.reserveCapacity(input.count + input.count / 8 + 64)
    }

    private mutating func run() {
        output.append(contentsOf: Array(#"<?xml version="1.0" encoding="UTF-8"?>"#.utf8))
        while index < input.count {
            if rootSeen && open.isEmpty {
                // After the root element: keep only the line breaks.
                dropUntil(input.count)
                break
            }
            let byte = input[index]
            if byte == UInt8(ascii: "<") {
                markup()
            } else if byte == UInt8(ascii: "&") {
                if open.isEmpty { dropUntil(index + 1) } else { reference(inAttribute: false) }
            } else if open.isEmpty {
                // Text outside the root: white space stays, anything else goes.
                if byte.isXMLSpace { output.append(byte) }
                index += 1
            } else {
                textByte()
            }
        }
        while let name = open.popLast() { endTag(name) }
    }

    // MARK: - Markup

    private mutating func markup() {
        if has("<!--") {
            comment()
        } else if has("<![CDATA[") {
            cdata()
        } else if hasIgnoringCase("<!DOCTYPE") {
            if rootSeen || !open.isEmpty { dropUntil(declarationEnd()) } else { copyUntil(declarationEnd()) }
        } else if has("<!") {
            dropUntil(declarationEnd())
        } else if has("<?") {
            processingInstruction()
        } else if has("</") {
            endTagInInput()
        } else if index + 1 < input.count, input[index + 1].isNameStart {
            startTag()
        } else if open.isEmpty {
            index += 1
        } else {
            output.append(contentsOf: Array("&lt;".utf8))
            index += 1
        }
    }

    private mutating func comment() {
        let bodyStart = index + 4
        let end = find("-->", from: bodyStart)
        var body = Array(input[bodyStart..<(end ?? input.count)])
        // XML forbids "--" inside a comment and a comment ending in "-".
        var cleaned: [UInt8] = []
        for byte in body {
            if byte == UInt8(ascii: "-"), cleaned.last == UInt8(ascii: "-") { cleaned.append(UInt8(ascii: " ")) }
            cleaned.append(byte)
        }
        if cleaned.last == UInt8(ascii: "-") { cleaned.append(UInt8(ascii: " ")) }
        body = cleaned.map { $0.isForbiddenInXML ? UInt8(ascii: "?") : $0 }
        output.append(contentsOf: Array("<!--".utf8) + body + Array("-->".utf8))
        index = end.map { $0 + 3 } ?? input.count
    }

    private mutating func cdata() {
        guard !open.isEmpty else { return dropUntil(find("]]>", from: index).map { $0 + 3 } ?? input.count) }
        let bodyStart = index + 9
        let end = find("]]>", from: bodyStart) ?? input.count
        output.append(contentsOf: Array("<![CDATA[".utf8))
        output.append(contentsOf: input[bodyStart..<end].map { $0.isForbiddenInXML ? UInt8(ascii: "?") : $0 })
        output.append(contentsOf: Array("]]>".utf8))
        index = min(end + 3, input.count)
    }

    private mutating func processingInstruction() {
        // Never closed: no later one can be either, so it takes the rest of the file.
        guard let close = find("?>", from: index + 2) else { return dropUntil(input.count) }
        let end = close + 2
        let target = String(decoding: input[(index + 2)..<end].prefix { $0.isNameByte }, as: UTF8.self)
        // The XML declaration was written first already; one in any case or place goes.
        if target.isEmpty || target.lowercased() == "xml" { dropUntil(end) } else { copyUntil(end) }
    }

    /// The end of a `<!…>` declaration: its `>`, skipping quoted strings and an internal subset.
    private func declarationEnd() -> Int {
        var position = index + 2
        var depth = 0
        var quote: UInt8?
        while position < input.count {
            let byte = input[position]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "]") {
                depth = max(depth - 1, 0)
            } else if byte == UInt8(ascii: ">") && depth == 0 {
                return position + 1
            }
            position += 1
        }
        return input.count
    }

    // MARK: - Elements

    private mutating func startTag() {
        index += 1
        let rawName = readName()
        let name = rawName.map(\.asciiUppercased)
        var attributes: [(name: [UInt8], value: [UInt8], leadingSpace: [UInt8])] = []
        var attributeNames: Set<[UInt8]> = []
        var selfClosing = false
        var spacing: [UInt8] = []
        while index < input.count {
            let byte = input[index]
            if byte.isXMLSpace {
                spacing.append(byte)
                index += 1
            } else if byte == UInt8(ascii: ">") {
                index += 1
                break
            } else if byte == UInt8(ascii: "/"), index + 1 < input.count, input[index + 1] == UInt8(ascii: ">") {
                index += 2
                selfClosing = true
                break
            } else if byte == UInt8(ascii: "<") {
                break  // The tag was never closed: end it here.
            } else if let attribute = readAttribute() {
                if attributeNames.insert(attribute.name.map(\.asciiUppercased)).inserted {
                    attributes.append((attribute.name, attribute.value, spacing))
                } else {
                    output.append(contentsOf: spacing.filter { $0 == UInt8(ascii: "\n") })
                }
                spacing = []
            } else {
                index += 1  // A stray quote, '=' or '/'.
            }
        }
        closeImplicitly(before: name)
        rootSeen = true
        output.append(UInt8(ascii: "<"))
        output.append(contentsOf: name)
        for attribute in attributes {
            let newlines = attribute.leadingSpace.filter { $0 == UInt8(ascii: "\n") }
            output.append(contentsOf: newlines.isEmpty ? [UInt8(ascii: " ")] : newlines)
            output.append(contentsOf: attribute.name)
            output.append(contentsOf: Array("=\"".utf8))
            attributeValue(attribute.value)
            output.append(UInt8(ascii: "\""))
        }
        output.append(contentsOf: spacing.filter { $0 == UInt8(ascii: "\n") })
        if selfClosing || LegacyRepair.emptyElements.contains(name) {
            output.append(contentsOf: Array("/>".utf8))
        } else if open.count >= LegacyRepair.deepestRepair {
            // Deeper than any parse accepts: stop mending and let the parser refuse it.
            output.append(UInt8(ascii: ">"))
            output.append(contentsOf: input[index...])
            index = input.count
            open.removeAll()
        } else {
            output.append(UInt8(ascii: ">"))
            open.append(name)
        }
    }

    /// Closes what a new `name` element implies is finished.
    private mutating func closeImplicitly(before name: [UInt8]) {
        if LegacyRepair.structuralElements.contains(name) {
            while let top = open.last, LegacyRepair.closedByStructure.contains(top) {
                endTag(open.removeLast())
            }
        }
        let item = Array("ITEM".utf8)
        let channel = Array("CHANNEL".utf8)
        if name == item || name == channel,
            let openItem = open.lastIndex(of: item),
            !open[openItem...].contains(channel)
        {
            while open.count > openItem { endTag(open.removeLast()) }
        }
    }

    private mutating func endTagInInput() {
        index += 2
        let name = readName().map(\.asciiUppercased)
        // Skip to the tag's '>', or stop before a '<' if it has none.
        while index < input.count, input[index] != UInt8(ascii: ">"), input[index] != UInt8(ascii: "<") {
            if input[index] == UInt8(ascii: "\n") { output.append(UInt8(ascii: "\n")) }
            index += 1
        }
        if index < input.count, input[index] == UInt8(ascii: ">") { index += 1 }
        guard let depth = open.lastIndex(of: name) else { return }  // Closes nothing that is open.
        while open.count > depth { endTag(open.removeLast()) }
    }

    private mutating func endTag(_ name: [UInt8]) {
        output.append(contentsOf: Array("</".utf8))
        output.append(contentsOf: name)
        output.append(UInt8(ascii: ">"))
    }

    private mutating func readName() -> [UInt8] {
        let start = index
        while index < input.count, input[index].isNameByte { index += 1 }
        return Array(input[start..<index])
    }

    /// One attribute: `name="value"`, `name='value'`, `name=value` or a bare `name`.
    private mutating func readAttribute() -> (name: [UInt8], value: [UInt8])? {
        guard input[index].isNameStart else { return nil }
        let name = readName()
        var lookahead = index
        while lookahead < input.count, input[lookahead].isXMLSpace { lookahead += 1 }
        guard lookahead < input.count, input[lookahead] == UInt8(ascii: "=") else { return (name, name) }
        index = lookahead + 1
        while index < input.count, input[index].isXMLSpace, input[index] != UInt8(ascii: "\n") { index += 1 }
        guard index < input.count else { return (name, []) }
        let quote = input[index]
        if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
            // Scan to the closing quote, unless a line break followed by a tag comes first:
            // then the quote was never closed, and the value ends at its first line break.
            // Whatever is scanned is consumed, so the work stays linear in the input.
            let start = index + 1
            var position = start
            var firstLineBreak: Int?
            var afterLineBreak = false
            while position < input.count {
                let byte = input[position]
                if byte == quote {
                    index = position + 1
                    return (name, Array(input[start..<position]))
                }
                if byte == UInt8(ascii: "\n") {
                    if firstLineBreak == nil { firstLineBreak = position }
                    afterLineBreak = true
                } else if byte == UInt8(ascii: "<") && afterLineBreak {
                    break
                } else if !byte.isXMLSpace {
                    afterLineBreak = false
                }
                position += 1
            }
            index = firstLineBreak ?? input.count
            return (name, Array(input[start..<index]))
        }
        let start = index
        while index < input.count, !input[index].isXMLSpace, input[index] != UInt8(ascii: ">"),
            input[index] != UInt8(ascii: "<"),
            !(input[index] == UInt8(ascii: "/") && index + 1 < input.count && input[index + 1] == UInt8(ascii: ">"))
        {
            index += 1
        }
        return (name, Array(input[start..<index]))
    }

    // MARK: - Text and values

    private mutating func attributeValue(_ value: [UInt8]) {
        var nested = LegacyRepair(input: value)
        nested.open = [[]]
        while nested.index < value.count {
            let byte = value[nested.index]
            switch byte {
            case UInt8(ascii: "&"): nested.reference(inAttribute: true)
            case UInt8(ascii: "<"): nested.output.append(contentsOf: Array("&lt;".utf8)); nested.index += 1
            case UInt8(ascii: "\""): nested.output.append(contentsOf: Array("&quot;".utf8)); nested.index += 1
            default: nested.textByte()
            }
        }
        output.append(contentsOf: nested.output)
    }

    private mutating func textByte() {
        let byte = input[index]
        index += 1
        if byte == UInt8(ascii: ">") {
            output.append(contentsOf: Array("&gt;".utf8))
        } else if byte.isForbiddenInXML {
            output.append(contentsOf: [0xEF, 0xBF, 0xBD])
        } else if byte == 0xEF, index + 1 < input.count, input[index] == 0xBF,
            input[index + 1] == 0xBE || input[index + 1] == 0xBF
        {
            // U+FFFE and U+FFFF are not XML characters either.
            output.append(contentsOf: [0xEF, 0xBF, 0xBD])
            index += 2
        } else {
            output.append(byte)
        }
    }

    /// At a `&`: keeps a predefined entity or a valid character reference, turns a known
    /// HTML entity into a character reference, and escapes anything else as text.
    private mutating func reference(inAttribute: Bool) {
        var end = index + 1
        while end < input.count, end - index <= 32, input[end].isNameByte || input[end] == UInt8(ascii: "#") {
            end += 1
        }
        guard end < input.count, input[end] == UInt8(ascii: ";"), end > index + 1 else {
            output.append(contentsOf: Array("&amp;".utf8))
            index += 1
            return
        }
        let name = String(decoding: input[(index + 1)..<end], as: UTF8.self)
        var replacement: String?
        if ["amp", "lt", "gt", "quot", "apos"].contains(name) {
            replacement = "&\(name);"
        } else if name.hasPrefix("#"), let scalar = LegacyRepair.characterReference(name.dropFirst()),
            scalar.isXMLCharacter
        {
            replacement = "&#\(scalar.value);"
        } else if let scalar = HTMLEntities.scalar(named: name) {
            replacement = "&#\(scalar.value);"
        }
        if let replacement {
            output.append(contentsOf: Array(replacement.utf8))
            index = end + 1
        } else {
            output.append(contentsOf: Array("&amp;".utf8))
            index += 1
        }
    }

    static func characterReference(_ digits: Substring) -> Unicode.Scalar? {
        let value: UInt32?
        if digits.first == "x" || digits.first == "X" {
            value = UInt32(digits.dropFirst(), radix: 16)
        } else {
            value = UInt32(digits, radix: 10)
        }
        return value.flatMap(Unicode.Scalar.init)
    }

    // MARK: - Cursor helpers

    private func has(_ prefix: String) -> Bool {
        let bytes = Array(prefix.utf8)
        return index + bytes.count <= input.count && input[index..<(index + bytes.count)].elementsEqual(bytes)
    }

    private func hasIgnoringCase(_ prefix: String) -> Bool {
        let bytes = Array(prefix.utf8).map(\.asciiUppercased)
        return index + bytes.count <= input.count
            && input[index..<(index + bytes.count)].lazy.map(\.asciiUppercased).elementsEqual(bytes)
    }

    private func find(_ needle: String, from start: Int) -> Int? {
        let bytes = Array(needle.utf8)
        guard start <= input.count - bytes.count else { return nil }
        var position = start
        while position <= input.count - bytes.count {
            if input[position] == bytes[0], input[position..<(position + bytes.count)].elementsEqual(bytes) {
                return position
            }
            position += 1
        }
        return nil
    }

    private mutating func copyUntil(_ end: Int) {
        output.append(contentsOf: input[index..<end])
        index = end
    }

    /// Skips to `end`, keeping only the line breaks.
    private mutating func dropUntil(_ end: Int) {
        for byte in input[index..<end] where byte == UInt8(ascii: "\n") { output.append(byte) }
        index = end
    }
}

extension UInt8 {
    var isXMLSpace: Bool {
        self == 0x20 || self == 0x09 || self == 0x0A || self == 0x0D
    }

    /// A byte that may start an element or attribute name (any non-ASCII byte counts).
    var isNameStart: Bool {
        (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) || self == UInt8(ascii: "_")
            || self == UInt8(ascii: ":") || self >= 0x80
    }

    var isNameByte: Bool {
        isNameStart || (0x30...0x39).contains(self) || self == UInt8(ascii: "-") || self == UInt8(ascii: ".")
    }

    /// C0 controls other than tab, line feed and carriage return.
    var isForbiddenInXML: Bool {
        self < 0x20 && !isXMLSpace
    }

    var asciiUppercased: UInt8 {
        (0x61...0x7A).contains(self) ? self - 0x20 : self
    }
}

extension Unicode.Scalar {
    /// Whether XML 1.0 allows this character (its `Char` production).
    var isXMLCharacter: Bool {
        switch value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
