import Foundation

/// How `pushcast read` shows parts to a person (80 columns) or to a script (JSON lines).
public struct ItemFormatter: Sendable {
    public var width: Int
    public var colour: Bool

    public init(width: Int = 80, colour: Bool = false) {
        self.width = width
        self.colour = colour
    }

    /// Lines for an item part: when it was logged (the time today, the date before), channel
    /// and seq, title (updated marked), the abstract wrapped, its sections, the link.
    public func item(_ part: MultipartParser.Part, now: Date = Date()) -> String {
        let json = Self.object(part)
        let channel = json["channel"] as? String ?? part.channel ?? "?"
        let seq = json["seq"] as? Int ?? Int(part.seq ?? 0)
        let title = json["title"] as? String ?? json["href"] as? String ?? "(untitled)"
        let updated = json["event"] as? String == "updated"
        let when = Self.when(json["publishedAt"] as? String, now: now)
        let indent = String(repeating: " ", count: when.count + 2)
        var lines = ["\(when)  \(bold("\(channel) #\(seq)"))  \(title)\(updated ? "  [updated]" : "")"]
        if let abstract = json["abstract"] as? String {
            lines += wrap(abstract, indent: indent.count)
        }
        if let sections = json["section"] as? [String], !sections.isEmpty {
            lines += wrap("in " + sections.joined(separator: ", "), indent: indent.count)
        }
        if let href = json["href"] as? String { lines.append(indent + dim(href)) }
        return lines.joined(separator: "\n")
    }

    /// The channel and title of an item part, for a notification or a ticker.
    public static func headline(_ part: MultipartParser.Part) -> (channel: String, title: String) {
        let json = object(part)
        return (json["channel"] as? String ?? part.channel ?? "?", json["title"] as? String ?? json["href"] as? String ?? "(untitled)")
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

    /// When an RFC 3339 timestamp was, in local time: `HH:mm` today, `d MMM HH:mm` earlier
    /// this year, `d MMM yyyy` before that.
    static func when(_ text: String?, now: Date) -> String {
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let text, let date = parser.date(from: text) else { return "--:--" }
        let calendar = Calendar.current
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = calendar.timeZone
        if calendar.isDate(date, inSameDayAs: now) {
            formatter.dateFormat = "HH:mm"
        } else if calendar.component(.year, from: date) == calendar.component(.year, from: now) {
            formatter.dateFormat = "d MMM HH:mm"
        } else {
            formatter.dateFormat = "d MMM yyyy"
        }
        return formatter.string(from: date)
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
