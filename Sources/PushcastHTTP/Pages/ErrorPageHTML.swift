import HTTPTypes

/// An error as a browser is shown it (`APIError.answer`, when `Accept` prefers HTML): the
/// site's page with what happened, in the error's own words, and what to do next, always
/// with the way back to the index. No script; everything from the request is escaped.
enum ErrorPageHTML {
    static func render(status: HTTPResponse.Status, code: String, message: String) -> String {
        let heading = heading(status, code: code)
        return PageHTML.document(
            title: "\(heading) · Pushcast", policy: PageHTML.staticPolicy, bodyClass: "error-page",
            body: [
                ChannelPageHTML.bar(live: nil),
                "<main class=\"error\" data-status=\"\(status.code)\" data-code=\"\(PageHTML.escape(code))\">",
                "<p class=\"error-status\">\(status.code) · \(PageHTML.escape(status.reasonPhrase))</p>",
                "<h1>\(PageHTML.escape(heading))</h1>",
                "<p class=\"error-message\">\(PageHTML.escape(sentence(message)))</p>",
                "<p class=\"error-next\">\(PageHTML.escape(advice(status)))</p>",
                "<p class=\"links\"><a href=\"/\">Every channel</a></p>",
                "</main>",
            ])
    }

    private static func heading(_ status: HTTPResponse.Status, code: String) -> String {
        switch (status.code, code) {
        case (404, "unknown-channel"): "No such channel"
        case (404, _): "Nothing here"
        case (401, _), (403, _): "Not allowed"
        case (405, _): "Not for browsing"
        case (429, _), (503, _): "The server is busy"
        case (500..., _): "Something went wrong"
        default: "That did not work"
        }
    }

    private static func advice(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: "Check the address, or pick a channel from the index below."
        case 401, 403: "Open the link you were given with its token, or ask the server's operator for one."
        case 405: "This address is for programs; the index below has the pages for people."
        case 429, 503: "Try again in a few seconds."
        case 500...: "Try again in a moment; if it keeps happening, the server's log says why."
        default: "Check the address, or start again from the index below."
        }
    }

    /// The message as a sentence: a capital first letter and a full stop.
    private static func sentence(_ message: String) -> String {
        let capitalized = message.prefix(1).uppercased() + message.dropFirst()
        return capitalized.hasSuffix(".") ? capitalized : capitalized + "."
    }
}
