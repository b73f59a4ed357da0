/// The pages of one channel (SPEC §3.2): the live page, a part of `/channels/<id>/live`
/// that Firefox replaces in place, and the channel page that every browser gets at
/// `/channels/<id>`, whose script reads `/live` and swaps each part in.
enum ChannelPageHTML {
    /// One part of `/live`: the whole page, no script.
    static func livePart(_ view: ChannelView) -> String {
        PageHTML.document(
            title: view.title, policy: PageHTML.staticPolicy, bodyClass: "live-page", feeds: [feed(view)],
            body: [
                bar(live: nil),
                "<main id=\"live\">",
                ChannelSectionHTML.render(view, level: 1),
                "</main>",
                "<footer class=\"foot\">Pushed by Pushcast as it changes · "
                    + "<a href=\"/channels/\(PageHTML.path(view.id))\">channel page</a></footer>",
            ])
    }

    /// The channel page: the current view, the script that keeps it current and the one
    /// that notifies of new items when asked to.
    static func page(_ view: ChannelView, publicURL: String, liveHeartbeat: Double) -> String {
        let path = "/channels/\(PageHTML.path(view.id))"
        let badge = "<img crossorigin=\"anonymous\" src=\"\(publicURL)\(path)/badge\" width=\"468\" height=\"60\" alt=\"\(PageHTML.escape(view.title))\">"
        return PageHTML.document(
            title: view.title, policy: PageHTML.scriptedPolicy, bodyClass: "channel-page",
            bodyAttributes: [("data-stream", "\(path)/live"), ("data-resume", "since"), ("data-heartbeat", "\(Int(liveHeartbeat))")],
            scripts: ["live.js", "notify.js"], feeds: [feed(view)],
            body: [
                bar(live: "connecting…", notify: true),
                "<main id=\"live\">",
                ChannelSectionHTML.render(view, level: 1),
                "</main>",
                "<footer class=\"foot\">",
                "<p>Push: \(rawPush(path, "raw push page", then: " · "))<a href=\"\(path)/stream\">item stream</a> · "
                    + "<a href=\"\(path)/events\">events</a> · Pull: <a href=\"\(path)/rss\">RSS</a> · "
                    + "<a href=\"\(path)/items\">JSON</a> · <a href=\"\(path).cdf\">manifest</a></p>",
                "<details><summary>Put the live headline on any page</summary>",
                "<pre><code>\(PageHTML.escape(badge))</code></pre>",
                "</details>",
                "</footer>",
            ])
    }

    /// The top bar: the way home and, on scripted pages, the live indicator and the
    /// "notify me" button (hidden until its script runs).
    static func bar(live: String?, notify: Bool = false) -> String {
        var html = "<header class=\"bar\"><a class=\"brand\" href=\"/\">Pushcast</a>"
        if live != nil || notify { html += "<span class=\"bar-tools\">" }
        if notify { html += "<button class=\"notify\" id=\"notify\" type=\"button\" data-state=\"off\" hidden>Notify me of new items</button>" }
        if let live { html += "<span class=\"live-status\" id=\"live-status\" data-state=\"connecting\">\(live)</span>" }
        if live != nil || notify { html += "</span>" }
        return html + "</header>"
    }

    /// A link to the top-level multipart page, which only Firefox shows, followed by
    /// `then`: the stylesheet shows it to Gecko alone (`.raw-push`), so no browser is
    /// offered a blank page.
    static func rawPush(_ path: String, _ text: String, then: String = "") -> String {
        "<span class=\"raw-push\"><a href=\"\(path)/live\">\(text) (Firefox)</a>\(then)</span>"
    }

    /// The channel's RSS feed, for feed readers' autodiscovery.
    static func feed(_ view: ChannelView) -> PageHTML.Feed {
        PageHTML.Feed(title: "\(view.title) (RSS)", href: "/channels/\(PageHTML.path(view.id))/rss")
    }
}
