/// The pages of one channel (SPEC §3.2): the live page, a part of `/channels/<id>/live`
/// that Firefox replaces in place, and the channel page that every browser gets at
/// `/channels/<id>`, whose script reads `/live` and swaps each part in.
enum ChannelPageHTML {
    /// One part of `/live`: the whole page, no script.
    static func livePart(_ view: ChannelView) -> String {
        PageHTML.document(
            title: view.title, policy: PageHTML.staticPolicy, bodyClass: "live-page",
            body: [
                bar(live: nil),
                "<main id=\"live\">",
                ChannelSectionHTML.render(view, level: 1),
                "</main>",
                "<footer class=\"foot\">Pushed by Pushcast as it changes · "
                    + "<a href=\"/channels/\(PageHTML.path(view.id))\">channel page</a></footer>",
            ])
    }

    /// The channel page: the current view, and the script that keeps it current.
    static func page(_ view: ChannelView, publicURL: String, liveHeartbeat: Double) -> String {
        let path = "/channels/\(PageHTML.path(view.id))"
        let badge = "<img crossorigin=\"anonymous\" src=\"\(publicURL)\(path)/badge\" width=\"468\" height=\"60\" alt=\"\(PageHTML.escape(view.title))\">"
        return PageHTML.document(
            title: view.title, policy: PageHTML.scriptedPolicy, bodyClass: "channel-page",
            bodyAttributes: [("data-stream", "\(path)/live"), ("data-resume", "since"), ("data-heartbeat", "\(Int(liveHeartbeat))")],
            script: "live.js",
            body: [
                bar(live: "connecting…"),
                "<main id=\"live\">",
                ChannelSectionHTML.render(view, level: 1),
                "</main>",
                "<footer class=\"foot\">",
                "<p>Push: <a href=\"\(path)/live\">live page</a> · <a href=\"\(path)/stream\">item stream</a> · "
                    + "<a href=\"\(path)/events\">events</a> · Pull: <a href=\"\(path)/rss\">RSS</a> · "
                    + "<a href=\"\(path)/items\">JSON</a> · <a href=\"\(path).cdf\">manifest</a></p>",
                "<details><summary>Put the live headline on any page</summary>",
                "<pre><code>\(PageHTML.escape(badge))</code></pre>",
                "</details>",
                "</footer>",
            ])
    }

    /// The top bar: the way home and, on scripted pages, the live indicator.
    static func bar(live: String?) -> String {
        var html = "<header class=\"bar\"><a class=\"brand\" href=\"/\">Pushcast</a>"
        if let live { html += "<span class=\"live-status\" id=\"live-status\" data-state=\"connecting\">\(live)</span>" }
        return html + "</header>"
    }
}
