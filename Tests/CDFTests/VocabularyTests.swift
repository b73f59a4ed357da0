import Foundation
import Testing

@testable import CDF

@Suite("CDF vocabulary (SPEC §1.1)")
struct VocabularyTests {
    @Test func readsAChannelWithItems() throws {
        let manifest = parse(
            cdf(
                """
                <TITLE>Meridian</TITLE><ABSTRACT>World news</ABSTRACT>
                <LOGO HREF="logo.gif" STYLE="IMAGE"/><LOGO HREF="icon.gif" STYLE="ICON"/>
                <ITEM HREF="a.html" LASTMOD="2026-11-24T10:15" LEVEL="2">
                  <TITLE>First</TITLE><ABSTRACT>One</ABSTRACT><LOGO HREF="i.gif" STYLE="ICON"/>
                </ITEM>
                <ITEM HREF="http://example.com/b.html"><TITLE>Second</TITLE></ITEM>
                """, attributes: #"HREF="index.html" LASTMOD="2026-11-24""#))
        #expect(manifest.ok)
        #expect(manifest.mode == .strict)
        #expect(manifest.diagnostics.isEmpty)
        let channel = try #require(manifest.channel)
        #expect(channel.title == "Meridian")
        #expect(channel.abstract == "World news")
        #expect(channel.href == "index.html")
        #expect(channel.lastmod?.description == "2026-11-24T00:00:00Z")
        #expect(channel.logos == [Logo(href: "logo.gif", style: .image, local: true), Logo(href: "icon.gif", style: .icon, local: true)])
        #expect(channel.usage == nil)
        #expect(channel.items.count == 2)
        let first = channel.items[0]
        #expect(first.id == "a.html" && first.href == "a.html" && first.local)
        #expect(first.title == "First" && first.abstract == "One")
        #expect(first.lastmod?.description == "2026-11-24T10:15:00Z")
        #expect(first.level == 2 && first.precache && first.usage == .channel && first.section == [])
        #expect(first.logos == [Logo(href: "i.gif", style: .icon, local: true)])
        #expect(channel.items[1].href == "http://example.com/b.html" && !channel.items[1].local)
    }

    @Test func namesAndValuesIgnoreCase() throws {
        let manifest = parse(
            """
            <?xml version="1.0"?>
            <channel href="index.html" precache="no">
              <Title>Mixed</Title>
              <item Href="a.html" Precache="Yes"><usage value="screensaver"/></item>
              <ITEM href="b.html"><LOGO href="i.gif" style="image-wide"/><Usage Value="DESKTOPCOMPONENT"><OpenAs VALUE="Image"/></Usage></ITEM>
            </channel>
            """)
        #expect(manifest.ok && manifest.mode == .strict)
        let channel = try #require(manifest.channel)
        #expect(channel.title == "Mixed" && channel.precache == false)
        #expect(channel.items.map(\.usage) == [.screenSaver, .desktopComponent])
        #expect(channel.items.map(\.precache) == [true, false])
        #expect(channel.items[1].logos.first?.style == .imageWide)
    }

    @Test func titleAndAbstractAsAttributesAndFromA() throws {
        let manifest = parse(
            cdf(
                """
                <ITEM HREF="a.html" TITLE="Old style" ABSTRACT="Old abstract"/>
                <ITEM><A HREF="b.html">From the anchor</A></ITEM>
                <ITEM HREF="c.html" TITLE="attribute"><TITLE>element wins</TITLE></ITEM>
                """, attributes: #"TITLE="Channel title""#))
        let items = manifest.items
        #expect(manifest.channel?.title == "Channel title")
        #expect(items.map(\.title) == ["Old style", "From the anchor", "element wins"])
        #expect(items[0].abstract == "Old abstract")
        #expect(items[1].href == "b.html")
    }

    @Test func whiteSpaceIsFoldedUnlessPreserved() {
        let manifest = parse(
            cdf(
                """
                <ITEM HREF="a.html"><TITLE>
                    Two
                    lines </TITLE><ABSTRACT XML-SPACE="preserve">  keep
                  this</ABSTRACT></ITEM>
                """))
        #expect(manifest.items.first?.title == "Two lines")
        #expect(manifest.items.first?.abstract == "  keep\n  this")
    }

    @Test func entitiesAndCDATAInText() {
        let manifest = parse(
            cdf(#"<ITEM HREF="a.html?x=1&amp;y=2"><TITLE>Fish &amp; Chips &#8364; &lt;3 <![CDATA[<b>]]></TITLE></ITEM>"#))
        #expect(manifest.items.first?.title == "Fish & Chips € <3 <b>")
        #expect(manifest.items.first?.href == "a.html")
    }

    @Test func precacheIsInheritedFromTheNearestChannel() {
        let manifest = parse(
            cdf(
                """
                <ITEM HREF="a.html"/>
                <CHANNEL PRECACHE="YES"><TITLE>S</TITLE><ITEM HREF="b.html"/><ITEM HREF="c.html" PRECACHE="NO"/>
                  <CHANNEL><TITLE>T</TITLE><ITEM HREF="d.html"/></CHANNEL>
                </CHANNEL>
                """, attributes: #"PRECACHE="NO""#))
        #expect(manifest.items.map(\.precache) == [false, true, false, true])
    }

    @Test func sectionsKeepTheTreeAndLabelEachItem() throws {
        let manifest = parse(
            cdf(
                """
                <ITEM HREF="top.html"/>
                <CHANNEL HREF="europe/index.html">
                  <ITEM HREF="europe/a.html"/>
                  <TITLE>Europe</TITLE>
                  <CHANNEL><A HREF="europe/north.html">Nordics</A><ITEM HREF="europe/b.html"/></CHANNEL>
                </CHANNEL>
                <CHANNEL HREF="asia/index.html"><ITEM HREF="asia/c.html"/></CHANNEL>
                <ITEM HREF="bottom.html"/>
                """))
        let channel = try #require(manifest.channel)
        #expect(channel.items.map(\.href) == ["top.html", "europe/a.html", "europe/b.html", "asia/c.html", "bottom.html"])
        #expect(channel.items.map(\.section) == [[], ["Europe"], ["Europe", "Nordics"], ["asia/index.html"], []])
        #expect(channel.sections.count == 2)
        #expect(channel.sections[0].title == "Europe" && channel.sections[0].href == "europe/index.html")
        #expect(channel.sections[0].items.map(\.href) == ["europe/a.html"])
        #expect(channel.sections[0].sections.first?.title == "Nordics")
        #expect(channel.sections[0].sections.first?.items.map(\.href) == ["europe/b.html"])
        #expect(channel.sections[1].title == nil)
    }

    @Test func baseAppliesToDescendantsAndANestedBaseOverrides() throws {
        let manifest = parse(
            cdf(
                """
                <LOGO HREF="logo.gif" STYLE="IMAGE"/>
                <ITEM HREF="a.html"/>
                <CHANNEL BASE="http://other.example/b/"><ITEM HREF="c.html"/>
                  <CHANNEL BASE="d/"><ITEM HREF="e.html"/></CHANNEL>
                </CHANNEL>
                <CHANNEL BASE="content/"><ITEM HREF="f.html"/></CHANNEL>
                <CHANNEL BASE="doc.html"><ITEM HREF="g.html"/></CHANNEL>
                """, attributes: #"HREF="home.htm" BASE="http://www.mysite.com/Channel/""#))
        let channel = try #require(manifest.channel)
        #expect(channel.base == "http://www.mysite.com/Channel/")
        #expect(channel.href == "http://www.mysite.com/Channel/home.htm")
        #expect(channel.logos.first?.href == "http://www.mysite.com/Channel/logo.gif")
        #expect(channel.items.map(\.href) == [
            "http://www.mysite.com/Channel/a.html", "http://other.example/b/c.html", "http://other.example/b/d/e.html",
            "http://www.mysite.com/Channel/content/f.html", "http://www.mysite.com/Channel/g.html",
        ])
        let local = parse(cdf(#"<ITEM HREF="f.html"/>"#, attributes: #"BASE="content/""#))
        #expect(local.channel?.base == "content/")
        #expect(local.items.first?.href == "content/f.html" && local.items.first?.local == true)
    }

    @Test func identityIsTheIDElseTheResolvedHref() {
        let manifest = parse(
            cdf(
                """
                <ITEM HREF="a.html" ID="story-1"/>
                <ITEM HREF="./b.html"/>
                <ITEM HREF="c.html" ID="story-1"/>
                <ITEM HREF="b.html"/>
                """))
        #expect(manifest.items.map(\.id) == ["story-1", "b.html"])
        let duplicates = manifest.diagnostics.filter { $0.code == .duplicateItem }
        #expect(duplicates.map(\.line) == [5, 6])
        #expect(duplicates.allSatisfy { $0.severity == .warning && $0.message.contains("line 3") || $0.message.contains("line 4") })
        #expect(manifest.ok)
    }

    @Test func itemsWithBadHREFsAreLeftOutAndTheManifestStaysOK() {
        let manifest = parse(
            cdf(
                """
                <ITEM><TITLE>no href</TITLE></ITEM>
                <ITEM HREF="javascript:alert(1)"/>
                <ITEM HREF="../../etc/passwd"/>
                <ITEM HREF="http://bad host/"/>
                <ITEM HREF="good.html"/>
                """))
        #expect(manifest.ok)
        #expect(manifest.items.map(\.href) == ["good.html"])
        #expect(manifest.codes == [.missingHref, .unsupportedScheme, .hrefOutsideChannels, .badHref])
        #expect(manifest.diagnostics.allSatisfy { $0.severity == .error })
        #expect(manifest.diagnostics.map(\.line) == [3, 4, 5, 6])
    }

    @Test func usageDefaultsAndLegacyShow() {
        let manifest = parse(
            cdf(
                """
                <USAGE VALUE="SoftwareUpdate"/>
                <ITEM HREF="a.html"/>
                <ITEM HREF="b.html" SHOW="Email"/>
                <ITEM HREF="c.html"><USAGE VALUE="NONE"/></ITEM>
                <ITEM HREF="d.html"><USAGE VALUE="smartscreen"></USAGE></ITEM>
                <ITEM HREF="e.html"><USAGE VALUE="Hologram"/></ITEM>
                """))
        #expect(manifest.channel?.usage == .softwareUpdate)
        #expect(manifest.items.map(\.usage) == [.channel, .email, .none, .smartScreen, .channel])
        #expect(manifest.codes == [.badValue])
    }

    @Test func logosAtMostOnePerStyle() {
        let manifest = parse(
            cdf(
                """
                <LOGO HREF="a.gif" STYLE="ICON"/>
                <LOGO HREF="b.gif" STYLE="icon"/>
                <LOGO HREF="c.gif"/>
                <LOGO STYLE="IMAGE-WIDE"/>
                <LOGO HREF="d.gif" STYLE="HUGE"/>
                """))
        #expect(manifest.channel?.logos.map(\.href) == ["a.gif", "c.gif"])
        #expect(manifest.codes == [.duplicateElement, .badValue, .missingHref, .badValue])
    }

    @Test func ignoredUnknownMisplacedAndDuplicateElements() {
        let manifest = parse(
            cdf(
                """
                <TITLE>One</TITLE><TITLE>Two</TITLE>
                <LOG VALUE="document:view"/>
                <LOGTARGET HREF="http://example.com/log" METHOD="POST"><PURGETIME HOUR="12"/></LOGTARGET>
                <LOGIN/>
                <SOFTPKG HREF="x.cab"><IMPLEMENTATION/></SOFTPKG>
                <WIDGET/>
                <ITEM HREF="a.html"><ITEM HREF="inner.html"/><SCHEDULE><INTERVALTIME DAY="1"/></SCHEDULE></ITEM>
                """, attributes: #"SELF="http://example.com/self.cdf""#))
        #expect(manifest.ok)
        #expect(manifest.channel?.title == "One")
        #expect(manifest.items.map(\.href) == ["a.html"])
        #expect(manifest.codes == [
            .duplicateElement, .ignoredElement, .ignoredElement, .ignoredElement, .ignoredElement, .unknownElement,
            .misplacedElement, .ignoredElement,
        ])
        #expect(manifest.diagnostics.allSatisfy { $0.severity == .warning })
    }

    @Test func badValuesAreWarningsAndIgnored() {
        let manifest = parse(
            cdf(#"<ITEM HREF="a.html" LASTMOD="next tuesday" PRECACHE="maybe" LEVEL="deep"/>"#,
                    attributes: #"LASTMOD="1997.08.19""#))
        #expect(manifest.ok)
        #expect(manifest.channel?.lastmod == nil)
        let item = manifest.items.first
        #expect(item?.lastmod == nil && item?.precache == true && item?.level == 0)
        #expect(manifest.codes == [.badLastmod, .badLastmod, .badValue, .badValue])
    }

    @Test func undefinedEntitiesAreReadAsText() {
        let manifest = parse(
            """
            <?xml version="1.0"?>
            <!DOCTYPE Channel SYSTEM "http://www.w3c.org/Channel.dtd">
            <CHANNEL><TITLE>A&nbsp;B &bogus; C</TITLE></CHANNEL>
            """)
        #expect(manifest.ok && manifest.mode == .strict)
        #expect(manifest.channel?.title == "A\u{A0}B &bogus; C")
        #expect(manifest.codes == [.undefinedEntity, .undefinedEntity])
    }

    @Test func aPlainDoctypeIsIgnored() {
        let manifest = parse(
            """
            <?xml version="1.0"?>
            <!DOCTYPE Channel SYSTEM "http://www.w3c.org/Channel.dtd">
            <CHANNEL><ITEM HREF="a.html"/></CHANNEL>
            """)
        #expect(manifest.ok && manifest.mode == .strict && manifest.diagnostics.isEmpty)
    }

    @Test func limitsOnItemsAndDiagnostics() {
        let items = (0..<12).map { "<ITEM HREF=\"\($0).html\"/>" }.joined()
        let manifest = parse(cdf(items), limits: ParseLimits(maxItems: 10))
        #expect(manifest.items.count == 10)
        #expect(manifest.codes == [.tooManyItems])
        let noisy = parse(cdf(String(repeating: "<WIDGET/>", count: 30)), limits: ParseLimits(maxDiagnostics: 5))
        #expect(noisy.codes == Array(repeating: .unknownElement, count: 5) + [.tooManyDiagnostics])
        #expect(noisy.diagnostic(.tooManyDiagnostics)?.message.contains("25") == true)
    }

    @Test func diagnosticsCarryFileLineAndColumn() throws {
        let manifest = parse("<CHANNEL>\n  <ITEM\n     HREF=\"x.html\" LASTMOD=\"soon\"/>\n</CHANNEL>", file: "channels/pos.cdf")
        let diagnostic = try #require(manifest.diagnostic(.badLastmod))
        #expect(diagnostic.file == "channels/pos.cdf")
        #expect(diagnostic.line == 2 && diagnostic.column == 3)
        #expect(diagnostic.humanReadable.hasPrefix("channels/pos.cdf:2:3: warning: "))
        #expect(diagnostic.humanReadable.hasSuffix("[bad-lastmod]"))
    }

    @Test func channelIDsComeFromTheFileName() {
        #expect(parse(cdf(""), file: "channels/World-News.cdf").id == "world-news")
        let bad = parse(cdf("<ITEM HREF=\"a.html\"/>"), file: "channels/my news.cdf")
        #expect(!bad.ok && bad.id == "my news")
        #expect(bad.codes == [.badChannelID])
        #expect(bad.channel?.items.count == 1)  // the content is still read and reported
    }
}

/// Every diagnostic code the parser can produce, with a manifest that produces it.
/// (`unreadable` and `missing-file` come from reading files: see PushcastTests.)
@Suite("Every diagnostic code")
struct DiagnosticCodeTests {
    static let examples: [DiagnosticCode: (file: String, text: String)] = [
        .notWellFormed: ("a.cdf", "this is not XML"),
        .tooLarge: ("a.cdf", cdf(String(repeating: " ", count: 2 << 20))),
        .tooDeep: ("a.cdf", String(repeating: "<CHANNEL>", count: 70) + String(repeating: "</CHANNEL>", count: 70)),
        .entityDeclared: ("a.cdf", "<!DOCTYPE CHANNEL [<!ENTITY e \"x\">]><CHANNEL/>"),
        .notAChannel: ("a.cdf", "<rss version=\"2.0\"><channel/></rss>"),
        .badChannelID: ("bad id!.cdf", cdf("")),
        .badEncoding: ("a.cdf", "<CHANNEL><TITLE>caf\u{E9}</TITLE></CHANNEL>"),
        .missingHref: ("a.cdf", cdf("<ITEM/>")),
        .unsupportedScheme: ("a.cdf", cdf("<ITEM HREF=\"ftp://example.com/x\"/>")),
        .hrefOutsideChannels: ("a.cdf", cdf("<ITEM HREF=\"../x.html\"/>")),
        .badHref: ("a.cdf", cdf("<ITEM HREF=\"http://exa mple.com/\"/>")),
        .legacySyntax: ("a.cdf", "<?XML version=\"1.0\"?><CHANNEL/>"),
        .badLastmod: ("a.cdf", cdf("", attributes: "LASTMOD=\"soon\"")),
        .duplicateItem: ("a.cdf", cdf("<ITEM HREF=\"a.html\"/><ITEM HREF=\"a.html\"/>")),
        .duplicateElement: ("a.cdf", cdf("<TITLE>a</TITLE><TITLE>b</TITLE>")),
        .badSchedule: ("a.cdf", cdf("<SCHEDULE><INTERVALTIME MIN=\"0\"/></SCHEDULE>")),
        .badTimezone: ("a.cdf", cdf("<SCHEDULE TZID=\"Mars/Olympus\"><INTERVALTIME DAY=\"1\"/></SCHEDULE>")),
        .badValue: ("a.cdf", cdf("", attributes: "PRECACHE=\"perhaps\"")),
        .ignoredElement: ("a.cdf", cdf("<LOG VALUE=\"document:view\"/>")),
        .unknownElement: ("a.cdf", cdf("<MARQUEE/>")),
        .misplacedElement: ("a.cdf", cdf("<ITEM HREF=\"a.html\"><CHANNEL/></ITEM>")),
        .undefinedEntity: ("a.cdf", "<!DOCTYPE Channel SYSTEM \"x.dtd\"><CHANNEL><TITLE>&copy;</TITLE></CHANNEL>"),
        .tooManyItems: ("a.cdf", cdf(String(repeating: "<ITEM HREF=\"a.html\"/>", count: 10_001))),
        .tooManyDiagnostics: ("a.cdf", cdf(String(repeating: "<MARQUEE/>", count: 201))),
    ]
    static let producedByFileReading: Set<DiagnosticCode> = [.unreadable, .missingFile]

    @Test func everyCodeHasAnExample() {
        for code in DiagnosticCode.allCases where !Self.producedByFileReading.contains(code) {
            #expect(Self.examples[code] != nil, "no example produces \(code.rawValue)")
        }
    }

    @Test(arguments: Array(examples.keys).sorted { $0.rawValue < $1.rawValue })
    func exampleProducesItsCode(code: DiagnosticCode) throws {
        let example = try #require(Self.examples[code])
        let bytes: [UInt8] =
            code == .badEncoding
            ? Array(example.text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) })  // é as one Latin-1 byte
            : Array(example.text.utf8)
        let manifest = ManifestParser.parse(bytes, file: example.file)
        let diagnostic = try #require(manifest.diagnostic(code), "\(code.rawValue) not produced: \(manifest.codes)")
        #expect(manifest.ok == !code.rejectsManifest)
        let itemLevel: Set<DiagnosticCode> = [.missingHref, .unsupportedScheme, .hrefOutsideChannels, .badHref]
        let expectedSeverity: Diagnostic.Severity = code.rejectsManifest || itemLevel.contains(code) ? .error : .warning
        #expect(diagnostic.severity == expectedSeverity)
    }
}
