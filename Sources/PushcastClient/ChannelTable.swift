/// The `pushcast channels` table: id, title, last change, status (with its warnings
/// counted), each channel's problems beneath it, wrapped to the terminal's width so that
/// the advice at the end of a diagnostic is never cut off.
public enum ChannelTable {
    public static func render(_ channels: [PushcastAPI.ChannelSummary], colour: Bool, width: Int = 80) -> String {
        guard !channels.isEmpty else { return "no channels: put a manifest (NAME.cdf) in the server's channels folder" }
        var lines = [row("ID", "TITLE", "LAST CHANGE", "STATUS", width: width)]
        for channel in channels {
            let changed = channel.lastChange.map { String($0.prefix(16)).replacingOccurrences(of: "T", with: " ") } ?? "-"
            let warnings = channel.diagnostics.filter { $0.severity == "warning" }.count
            var status = channel.status
            if channel.status == "ok" && warnings > 0 { status += warnings == 1 ? ", 1 warning" : ", \(warnings) warnings" }
            if colour {
                let paint = channel.status != "ok" ? "\u{1B}[31m" : warnings > 0 ? "\u{1B}[33m" : "\u{1B}[32m"
                status = paint + status + "\u{1B}[0m"
            }
            lines.append(row(channel.id, channel.title ?? "", changed, status, width: width))
            for problem in channel.diagnostics {
                let mark = problem.severity == "error" ? "!" : "~"
                lines += wrap("line \(problem.line): \(problem.message) [\(problem.code)]", first: "    \(mark) ", rest: "      ", width: width)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The title column takes what the others leave of `width`.
    private static func row(_ id: String, _ title: String, _ changed: String, _ status: String, width: Int) -> String {
        let titleWidth = max(12, width - 16 - 16 - 16 - 3)
        return fit(id, 16) + " " + fit(title, titleWidth) + " " + fit(changed, 16) + " " + status
    }

    /// `text` cut with an ellipsis or padded to exactly `width` characters.
    static func fit(_ text: String, _ width: Int) -> String {
        text.count > width ? String(text.prefix(width - 1)) + "…" : text + String(repeating: " ", count: width - text.count)
    }

    /// `text` in lines of at most `width` characters, broken between words (a word longer
    /// than a line is broken where it must be).
    static func wrap(_ text: String, first: String, rest: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = first
        var prefix = first
        for word in text.split(separator: " ") {
            var word = Substring(word)
            while !word.isEmpty {
                let room = width - line.count - (line == prefix ? 0 : 1)
                if word.count <= room {
                    line += (line == prefix ? "" : " ") + word
                    word = ""
                } else if line == prefix {
                    line += word.prefix(room)
                    word = word.dropFirst(room)
                } else {
                    lines.append(line)
                    prefix = rest
                    line = rest
                }
            }
        }
        if line != prefix { lines.append(line) }
        return lines
    }
}
