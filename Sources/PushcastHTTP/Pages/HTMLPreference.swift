import Foundation

/// Whether a request's `Accept` prefers an HTML page to JSON: what a browser's navigation
/// sends (`text/html,…,*/*;q=0.8`) does; `*/*`, no `Accept`, `application/json` and what
/// `fetch()` or an `<img>` sends do not. The one rule for the channel page
/// (`/channels/<id>`) and for error pages (`APIError.answer`).
///
/// HTML is preferred when `text/html` is named (or `text/*`), not only reached through
/// `*/*`, with a quality above 0 and at least that of `application/json`.
enum HTMLPreference {
    static func prefersHTML(_ accept: String?) -> Bool {
        guard let accept else { return false }
        let ranges = accept.split(separator: ",").compactMap(MediaRange.init)
        guard let html = quality(of: "text", "html", in: ranges), html.specific, html.q > 0 else { return false }
        let json = quality(of: "application", "json", in: ranges)?.q ?? 0
        return html.q >= json
    }

    /// The quality the most specific range matching `type/subtype` gives it, and whether that
    /// range names at least the type.
    private static func quality(of type: String, _ subtype: String, in ranges: [MediaRange]) -> (q: Double, specific: Bool)? {
        let matching = ranges.filter { ($0.type == type || $0.type == "*") && ($0.subtype == subtype || $0.subtype == "*") }
        guard let best = matching.max(by: { $0.specificity < $1.specificity }) else { return nil }
        return (best.q, best.specificity > 0)
    }

    /// One media range of `Accept`: `type/subtype;q=…`, lowercased.
    private struct MediaRange {
        let type: Substring
        let subtype: Substring
        let q: Double
        /// 0 for `*/*`, 1 for `type/*`, 2 for `type/subtype`.
        var specificity: Int { type == "*" ? 0 : subtype == "*" ? 1 : 2 }

        init?(_ text: Substring) {
            let parameters = text.lowercased().split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            let name = parameters.first?.split(separator: "/", omittingEmptySubsequences: false) ?? []
            guard name.count == 2, !name[0].isEmpty, !name[1].isEmpty else { return nil }
            type = name[0]
            subtype = name[1]
            let quality = parameters.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) }
            q = min(max(quality ?? 1, 0), 1)
        }
    }
}
