import Hummingbird

/// Query parameters read strictly: absent gives the default, anything unparsable or out of
/// range is a 400 that names the parameter.
enum QueryValue {
    static func integer(_ request: Request, _ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let raw = request.uri.queryParameters[Substring(name)] else { return value }
        guard let parsed = Int(raw), range.contains(parsed) else {
            throw APIError(
                .badRequest, "bad-\(name)",
                "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound == Int.max ? "any" : String(range.upperBound)), not '\(raw.prefix(40))'")
        }
        return parsed
    }
}
