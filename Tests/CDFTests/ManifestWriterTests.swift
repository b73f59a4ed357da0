import CDF
import Testing

/// The text edit behind `pushcast item add` and the starter of `pushcast new`, read back
/// by the parser.
@Suite("Manifest writing")
struct ManifestWriterTests {
    static let item = ItemEntry(
        href: "news/a.html", title: "A <b>&amp;</b> \"Zürich\" 'ok' ]]>", abstract: "x & y",
        lastmod: Timestamp(secondsSince1970: 1_795_000_000).wholeMinute)

    static func edited(_ text: String) throws -> (text: String, line: Int, manifest: Manifest) {
        let edit = try #require(ManifestEditor(bytes: Array(text.utf8)).appending(item))
        let result = String(decoding: edit.bytes, as: UTF8.self)
        return (result, edit.line, ManifestParser.parse(edit.bytes, file: "news.cdf"))
    }

    @Test func valuesReadBackExactly() throws {
        let (_, line, manifest) = try Self.edited("<CHANNEL>\n  <TITLE>T</TITLE>\n</CHANNEL>\n")
        #expect(manifest.mode == .strict && manifest.diagnostics.isEmpty, "\(manifest.diagnostics)")
        let added = try #require(manifest.channel?.items.last)
        #expect(added.title == Self.item.title && added.abstract == "x & y" && added.href == "news/a.html")
        #expect(added.lastmod == Self.item.lastmod && added.line == line && line == 3)
    }

    @Test func indentationAndLineBreaksFollowTheFile() throws {
        let spaces = try Self.edited("<CHANNEL>\r\n  <ITEM HREF=\"b.html\"/>\r\n</CHANNEL>\r\n")
        #expect(spaces.text.contains("\r\n  <ITEM HREF=\"news/a.html\" LASTMOD=\"\(Self.item.lastmod.lastmodText)\">\r\n    <TITLE>"))
        #expect(spaces.text.hasSuffix("    <ABSTRACT>x &amp; y</ABSTRACT>\r\n  </ITEM>\r\n</CHANNEL>\r\n"))
        #expect(spaces.line == 3 && spaces.manifest.channel?.items.count == 2)

        let oneLine = try Self.edited("<CHANNEL><TITLE>T</TITLE></CHANNEL>")
        #expect(oneLine.text.hasPrefix("<CHANNEL><TITLE>T</TITLE>\n\t<ITEM HREF=\"news/a.html\""))
        #expect(oneLine.text.hasSuffix("\t</ITEM>\n</CHANNEL>") && oneLine.line == 2)
        #expect(oneLine.manifest.channel?.items.first?.line == 2)
    }

    /// Only the root's end tag counts: not one in a comment, CDATA or a section's.
    @Test func theRootEndTagIsFoundPastCommentsAndSections() throws {
        let text = """
            <?xml version="1.0"?>
            <!DOCTYPE Channel SYSTEM "http://www.w3c.org/Channel.dtd">
            <Channel>
            \t<ABSTRACT><![CDATA[ </CHANNEL> ]]></ABSTRACT>
            \t<channel HREF="s.html"><ITEM HREF="s1.html"/></channel>
            </Channel >
            <!-- </CHANNEL> -->

            """
        let (edited, line, manifest) = try Self.edited(text)
        #expect(line == 6 && manifest.diagnostics.isEmpty, "\(manifest.diagnostics)")
        #expect(edited.hasSuffix("\t</ITEM>\n</Channel >\n<!-- </CHANNEL> -->\n"))
        #expect(manifest.channel?.items.map(\.href) == ["s1.html", "news/a.html"])
        #expect(manifest.channel?.items.last?.section == [])
        #expect(ManifestEditor(bytes: Array("<CHANNEL><!-- </CHANNEL> -->".utf8)).appending(Self.item) == nil)
    }

    @Test func theStarterValidatesCleanly() throws {
        let starter = StarterChannel(id: "news", title: "A & <B>", abstract: "ü \"q\"", lastmod: Timestamp(secondsSince1970: 1_795_000_059))
        let manifest = ManifestParser.parse(Array(starter.manifest.utf8), file: "news.cdf")
        #expect(manifest.mode == .strict && manifest.diagnostics.isEmpty, "\(manifest.diagnostics)")
        #expect(manifest.channel?.title == "A & <B>" && manifest.channel?.abstract == "ü \"q\"")
        #expect(manifest.channel?.items.map(\.href) == ["news/welcome.html"])
        #expect(manifest.channel?.lastmod?.secondsSince1970 == 1_795_000_020)
        #expect(starter.welcomePage.contains("<h1>Welcome to A &amp; &lt;B&gt;</h1>"))
    }

    @Test func controlCharactersAreRefused() {
        #expect(XMLEscaping.firstForbiddenScalar(in: "tab\tand\nline") == nil)
        #expect(XMLEscaping.firstForbiddenScalar(in: "bell\u{7}") == "\u{7}")
        var entry = Self.item
        entry.title = "a\u{1B}[31m"
        #expect(entry.problem?.hasPrefix("--title holds the control character U+1B") == true)
        #expect(XMLEscaping.attribute("a\"b'c\td<&") == "a&quot;b&apos;c&#9;d&lt;&amp;")
    }
}
