import Foundation
import Testing

@testable import CDF

@Suite("Legacy mode (SPEC §1.3)")
struct LegacyTests {
    @Test func upperCaseXMLDeclarationAndMismatchedEndTags() throws {
        let manifest = parse(
            """
            <?XML VERSION="1.0" ENCODING="UTF-8"?>
            <Channel>
              <Item HREF="http://example.com/a.gif">
                <Title>Cathy Strip</TITLE>
              </ITEM>
            </CHANNEL>
            """)
        #expect(manifest.ok && manifest.mode == .legacy)
        #expect(manifest.items.map(\.title) == ["Cathy Strip"])
        let warning = try #require(manifest.diagnostic(.legacySyntax))
        #expect(warning.severity == .warning)
        #expect(warning.line == 1)  // the strict parser's first error
        #expect(warning.message.contains("Invalid PI name") || warning.message.contains("XML declaration"))
    }

    @Test func missingEndTags() {
        let manifest = parse(
            """
            <?xml version="1.0"?>
            <CHANNEL>
              <TITLE>News
              <ITEM HREF="a.html"><TITLE>First
              <ITEM HREF="b.html"><TITLE>Second</TITLE><ABSTRACT>Two
              <CHANNEL><TITLE>Section</TITLE><ITEM HREF="c.html">
            """)
        #expect(manifest.ok && manifest.mode == .legacy)
        #expect(manifest.channel?.title == "News")
        #expect(manifest.items.map(\.href) == ["a.html", "b.html", "c.html"])
        #expect(manifest.items.map(\.title) == ["First", "Second", nil])
        #expect(manifest.items[1].abstract == "Two")
        #expect(manifest.items[2].section == ["Section"])
    }

    @Test func emptyElementsWithoutSlash() {
        let manifest = parse(
            """
            <CHANNEL>
              <LOGO HREF="logo.gif" STYLE="IMAGE">
              <TITLE>Still the title</TITLE>
              <SCHEDULE><INTERVALTIME DAY="1"></INTERVALTIME><EARLIESTTIME HOUR="2"><LATESTTIME HOUR="6"></SCHEDULE>
              <ITEM HREF="a.html"><LOGO HREF="i.gif" STYLE="ICON"></LOGO><TITLE>Item</TITLE></ITEM>
            </CHANNEL
            """)
        #expect(manifest.mode == .legacy)
        #expect(manifest.channel?.title == "Still the title")
        #expect(manifest.channel?.schedule?.earliestSeconds == 7200)
        #expect(manifest.channel?.schedule?.latestSeconds == 21600)
        #expect(manifest.items.first?.title == "Item")
        #expect(manifest.items.first?.logos.count == 1)
    }

    @Test func attributeValuesWithLessThanAndAmpersand() {
        let manifest = parse(
            """
            <CHANNEL HREF="http://<your server>/home.htm" TITLE="Fish & Chips">
              <ITEM HREF="page.html?a=1&b=2" TITLE="a < b &copy; &amp;"/>
              <ITEM HREF=unquoted.html TITLE='single "quoted"' PRECACHE/>
              <ITEM HREF="c.html" href="ignored.html"/>
            </CHANNEL>
            """)
        #expect(manifest.mode == .legacy)
        #expect(manifest.channel?.title == "Fish & Chips")
        #expect(manifest.codes.contains(.badHref))  // the placeholder host
        #expect(manifest.items.map(\.href) == ["page.html", "unquoted.html", "c.html"])
        #expect(manifest.items.map(\.title) == ["a < b © &", #"single "quoted""#, nil])
    }

    @Test func anAttributeValueThatIsNeverClosed() {
        let manifest = parse(
            """
            <?XML version="1.0"?>
            <Channel>
            <Item HREF="http://www.flamingolingo.com"><Title>One</Title></Item>
            <Item HREF="http://www.flaminglingo.com/somepage.html
            </Item>

            </Channel>
            """)
        #expect(manifest.ok && manifest.mode == .legacy)
        #expect(manifest.items.map(\.href) == ["http://www.flamingolingo.com/", "http://www.flaminglingo.com/somepage.html"])
    }

    @Test func textWithStrayMarkupCharactersAndHTMLEntities() {
        let manifest = parse(
            "<CHANNEL><TITLE>1 < 2 && 3 > 2 &nbsp;&mdash; &#x41;&#1;</TITLE><!-- a -- b --></CHANNEL>")
        #expect(manifest.mode == .legacy)
        #expect(manifest.channel?.title == "1 < 2 && 3 > 2 \u{A0}\u{2014} A&#1;")
    }

    @Test func processingInstructions() {
        let kept = parse("<?XML version=\"1.0\"?><?xml-stylesheet href=\"a.css\"?><CHANNEL><TITLE>T</TITLE></channel>")
        #expect(kept.mode == .legacy && kept.channel?.title == "T")
        // One that is never closed is dropped; what came before it stands.
        let unclosed = parse("<CHANNEL><TITLE>T</TITLE><ITEM HREF=\"a.html\"/><?broken <ITEM HREF=\"b.html\"/>")
        #expect(unclosed.mode == .legacy && unclosed.items.map(\.href) == ["a.html"])
    }

    @Test func controlCharactersAreReplaced() {
        let manifest = parse("<CHANNEL><TITLE>bell\u{07}here</TITLE></CHANNEL>")
        #expect(manifest.mode == .legacy)
        #expect(manifest.channel?.title == "bell\u{FFFD}here")
    }

    @Test func junkAroundTheRootIsDropped() {
        let manifest = parse("garbage before\n<CHANNEL><ITEM HREF=\"a.html\"/></CHANNEL>\n<CHANNEL><ITEM HREF=\"b.html\"/></CHANNEL>")
        #expect(manifest.ok && manifest.mode == .legacy)
        #expect(manifest.items.map(\.href) == ["a.html"])
    }

    @Test func lineNumbersStillPointIntoTheOriginalFile() throws {
        let manifest = parse(
            """
            <?XML version="1.0"?>
            <CHANNEL
               HREF="x.html"
               SELF="y.cdf">
              <ITEM HREF=a.html
                    LASTMOD=never/>
            </CHANNEL>
            """)
        #expect(manifest.mode == .legacy)
        #expect(try #require(manifest.diagnostic(.badLastmod)).line == 5)
    }

    /// `text` in UTF-16 with a byte-order mark.
    func utf16(_ text: String, bigEndian: Bool) -> [UInt8] {
        let mark: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
        return mark + text.utf16.flatMap { unit -> [UInt8] in
            let high = UInt8(unit >> 8)
            let low = UInt8(unit & 0xFF)
            return bigEndian ? [high, low] : [low, high]
        }
    }

    @Test func encodings() {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><CHANNEL><TITLE>Zürich</TITLE></CHANNEL>"
        for bytes in [utf16(text, bigEndian: false), utf16(text, bigEndian: true)] {
            let manifest = ManifestParser.parse(bytes, file: "u.cdf")
            #expect(manifest.ok && manifest.mode == .strict && manifest.channel?.title == "Zürich")
        }
        // UTF-16 that also needs repair.
        let legacy = "<?XML version=\"1.0\"?><Channel><Title>Zürich</TITLE></Channel>"
        let manifest = ManifestParser.parse(utf16(legacy, bigEndian: false), file: "u.cdf")
        #expect(manifest.ok && manifest.mode == .legacy && manifest.channel?.title == "Zürich")
        // windows-1252, declared, in a file that needs repair: é and € come out right.
        let cp1252: [UInt8] = Array("<?XML version=\"1.0\" encoding=\"windows-1252\"?><CHANNEL><TITLE>caf".utf8) + [0xE9, 0x20, 0x80]
            + Array("</title></CHANNEL>".utf8)
        let western = ManifestParser.parse(cp1252, file: "w.cdf")
        #expect(western.ok && western.mode == .legacy && western.channel?.title == "café €")
        let unknown = ManifestParser.parse(Array("<?XML version=\"1.0\" encoding=\"EBCDIC-XYZ\"?><CHANNEL/>".utf8), file: "e.cdf")
        #expect(!unknown.ok && unknown.codes == [.badEncoding])
    }
}
