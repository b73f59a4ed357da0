import CDF
import Foundation

/// Colour for people: only when standard output is a terminal and `NO_COLOR` is unset.
struct TerminalStyle {
    let colour: Bool

    static func forStandardOutput() -> TerminalStyle {
        TerminalStyle(colour: isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
    }

    func paint(_ text: String, as severity: Diagnostic.Severity) -> String {
        guard colour else { return text }
        return (severity == .error ? "\u{1B}[31m" : "\u{1B}[33m") + text + "\u{1B}[0m"
    }
}
