/// What `pushcast new` writes: a small manifest that validates cleanly and the page of its
/// first item, both ready to edit.
public struct StarterChannel: Sendable, Hashable {
    /// The channel id, which is also the manifest's stem and its content folder's name.
    public var id: String
    public var title: String
    public var abstract: String
    /// The LASTMOD of the channel and of its first item.
    public var lastmod: Timestamp

    /// The first item's file name, in the channel's content folder.
    public static let welcomeFile = "welcome.html"

    public init(id: String, title: String, abstract: String, lastmod: Timestamp) {
        self.id = id
        self.title = title
        self.abstract = abstract
        self.lastmod = lastmod.wholeMinute
    }

    /// The first item's HREF, relative to the manifest's folder.
    public var welcomeHref: String { "\(id)/\(Self.welcomeFile)" }

    /// `channels/<id>.cdf`.
    public var manifest: String {
        let welcome = ItemEntry(
            href: welcomeHref, title: "Welcome to \(title)",
            abstract: "The first item of \(title): edit \(welcomeHref) and subscribers get the new page at once.",
            lastmod: lastmod)
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <CHANNEL HREF="\(XMLEscaping.attribute(welcomeHref))" LASTMOD="\(lastmod.lastmodText)">
            \t<TITLE>\(XMLEscaping.text(title))</TITLE>
            \t<ABSTRACT>\(XMLEscaping.text(abstract))</ABSTRACT>

            \(welcome.markup(indent: "\t", unit: "\t", newline: "\n"))
            </CHANNEL>

            """
    }

    /// `channels/<id>/welcome.html`.
    public var welcomePage: String {
        let title = XMLEscaping.text(title)
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Welcome to \(title)</title></head>
            <body>
            <h1>Welcome to \(title)</h1>
            <p>This is the first item of the channel. Change this page, or add items with
            <code>pushcast item add</code>, and every subscriber gets the change at once.</p>
            </body>
            </html>

            """
    }
}
