/// A subscriber's own page of all their channels (PointCast's "my channels"): one section
/// per channel, each the same HTML the channel's own pages use, rendered once per change of
/// that channel; only their assembly is the subscriber's own.
enum SubscriberPageHTML {
    /// A part of the subscriber's live stream.
    static func livePart(name: String, sections: [String]) -> String {
        PageHTML.document(
            title: "\(name)'s channels", policy: PageHTML.staticPolicy, bodyClass: "subscriber-page",
            body: [ChannelPageHTML.bar(live: nil)] + main(name: name, sections: sections))
    }

    /// The page, whose script reads the same URL as a stream.
    static func page(name: String, sections: [String], liveHeartbeat: Double) -> String {
        PageHTML.document(
            title: "\(name)'s channels", policy: PageHTML.scriptedPolicy, bodyClass: "subscriber-page",
            bodyAttributes: [("data-stream", ""), ("data-resume", ""), ("data-heartbeat", "\(Int(liveHeartbeat))")],
            scripts: ["live.js"],
            body: [ChannelPageHTML.bar(live: "connecting…")] + main(name: name, sections: sections))
    }

    private static func main(name: String, sections: [String]) -> [String] {
        var lines = ["<main id=\"live\" class=\"my-channels\">", "<h1>\(PageHTML.escape(name))'s channels</h1>"]
        if sections.isEmpty {
            lines.append("<p class=\"empty\">No subscriptions yet: <code>pushcast subscribe CHANNEL</code> adds one.</p>")
        }
        lines.append(contentsOf: sections)
        lines.append("</main>")
        return lines
    }
}
