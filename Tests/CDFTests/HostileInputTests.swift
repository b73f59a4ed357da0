import Foundation
import Testing

@testable import CDF

/// SPEC §1.3: hostile manifests are refused with the right code; none reaches the
/// network, the file system or an entity expansion. (Time and memory are measured on
/// the real `pushcast validate` process in PushcastCommandTests.)
@Suite("Hostile manifests")
struct HostileInputTests {
    static func billionLaughs() -> String {
        var text = "<?xml version=\"1.0\"?>\n<!DOCTYPE CHANNEL [\n <!ENTITY lol0 \"lol\">\n"
        for level in 1...9 {
            text += " <!ENTITY lol\(level) \"\(String(repeating: "&lol\(level - 1);", count: 10))\">\n"
        }
        return text + "]>\n<CHANNEL><TITLE>&lol9;</TITLE></CHANNEL>\n"
    }

    static let cases: [(name: String, bytes: [UInt8], code: DiagnosticCode)] = [
        ("XXE, general entity",
         Array("<?xml version=\"1.0\"?>\n<!DOCTYPE CHANNEL [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n<CHANNEL><TITLE>&xxe;</TITLE></CHANNEL>".utf8),
         .entityDeclared),
        ("XXE, parameter entity",
         Array("<?xml version=\"1.0\"?>\n<!DOCTYPE CHANNEL [ <!ENTITY % p SYSTEM \"http://127.0.0.1:9/x.dtd\"> %p; ]>\n<CHANNEL/>".utf8),
         .entityDeclared),
        ("XXE in a legacy file",
         Array("<?XML version=\"1.0\"?>\n<!DOCTYPE CHANNEL [ <!ENTITY xxe SYSTEM \"/etc/passwd\"> ]>\n<Channel><Title>&xxe;</TITLE></Channel>".utf8),
         .entityDeclared),
        ("billion laughs", Array(billionLaughs().utf8), .entityDeclared),
        ("quadratic blow-up",
         Array(("<?xml version=\"1.0\"?><!DOCTYPE CHANNEL [<!ENTITY a \"" + String(repeating: "x", count: 50_000)
                + "\">]><CHANNEL><TITLE>" + String(repeating: "&a;", count: 50_000) + "</TITLE></CHANNEL>").utf8),
         .entityDeclared),
        ("a 2 MiB file", Array(("<CHANNEL>" + String(repeating: " ", count: 2 << 20) + "</CHANNEL>").utf8), .tooLarge),
        ("10,000 nested CHANNELs",
         Array((String(repeating: "<CHANNEL>", count: 10_000) + String(repeating: "</CHANNEL>", count: 10_000)).utf8),
         .tooDeep),
        ("10,000 unclosed CHANNELs in legacy mode",
         Array(("<?XML version=\"1.0\"?>" + String(repeating: "<CHANNEL>", count: 10_000)).utf8), .tooDeep),
        ("10,000 nested other elements",
         Array(("<CHANNEL>" + String(repeating: "<X>", count: 10_000) + String(repeating: "</X>", count: 10_000)
                + "</CHANNEL>").utf8), .tooDeep),
        ("invalid UTF-8", Array("<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>caf".utf8) + [0xE9, 0xFF, 0xFE] + Array("</TITLE></CHANNEL>".utf8),
         .badEncoding),
        ("binary garbage", (0..<4096).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }, .notWellFormed),
        ("an empty file", [], .notWellFormed),
        ("only white space", Array("  \n\t\n".utf8), .notWellFormed),
        ("another root element", Array("<rss version=\"2.0\"><channel><title>x</title></channel></rss>".utf8), .notAChannel),
        ("HTML", Array("<html><body><h1>Not a channel</h1></body></html>".utf8), .notAChannel),
    ]

    @Test(arguments: cases.indices)
    func refusedWithTheRightCode(index: Int) throws {
        let hostile = Self.cases[index]
        let manifest = ManifestParser.parse(hostile.bytes, file: "channels/hostile.cdf")
        #expect(!manifest.ok, "\(hostile.name) was accepted")
        #expect(manifest.channel == nil)
        let rejection = try #require(manifest.rejections.first, "\(hostile.name): \(manifest.codes)")
        #expect(rejection.code == hostile.code, "\(hostile.name): \(rejection.code.rawValue) \(rejection.message)")
        #expect(rejection.severity == .error)
        #expect(rejection.file == "channels/hostile.cdf")
    }

    @Test func noExternalFileIsEverRead() {
        // Whatever the DOCTYPE points at, nothing of it shows up.
        let manifest = parse(
            """
            <?xml version="1.0"?>
            <!DOCTYPE CHANNEL SYSTEM "file:///etc/passwd">
            <CHANNEL><TITLE>safe</TITLE></CHANNEL>
            """)
        #expect(manifest.ok && manifest.channel?.title == "safe")
    }

    @Test func rejectionsNameTheLine() throws {
        let manifest = parse("<?xml version=\"1.0\"?>\n\n<CHANNEL>\n<ITEM HREF=\"a\">\n</CHANNEL>", file: "x.cdf")
        // Strict fails on the mismatched tag; legacy repairs it.
        #expect(manifest.mode == .legacy)
        #expect(try #require(manifest.diagnostic(.legacySyntax)).line == 5)
        let notXML = parse("\n\nplain text", file: "z.cdf")
        let rejection = try #require(notXML.rejections.first)
        #expect(rejection.code == .notWellFormed && rejection.line == 3)
    }
}
