import CDF
import Pushcast

/// `GET /`: every channel with its logo, title, abstract, last change and status, the
/// publisher's diagnostics in view, links to its live channel page, raw push page (Firefox
/// only), RSS feed and manifest, and every feed for autodiscovery.
enum IndexPageHTML {
    /// One channel's row.
    struct Row: Sendable {
        var id: String
        var file: String
        var title: String?
        var abstract: String?
        var logo: String?
        var status: ChannelStatus
        var lastChange: Double?
        var lastSeq: Int64
        var subscribers: Int
        var diagnostics: [Diagnostic]
    }

    static func render(_ rows: [Row]) -> String {
        var body = [
            ChannelPageHTML.bar(live: nil),
            "<main class=\"index\">",
            "<h1>Channels</h1>",
            "<p class=\"lede\">Each channel is pushed to its readers the moment it changes, and offered as a feed to pull.</p>",
        ]
        if rows.isEmpty {
            body.append("<p class=\"empty\">No channels yet: put a CDF manifest in the channels folder.</p>")
        }
        body.append("<ul class=\"channels\">")
        body.append(contentsOf: rows.map(render))
        body.append("</ul>")
        body.append("</main>")
        body.append(
            "<footer class=\"foot\"><a href=\"/opml\">OPML of every feed</a> · <a href=\"/channels\">JSON</a> · "
                + "<a href=\"/stats.html\">push versus pull</a></footer>")
        return PageHTML.document(
            title: "Pushcast channels", policy: PageHTML.staticPolicy, bodyClass: "index-page", feeds: feeds(rows), body: body)
    }

    /// Every channel's RSS feed and the OPML of all of them, for feed readers' autodiscovery.
    static func feeds(_ rows: [Row]) -> [PageHTML.Feed] {
        let channels = rows.filter { $0.title != nil && $0.status != .retired }.map { row in
            PageHTML.Feed(title: "\(row.title ?? row.id) (RSS)", href: "/channels/\(PageHTML.path(row.id))/rss")
        }
        return channels + [PageHTML.Feed(title: "Every channel (OPML)", href: "/opml", type: "text/x-opml")]
    }

    static func render(_ row: Row) -> String {
        let id = PageHTML.escape(row.id)
        let path = "/channels/\(PageHTML.path(row.id))"
        let servable = row.title != nil || row.status == .retired
        var lines = ["<li class=\"channel-row\" id=\"channel-\(id)\" data-channel=\"\(id)\" data-status=\"\(row.status.rawValue)\">"]
        if let logo = row.logo {
            lines.append("<img class=\"logo\" src=\"\(PageHTML.escape(logo))\" alt=\"\" width=\"80\" height=\"32\">")
        }
        lines.append("<div class=\"heading\">")
        let title = row.title ?? row.id
        lines.append(
            "<h2 class=\"channel-title\">\(servable ? "<a href=\"\(path)\">\(PageHTML.escape(title))</a>" : PageHTML.escape(title)) "
                + "<span class=\"status status-\(row.status.rawValue)\">\(statusText(row))</span></h2>")
        if let abstract = row.abstract { lines.append("<p class=\"abstract\">\(PageHTML.escape(abstract))</p>") }
        var meta = row.lastChange.map { "Last change \(PageHTML.time($0))" } ?? "Nothing logged yet"
        meta += " · \(row.lastSeq) logged · \(row.subscribers) subscriber\(row.subscribers == 1 ? "" : "s")"
        meta += " · <code>\(PageHTML.escape(row.file))</code>"
        lines.append("<p class=\"meta\">\(meta)</p>")
        if servable, row.status != .retired {
            lines.append(
                "<p class=\"links\"><a href=\"\(path)\">Live page</a> \(ChannelPageHTML.rawPush(path, "Raw push")) "
                    + "<a href=\"\(path)/rss\">RSS</a> <a href=\"\(path).cdf\">Manifest</a></p>")
        }
        lines.append(contentsOf: diagnostics(row.diagnostics))
        lines.append("</div>")
        lines.append("</li>")
        return lines.joined(separator: "\n")
    }

    private static func statusText(_ row: Row) -> String {
        switch row.status {
        case .ok:
            switch row.diagnostics.filter({ $0.severity == .warning }).count {
            case 0: "live"
            case 1: "live · 1 warning"
            case let count: "live · \(count) warnings"
            }
        case .error: row.title == nil ? "error" : "error · last good version live"
        case .retired: "retired"
        }
    }

    /// Errors in full; warnings folded.
    private static func diagnostics(_ diagnostics: [Diagnostic]) -> [String] {
        let errors = diagnostics.filter { $0.severity == .error }
        let warnings = diagnostics.filter { $0.severity != .error }
        var lines: [String] = []
        if !errors.isEmpty {
            lines.append("<ul class=\"diagnostics errors\">")
            lines.append(contentsOf: errors.map(line))
            lines.append("</ul>")
        }
        if !warnings.isEmpty {
            lines.append("<details class=\"diagnostics\"><summary>\(warnings.count) warning\(warnings.count == 1 ? "" : "s")</summary><ul>")
            lines.append(contentsOf: warnings.map(line))
            lines.append("</ul></details>")
        }
        return lines
    }

    private static func line(_ diagnostic: Diagnostic) -> String {
        "<li><code>\(diagnostic.line):\(diagnostic.column)</code> \(PageHTML.escape(diagnostic.message)) "
            + "<code>[\(PageHTML.escape(diagnostic.code.rawValue))]</code></li>"
    }
}
