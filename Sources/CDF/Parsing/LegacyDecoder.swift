/// Reads a legacy file's bytes as Unicode text (UTF-8 out), the way its byte-order mark or
/// XML declaration says: UTF-8 (the default), UTF-16, ISO-8859-1/US-ASCII or windows-1252.
///
/// Bytes that are not valid in the encoding are replaced by U+FFFD and the first one is
/// reported, so the caller can say where the file goes wrong.
enum LegacyDecoder {
    struct Decoded {
        var utf8: [UInt8]
        /// Byte offset of the first byte that was not valid in the encoding.
        var firstInvalidOffset: Int?
    }

    enum Failure: Error, Equatable {
        case unsupportedEncoding(String)
    }

    private enum Encoding {
        case utf8, utf16LittleEndian, utf16BigEndian, latin1, windows1252
    }

    static func decode(_ bytes: [UInt8]) -> Result<Decoded, Failure> {
        var start = 0
        let encoding: Encoding
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            encoding = .utf8
            start = 3
        } else if bytes.starts(with: [0xFF, 0xFE]) {
            encoding = .utf16LittleEndian
            start = 2
        } else if bytes.starts(with: [0xFE, 0xFF]) {
            encoding = .utf16BigEndian
            start = 2
        } else if bytes.starts(with: [0x3C, 0x00, 0x3F, 0x00]) {
            encoding = .utf16LittleEndian
        } else if bytes.starts(with: [0x00, 0x3C, 0x00, 0x3F]) {
            encoding = .utf16BigEndian
        } else {
            switch declaredEncoding(bytes)?.lowercased() {
            case nil, "utf-8", "utf8": encoding = .utf8
            case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii":
                encoding = .latin1
            case "windows-1252", "cp1252", "x-cp1252": encoding = .windows1252
            case let other?: return .failure(.unsupportedEncoding(other))
            }
        }
        let body = bytes[start...]
        switch encoding {
        case .utf8: return .success(utf8(body))
        case .utf16LittleEndian: return .success(utf16(body, bigEndian: false))
        case .utf16BigEndian: return .success(utf16(body, bigEndian: true))
        case .latin1: return .success(singleByte(body, windows: false))
        case .windows1252: return .success(singleByte(body, windows: true))
        }
    }

    /// The `encoding="…"` of an XML declaration at the start of the file, in any case.
    static func declaredEncoding(_ bytes: [UInt8]) -> String? {
        let head = Array(bytes.prefix(512))
        let text = String(decoding: head, as: UTF8.self)
        let trimmed = text.drop { $0.isWhitespace }
        guard trimmed.lowercased().hasPrefix("<?xml"), let end = trimmed.range(of: "?>") else { return nil }
        let declaration = trimmed[..<end.lowerBound]
        guard let key = declaration.lowercased().range(of: "encoding") else { return nil }
        let offset = declaration.lowercased().distance(from: declaration.lowercased().startIndex, to: key.upperBound)
        var rest = declaration.dropFirst(offset).drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard rest.first == "=" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        let value = rest.dropFirst().prefix { $0 != quote }
        return String(value)
    }

    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    private static func utf8(_ bytes: ArraySlice<UInt8>) -> Decoded {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var firstInvalid: Int?
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte < 0x80 {
                output.append(byte)
                index += 1
                continue
            }
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 0
            let end = index + length
            if length > 0, end <= bytes.endIndex, String(validating: bytes[index..<end], as: UTF8.self) != nil {
                output.append(contentsOf: bytes[index..<end])
                index = end
            } else {
                if firstInvalid == nil { firstInvalid = index }
                output.append(contentsOf: replacement)
                index += 1
            }
        }
        return Decoded(utf8: output, firstInvalidOffset: firstInvalid)
    }

    private static func utf16(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) -> Decoded {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            let first = UInt16(bytes[index])
            let second = UInt16(bytes[index + 1])
            units.append(bigEndian ? first << 8 | second : second << 8 | first)
            index += 2
        }
        var output: [UInt8] = []
        var firstInvalid: Int? = bytes.count % 2 == 1 ? bytes.endIndex - 1 : nil
        var decoder = UTF16()
        var iterator = units.makeIterator()
        var unitOffset = 0
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                output.append(contentsOf: String(Character(scalar)).utf8)
                unitOffset += scalar.value > 0xFFFF ? 2 : 1
            case .error:
                if firstInvalid == nil { firstInvalid = bytes.startIndex + unitOffset * 2 }
                output.append(contentsOf: replacement)
                unitOffset += 1
            case .emptyInput:
                break loop
            }
        }
        return Decoded(utf8: output, firstInvalidOffset: firstInvalid)
    }

    /// ISO-8859-1 maps each byte to the code point of the same number; windows-1252 differs
    /// in 0x80–0x9F, where it has printable characters (€, curly quotes, dashes).
    private static func singleByte(_ bytes: ArraySlice<UInt8>, windows: Bool) -> Decoded {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        for byte in bytes {
            if byte < 0x80 {
                output.append(byte)
                continue
            }
            var value = UInt32(byte)
            if windows, (0x80...0x9F).contains(byte) { value = windows1252High[Int(byte - 0x80)] }
            let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
            output.append(contentsOf: String(Character(scalar)).utf8)
        }
        return Decoded(utf8: output, firstInvalidOffset: nil)
    }

    private static let windows1252High: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152,
        0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122,
        0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    ]
}
