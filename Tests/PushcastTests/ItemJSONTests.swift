import Foundation
import NIOCore
import Testing

@testable import Pushcast

/// An item's JSON written by hand (`ItemJSON.jsonBytes`, what every publication renders)
/// is byte for byte what `JSONEncoder` writes of it, with sorted keys and slashes as they are.
@Suite("ItemJSON: the hand-written JSON against JSONEncoder's")
struct ItemJSONTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// An item part's body as the encoder writes it: the item, and its content or link.
    struct PartBody: Encodable {
        let item: ItemJSON
        let content: String?
        let contentURL: String?

        enum Keys: String, CodingKey { case content, contentURL }

        func encode(to encoder: any Encoder) throws {
            try item.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encodeIfPresent(content, forKey: .content)
            try container.encodeIfPresent(contentURL, forKey: .contentURL)
        }
    }

    /// Every character below 0x80, quotes, backslashes, slashes, and characters outside ASCII.
    static let awkward: String = {
        var text = ""
        for code in 0..<0x80 { text.unicodeScalars.append(Unicode.Scalar(UInt8(code))) }
        return text + "\\\"/ é € 😀 \u{2028}\u{2029}\u{FEFF}"
    }()

    static func entry(title: String?, abstract: String?, section: [String], local: Bool, precache: Bool) -> LogEntry {
        LogEntry(
            channel: "news/\"one\"", seq: 9_007_199_254_740_993, event: .updated, itemID: "id \(Self.awkward)",
            revision: 3, title: title, abstract: abstract, href: local ? "news/a b.html" : "http://example.com/a?b=/c",
            local: local, lastmod: "1997-10-01T12:00:00Z",
            section: String(decoding: try! JSONEncoder().encode(section), as: UTF8.self), precache: precache,
            contentType: precache ? "text/html" : nil, contentHash: nil, contentSize: precache ? 42 : nil, content: nil,
            loggedAt: 1_764_900_000.25)
    }

    static let entries = [
        entry(title: "Plain", abstract: nil, section: [], local: false, precache: false),
        entry(title: nil, abstract: Self.awkward, section: ["a/b", Self.awkward, ""], local: true, precache: true),
        entry(title: Self.awkward, abstract: "", section: ["only"], local: true, precache: false),
    ]

    @Test(arguments: entries)
    func theItemIsWhatTheEncoderWrites(_ entry: LogEntry) throws {
        let item = ItemJSON(entry, publicURL: "http://127.0.0.1:8080")
        let expected = try Self.encoder.encode(item)
        #expect(String(decoding: item.jsonBytes(), as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }

    @Test(arguments: entries)
    func aPartsBodyIsWhatTheEncoderWrites(_ entry: LogEntry) throws {
        let item = ItemJSON(entry, publicURL: "http://127.0.0.1:8080")
        let link = "http://127.0.0.1:8080/channels/x/items/1/content"
        for (content, contentURL) in [(Self.awkward, nil), (nil, link), ("", nil)] {
            let expected = try Self.encoder.encode(PartBody(item: item, content: content, contentURL: contentURL))
            #expect(
                String(decoding: item.jsonBytes(content: content, contentURL: contentURL), as: UTF8.self)
                    == String(decoding: expected, as: UTF8.self))
        }
    }

    @Test func sectionLabelsAreReadAndAnUnreadableRowHasNone() {
        var entry = HubTests.entry("a", 1)
        #expect(entry.sectionLabels == [])
        entry.section = #"["News","Tech \"ü\""]"#
        #expect(entry.sectionLabels == ["News", "Tech \"ü\""])
        entry.section = "News"  // not JSON: a damaged row, logged
        #expect(entry.sectionLabels == [])
    }

    @Test func aRenderedPartCarriesTheSameBytesAsTheItemWhenItHasNothingMore() throws {
        let entry = Self.entry(title: "Plain", abstract: nil, section: [], local: false, precache: false)
        let rendered = PartRenderer(publicURL: "http://127.0.0.1:8080").render(entry)
        let json = String(buffer: rendered.json)
        let expected = try Self.encoder.encode(ItemJSON(entry, publicURL: "http://127.0.0.1:8080"))
        #expect(json == String(decoding: expected, as: UTF8.self))
        #expect(String(buffer: rendered.parts[.json]!).hasSuffix("\r\n\r\n\(json)\r\n"))
        #expect(String(buffer: rendered.event) == "id: \(entry.seq)\nevent: item\ndata: \(json)\n\n")
    }
}
