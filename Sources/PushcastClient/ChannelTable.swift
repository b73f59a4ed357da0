/// The `pushcast channels` table: id, title, last change, status, in 80 columns, with each
/// channel's errors beneath it.
public enum ChannelTable {
    public static func render(_ channels: [PushcastAPI.ChannelSummary], colour: Bool) -> String {
        guard !channels.isEmpty else { return "no channels: put a manifest (NAME.cdf) in the server's channels folder" }
        var lines = [row("ID", "TITLE", "LAST CHANGE", "STATUS")]
        for channel in channels {
            let changed = channel.lastChange.map { String($0.prefix(16)).replacingOccurrences(of: "T", with: " ") } ?? "-"
            var status = channel.status
            if colour { status = (channel.status == "ok" ? "\u{1B}[32m" : "\u{1B}[31m") + status + "\u{1B}[0m" }
            lines.append(row(channel.id, channel.title ?? "", changed, status))
            for problem in channel.diagnostics where problem.severity == "error" {
                lines.append(fit("    ! line \(problem.line): \(problem.message) [\(problem.code)]", 80))
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func row(_ id: String, _ title: String, _ changed: String, _ status: String) -> String {
        fit(id, 16) + " " + fit(title, 36) + " " + fit(changed, 16) + " " + status
    }

    /// `text` cut with an ellipsis or padded to exactly `width` characters.
    static func fit(_ text: String, _ width: Int) -> String {
        text.count > width ? String(text.prefix(width - 1)) + "…" : text + String(repeating: " ", count: width - text.count)
    }
}
