import CDF
import CTerminal
import Foundation

/// Colour for people: only when standard output is a terminal and `NO_COLOR` is unset.
struct TerminalStyle {
    let colour: Bool

    static func forStandardOutput() -> TerminalStyle {
        TerminalStyle(colour: isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
    }

    /// Standard output's width when it is a terminal (80 otherwise, and at most 160: lines
    /// longer than that are hard to read).
    static func columns() -> Int {
        let columns = Int(pushcast_terminal_columns(STDOUT_FILENO))
        return columns > 0 ? min(columns, 160) : 80
    }

    func paint(_ text: String, as severity: Diagnostic.Severity) -> String {
        guard colour else { return text }
        return (severity == .error ? "\u{1B}[31m" : "\u{1B}[33m") + text + "\u{1B}[0m"
    }
}
