import Foundation

/// How `pushcast read` shows parts to a person (80 columns) or to a script (JSON lines).
public struct ItemFormatter: Sendable {
    public var width: Int
    public var colour: Bool

    public init(width: Int = 80, colour: Bool = false) {
        self.width = width
        self.colour = colour
    }

    /// Lines for an item part: time, channel and seq, title (updated marked), the abstract
    /// wrapped, the link.
    public func item(_ part: MultipartParser.Part) -> String {
        let json = Self.object(part)
        let channel = json["channel"] as? String ?? part.channel ?? "?"
        let seq = json["seq"] as? Int ?? Int(part.seq ?? 0)
        let title = json["title"] as? String ?? json["href"] as? String ?? "(untitled)"
        let updated = json["event"] as? String == "updated"
        var lines = ["\(Self.clock(json["publishedAt"] as? String))  \(bold("\(channel) #\(seq)"))  \(title)\(updated ? "  [updated]" : "")"]
        if let abstract = json["abstract"] as? String {
            lines += wrap(abstract, indent: 7)
        }
        if let href = json["href"] as? String { lines.append("       " + dim(href)) }
        return lines.joined(separator: "\n")
    }

    /// A visible notice for a `gap` or `retired` part.
    public func notice(_ part: MultipartParser.Part) -> String? {
        let json = Self.object(part)
        switch part.event {
        case "gap":
            let channel = json["channel"] as? String ?? "?"
            if json["reason"] as? String == "overflow" { return "!! fell behind the stream; resuming" }
            return "!! \(channel): items \(json["from"] as? Int ?? 0)–\(json["to"] as? Int ?? 0) are no longer in the log (gap)"
        case "retired":
            return "!! \(json["channel"] as? String ?? "?") was retired"
        default:
            return nil
        }
    }

    /// The item's JSON on one line, for scripts.
    public static func jsonLine(_ part: MultipartParser.Part) -> String {
        part.text.replacingOccurrences(of: "\n", with: " ")
    }

    static func object(_ part: MultipartParser.Part) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(part.body)) as? [String: Any]) ?? [:]
    }

    /// `HH:mm` local time of an RFC 3339 timestamp.
    static func clock(_ text: String?) -> String {
        guard let text else { return "--:--" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: text) else { return "--:--" }
        let components = Calendar.current.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", components.hour ?? 0, components.minute ?? 0)
    }

    func wrap(_ text: String, indent: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(whereSeparator: \.isWhitespace) {
            if !line.isEmpty, indent + line.count + 1 + word.count > width {
                lines.append(String(repeating: " ", count: indent) + line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(String(repeating: " ", count: indent) + line) }
        return lines
    }

    private func bold(_ text: String) -> String { colour ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    private func dim(_ text: String) -> String { colour ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
}
