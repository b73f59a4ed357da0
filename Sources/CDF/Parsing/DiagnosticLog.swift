/// Collects the diagnostics of one manifest, up to a limit, so that a file with a
/// million mistakes costs no more memory than one with a few hundred.
struct DiagnosticLog: Sendable {
    let file: String
    let limit: Int
    private(set) var entries: [Diagnostic] = []
    private var dropped = 0

    init(file: String, limit: Int) {
        self.file = file
        self.limit = max(limit, 1)
    }

    mutating func error(_ code: DiagnosticCode, _ message: String, at position: SourcePosition = .start) {
        add(.error, code, message, at: position)
    }

    mutating func warning(_ code: DiagnosticCode, _ message: String, at position: SourcePosition = .start) {
        add(.warning, code, message, at: position)
    }

    mutating func add(
        _ severity: Diagnostic.Severity, _ code: DiagnosticCode, _ message: String, at position: SourcePosition
    ) {
        guard entries.count < limit || code.rejectsManifest else {
            dropped += 1
            return
        }
        entries.append(
            Diagnostic(severity, code, message, file: file, line: position.line, column: position.column))
    }

    /// Everything collected, in file order, with a last word on what the limit dropped.
    var sorted: [Diagnostic] {
        var result = entries.enumerated()
            .sorted { ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset) }
            .map(\.element)
        if dropped > 0 {
            result.append(
                Diagnostic(
                    .warning, .tooManyDiagnostics, "\(dropped) more diagnostics were not reported", file: file))
        }
        return result
    }
}
