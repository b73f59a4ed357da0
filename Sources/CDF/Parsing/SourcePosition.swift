/// A place in a manifest: 1-based line and column.
struct SourcePosition: Sendable, Hashable {
    var line: Int
    var column: Int

    static let start = SourcePosition(line: 1, column: 1)
}
