extension String {
    /// The string without leading and trailing spaces, tabs, carriage returns and line feeds.
    func trimmingASCIIWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isXMLWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.isXMLWhitespace })!
        return String(scalars[first...last])
    }

    /// Runs of XML white space folded to one space, and the ends trimmed: how a title
    /// written across several indented lines reads.
    func collapsingWhitespace() -> String {
        var result = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in unicodeScalars {
            if scalar.isXMLWhitespace {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(scalar)
            }
        }
        return String(result)
    }
}

extension Unicode.Scalar {
    var isXMLWhitespace: Bool {
        self == " " || self == "\t" || self == "\n" || self == "\r"
    }
}
