/// How a stream writes its item parts (SPEC §3.1): JSON (the default), plain text for
/// terminals, or an HTML fragment. Control parts (snapshot, gap, heartbeat, retired) are JSON.
public enum WireFormat: String, Sendable, Hashable, CaseIterable {
    case json, text, html

    public var contentType: String {
        switch self {
        case .json: "application/json"
        case .text: "text/plain; charset=utf-8"
        case .html: "text/html; charset=utf-8"
        }
    }

    /// `?format=` wins; else `Accept`: `text/plain` gives text, `text/html` html, anything else JSON.
    public static func choose(query: String?, accept: String?) -> WireFormat? {
        if let query { return WireFormat(rawValue: query.lowercased()) }
        let accepted = (accept ?? "").lowercased()
        if accepted.contains("text/plain") { return .text }
        if accepted.contains("text/html") { return .html }
        return .json
    }
}
