import Pushcast

/// A channel's block of HTML: logo, title, abstract, last change and its newest items. The
/// live page, the channel page and a subscriber's page are made of these; the channel
/// page's script merges a new one into the one shown, item by item (`data-item`).
enum ChannelSectionHTML {
    /// `level` is the heading level of the channel's title (items get the next one).
    static func render(_ view: ChannelView, level: Int) -> String {
        let id = PageHTML.escape(view.id)
        var lines = [
            "<section class=\"channel\" id=\"channel-\(id)\" data-channel=\"\(id)\" data-last-seq=\"\(view.lastSeq)\" "
                + "data-status=\"\(view.status.rawValue)\">",
            "<header class=\"channel-head\">",
        ]
        if let logo = view.logo {
            lines.append("<img class=\"logo\" src=\"\(PageHTML.escape(logo))\" alt=\"\" width=\"80\" height=\"32\">")
        }
        lines.append("<div class=\"heading\">")
        lines.append("<h\(level) class=\"channel-title\">\(PageHTML.link(view.title, to: view.link))</h\(level)>")
        if let abstract = view.abstract { lines.append("<p class=\"abstract\">\(PageHTML.escape(abstract))</p>") }
        var meta = view.lastChange.map { "Last change \(PageHTML.time($0))" } ?? "Nothing logged yet"
        meta += " · \(view.lastSeq) logged"
        lines.append("<p class=\"meta\">\(meta)</p>")
        lines.append("</div>")
        lines.append("</header>")
        switch view.status {
        case .ok: break
        case .error:
            lines.append(
                "<p class=\"notice\">The newest manifest was rejected; this is the last good version. "
                    + "<a href=\"/#channel-\(id)\">See why</a>.</p>")
        case .retired:
            lines.append("<p class=\"notice\">This channel is retired: its manifest was removed.</p>")
        }
        if view.missed > 0 {
            lines.append(
                "<p class=\"notice\">\(view.missed) earlier changes are not shown here; "
                    + "<a href=\"/channels/\(PageHTML.path(view.id))/items\">the log</a> has them.</p>")
        }
        lines.append("<ol class=\"items\">")
        for item in view.items { lines.append(render(item, level: level + 1)) }
        lines.append("</ol>")
        if view.items.isEmpty { lines.append("<p class=\"empty\">No items yet.</p>") }
        lines.append("</section>")
        return lines.joined(separator: "\n")
    }

    static func render(_ item: ChannelView.Item, level: Int) -> String {
        var html = "<li class=\"item\" data-item=\"\(PageHTML.escape(item.itemID))\" data-seq=\"\(item.seq)\">"
        html += "<h\(level) class=\"item-title\">\(PageHTML.link(item.title, to: item.link))</h\(level)>"
        if let abstract = item.abstract { html += "<p class=\"abstract\">\(PageHTML.escape(abstract))</p>" }
        html += "<p class=\"meta\">" + dates(item)
        if !item.sections.isEmpty { html += " · " + PageHTML.escape(item.sections.joined(separator: " › ")) }
        if item.updated { html += " · <span class=\"updated\">updated</span>" }
        return html + "</p></li>"
    }

    /// The publisher's date and when it was logged (`24 Nov 2026 10:15 UTC · logged 24 Nov
    /// 2026 10:20 UTC`), or only when it was logged (`Logged 24 Nov 2026 10:20 UTC`).
    static func dates(_ item: ChannelView.Item) -> String {
        let logged = PageHTML.time(item.loggedAt, class: "logged")
        guard let lastmod = item.lastmod else { return "Logged \(logged)" }
        return "\(PageHTML.time(lastmod, class: "lastmod")) · logged \(logged)"
    }
}
