import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The log sequence numbers of the items in a Pushcast RSS feed, read from their `guid`s
/// (`item-id#seq`, SPEC §3), with a real XML parser; an unreadable feed gives none.
enum FeedItems {
    static func sequences(in feed: Data) -> Set<Int64> {
        let reader = GuidReader()
        let parser = XMLParser(data: feed)
        parser.delegate = reader
        guard parser.parse() else { return [] }
        return Set(reader.guids.compactMap { guid in guid.split(separator: "#").last.flatMap { Int64($0) } })
    }

    private final class GuidReader: NSObject, XMLParserDelegate {
        var guids: [String] = []
        private var text: String?

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if name == "guid" { text = "" }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            text? += string
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "guid", let text { guids.append(text.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if name == "guid" { text = nil }
        }
    }
}
