/// An ITEM as `pushcast item add` writes it into a manifest: the values a publisher gave,
/// rendered as CDF markup with every value escaped.
public struct ItemEntry: Sendable, Hashable {
    /// The `ID` attribute (the identity extension), if the publisher gave one.
    public var id: String?
    /// The HREF as written: a URL, or a path relative to the manifest's folder.
    public var href: String
    public var title: String
    public var abstract: String?
    public var lastmod: Timestamp

    public init(id: String? = nil, href: String, title: String, abstract: String? = nil, lastmod: Timestamp) {
        self.id = id
        self.href = href
        self.title = title
        self.abstract = abstract
        self.lastmod = lastmod
    }

    /// The element's lines: the ITEM at `indent`, its children one `unit` deeper, with no
    /// line break after the last line.
    public func markup(indent: String, unit: String, newline: String) -> String {
        var attributes = ""
        if let id { attributes += " ID=\"\(XMLEscaping.attribute(id))\"" }
        attributes += " HREF=\"\(XMLEscaping.attribute(href))\" LASTMOD=\"\(lastmod.lastmodText)\""
        var lines = ["\(indent)<ITEM\(attributes)>", "\(indent)\(unit)<TITLE>\(XMLEscaping.text(title))</TITLE>"]
        if let abstract { lines.append("\(indent)\(unit)<ABSTRACT>\(XMLEscaping.text(abstract))</ABSTRACT>") }
        lines.append("\(indent)</ITEM>")
        return lines.joined(separator: newline)
    }

    /// Why a value cannot be written, as a sentence; nil when every value can be.
    public var problem: String? {
        let values = [("--title", title), ("--abstract", abstract ?? ""), ("--href", href), ("--id", id ?? "")]
        for (option, value) in values {
            if let scalar = XMLEscaping.firstForbiddenScalar(in: value) {
                let code = "U+" + String(scalar.value, radix: 16, uppercase: true)
                return "\(option) holds the control character \(code), which a manifest cannot hold; remove it."
            }
        }
        if title.allSatisfy(\.isWhitespace) { return "--title is empty; give the item a title readers will see." }
        if href.allSatisfy(\.isWhitespace) { return "--href is empty; give a URL or a path beside the manifest." }
        if let id, id.allSatisfy(\.isWhitespace) { return "--id is empty; leave it out to use the HREF as the identity." }
        return nil
    }
}
