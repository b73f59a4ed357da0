import Foundation
import Testing

@testable import CDF

/// Parses manifest text as if it were `channels/<file>`.
func parse(_ text: String, file: String = "test.cdf", limits: ParseLimits = ParseLimits()) -> Manifest {
    ManifestParser.parse(Array(text.utf8), file: file, limits: limits)
}

/// A strict manifest around `body` (the content of the root CHANNEL).
func cdf(_ body: String, attributes: String = "") -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CHANNEL\(attributes.isEmpty ? "" : " " + attributes)>\n\(body)\n</CHANNEL>\n"
}

extension Manifest {
    var codes: [DiagnosticCode] { diagnostics.map(\.code) }

    func diagnostic(_ code: DiagnosticCode) -> Diagnostic? {
        diagnostics.first { $0.code == code }
    }

    var items: [Item] { channel?.items ?? [] }
}

/// The folder holding the real 1990s manifests these tests read.
let corpusFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")
