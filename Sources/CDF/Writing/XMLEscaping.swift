/// Escaping for text written into a manifest (or a page): what a person types becomes
/// character data that reads back as exactly that text.
public enum XMLEscaping {
    /// Element content: `&`, `<` and `>` as entities.
    public static func text(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// A double-quoted attribute value: as `text`, and quotes too; tabs and line breaks
    /// as character references, since XML would read them back as spaces.
    public static func attribute(_ value: String) -> String {
        var out = ""
        for character in text(value).unicodeScalars {
            switch character {
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t": out += "&#9;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// The first character XML 1.0 cannot hold at all (control characters other than tab
    /// and line breaks, U+FFFE, U+FFFF), or nil when every one can be written.
    public static func firstForbiddenScalar(in value: String) -> Unicode.Scalar? {
        value.unicodeScalars.first { scalar in
            switch scalar.value {
            case 0x9, 0xA, 0xD: false
            case 0..<0x20, 0xFFFE, 0xFFFF: true
            default: false
            }
        }
    }
}
