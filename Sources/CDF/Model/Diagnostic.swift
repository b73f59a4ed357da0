/// One problem found in a manifest, with where it is and how bad it is.
///
/// `line` and `column` are 1-based; a problem with the file as a whole (its size, its
/// name, its encoding before any line is read) is reported at line 1, column 1.
public struct Diagnostic: Sendable, Hashable, Codable {
    /// An `error` either rejects the manifest or leaves out the item it names; a
    /// `warning` changes nothing but is worth fixing.
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
    }

    public var severity: Severity
    public var code: DiagnosticCode
    public var message: String
    public var file: String
    public var line: Int
    public var column: Int

    public init(
        _ severity: Severity, _ code: DiagnosticCode, _ message: String,
        file: String, line: Int = 1, column: Int = 1
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
    }

    /// The form people read: `file:line:column: severity: message [code]`.
    public var humanReadable: String {
        "\(file):\(line):\(column): \(severity.rawValue): \(message) [\(code.rawValue)]"
    }
}
