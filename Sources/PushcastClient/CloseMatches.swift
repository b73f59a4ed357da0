/// Channel ids close to a mistyped one: a shared prefix, or few edits away.
public enum CloseMatches {
    public static func find(_ wanted: String, in candidates: [String], most: Int = 3) -> [String] {
        let wanted = wanted.lowercased()
        return candidates
            .map { ($0, distance(wanted, $0.lowercased())) }
            .filter { $0.1 <= max(2, wanted.count / 3) || $0.0.hasPrefix(wanted) || wanted.hasPrefix($0.0) }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
            .prefix(most).map(\.0)
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
