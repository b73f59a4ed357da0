import CDF
import Foundation
import Pushcast

/// What every Pushcast page shares: the document around a body, escaping, times, and the
/// Content-Security-Policy. Pages link their stylesheet and script from `/assets/`, never
/// inline and never from elsewhere, so the policy can forbid inline script outright.
///
/// No line of a page starts with `--`: every line starts with `<` (escaped text holds no
/// line breaks), so a page can be a multipart part under any boundary.
enum PageHTML {
    /// Pages without script: the live page's parts, the index.
    static let staticPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' http: https:; base-uri 'none'; form-action 'none'"
    /// Pages whose script reads a stream from this server.
    static let scriptedPolicy =
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' http: https:; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// Escapes text for an element's content or a quoted attribute.
    static func escape(_ text: String) -> String {
        XMLEscaping.attribute(text)
    }

    /// A feed a page points feed readers to (`<link rel="alternate">`, autodiscovery).
    struct Feed: Sendable {
        var title: String
        var href: String
        var type = "application/rss+xml"
    }

    /// A whole document. `policy` goes in a `<meta>` too: Firefox shows each part of a
    /// multipart page as its own document. `scripts` are names under `/assets/`.
    static func document(
        title: String, policy: String, bodyClass: String, bodyAttributes: [(String, String)] = [], scripts: [String] = [],
        feeds: [Feed] = [], refresh: Int? = nil, body: [String]
    ) -> String {
        var lines = [
            "<!doctype html>",
            "<html lang=\"en\">",
            "<head>",
            "<meta charset=\"utf-8\">",
            "<meta http-equiv=\"Content-Security-Policy\" content=\"\(escape(policy))\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<meta name=\"referrer\" content=\"no-referrer\">",
            "<title>\(escape(title))</title>",
            "<link rel=\"stylesheet\" href=\"/assets/pushcast.css\">",
            "<link rel=\"icon\" href=\"/assets/icon.svg\" type=\"image/svg+xml\">",
        ]
        for feed in feeds {
            lines.append(
                "<link rel=\"alternate\" type=\"\(escape(feed.type))\" title=\"\(escape(feed.title))\" href=\"\(escape(feed.href))\">")
        }
        for script in scripts { lines.append("<script src=\"/assets/\(script)\" defer></script>") }
        if let refresh { lines.append("<meta http-equiv=\"refresh\" content=\"\(refresh)\">") }
        let attributes = bodyAttributes.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
        lines.append("</head>")
        lines.append("<body class=\"\(bodyClass)\"\(attributes)>")
        lines.append(contentsOf: body)
        lines.append("</body>")
        lines.append("</html>")
        return lines.joined(separator: "\n")
    }

    /// `<time datetime="2026-11-24T10:15:30.000Z">24 Nov 2026 10:15 UTC</time>`, with a
    /// class when given.
    static func time(_ seconds: Double, class name: String? = nil) -> String {
        let attribute = name.map { " class=\"\($0)\"" } ?? ""
        return "<time\(attribute) datetime=\"\(HTTPDate.rfc3339(seconds))\">\(shortDate(seconds))</time>"
    }

    /// `24 Nov 2026 10:15 UTC`: the one way every page and the badge write a time (in UTC,
    /// so that the index, the pages, their live parts and the badge all agree).
    static func shortDate(_ seconds: Double) -> String {
        let parts = HTTPDate.format(Date(timeIntervalSince1970: seconds)).split(separator: " ")
        guard parts.count == 6 else { return HTTPDate.rfc3339(seconds) }
        return "\(parts[1]) \(parts[2]) \(parts[3]) \(parts[4].prefix(5)) UTC"
    }

    /// A link when `href` is a checked web link, else the text alone.
    static func link(_ text: String, to href: String?, external: Bool = true) -> String {
        guard let href else { return escape(text) }
        let rel = external ? " rel=\"noopener noreferrer\"" : ""
        return "<a href=\"\(escape(href))\"\(rel)>\(escape(text))</a>"
    }

    /// A channel id in a path (ids are already `[a-z0-9-]`; this keeps it so).
    static func path(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
