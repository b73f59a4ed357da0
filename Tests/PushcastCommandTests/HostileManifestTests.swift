import Foundation
import Testing

/// Every hostile manifest of SPEC §1.3 dropped into a running server's `channels/` beside a
/// good channel (issue 8): the server stays up and healthy, lists each with status `error`
/// and its code, and the good channel's readers never notice.
@Suite("pushcast serve: hostile manifests")
struct HostileManifestTests {
    static func billionLaughs() -> String {
        var text = "<?xml version=\"1.0\"?>\n<!DOCTYPE CHANNEL [\n <!ENTITY lol0 \"lol\">\n"
        for level in 1...9 {
            text += " <!ENTITY lol\(level) \"\(String(repeating: "&lol\(level - 1);", count: 10))\">\n"
        }
        return text + "]>\n<CHANNEL><TITLE>&lol9;</TITLE></CHANNEL>\n"
    }

    /// File name (its stem is the channel id), bytes, the code it must be refused with.
    static let cases: [(file: String, bytes: [UInt8], code: String)] = [
        ("xxe.cdf", Array("<?xml version=\"1.0\"?>\n<!DOCTYPE CHANNEL [ <!ENTITY x SYSTEM \"file:///etc/passwd\"> ]>\n<CHANNEL><TITLE>&x;</TITLE></CHANNEL>".utf8), "entity-declared"),
        ("xxe-parameter.cdf", Array("<?xml version=\"1.0\"?>\n<!DOCTYPE CHANNEL [ <!ENTITY % p SYSTEM \"http://127.0.0.1:9/x.dtd\"> %p; ]>\n<CHANNEL/>".utf8), "entity-declared"),
        ("laughs.cdf", Array(billionLaughs().utf8), "entity-declared"),
        ("quadratic.cdf", Array(("<?xml version=\"1.0\"?><!DOCTYPE CHANNEL [<!ENTITY a \"" + String(repeating: "x", count: 50_000)
            + "\">]><CHANNEL><TITLE>" + String(repeating: "&a;", count: 50_000) + "</TITLE></CHANNEL>").utf8), "entity-declared"),
        ("huge.cdf", Array(("<CHANNEL>" + String(repeating: " ", count: 2 << 20) + "</CHANNEL>").utf8), "too-large"),
        ("deep.cdf", Array((String(repeating: "<CHANNEL>", count: 10_000) + String(repeating: "</CHANNEL>", count: 10_000)).utf8), "too-deep"),
        ("utf8.cdf", Array("<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>caf".utf8) + [0xE9, 0xFF, 0xFE] + Array("</TITLE></CHANNEL>".utf8), "bad-encoding"),
        ("garbage.cdf", (0..<4096).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }, "not-well-formed"),
        ("empty.cdf", [], "not-well-formed"),
        ("rss.cdf", Array("<rss version=\"2.0\"><channel><title>x</title></channel></rss>".utf8), "not-a-channel"),
        ("Bad Name!.cdf", Array("<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>x</TITLE></CHANNEL>".utf8), "bad-channel-id"),
    ]

    @Test func hostileManifestsBesideAGoodChannel() async throws {
        let server = try await StreamEndToEndTests.newsServer()
        let stream = try await StreamClient(server.baseURL + "/channels/news/stream")
        try await stream.waitUntil("the snapshot") { $0.received.count == 1 }
        for hostile in Self.cases { try server.write(bytes: hostile.bytes, to: hostile.file) }
        // A secret beside channels/, reachable only by escaping it, directly or by a link.
        try Data("TOP-SECRET-CONTENT".utf8).write(to: server.folder.appendingPathComponent("secret.html"))
        try FileManager.default.createSymbolicLink(
            at: server.channels.appendingPathComponent("link.html"), withDestinationURL: server.folder.appendingPathComponent("secret.html"))
        try server.write(
            "<?xml version=\"1.0\"?>\n<CHANNEL><TITLE>Escape</TITLE><ITEM HREF=\"../secret.html\"><TITLE>up</TITLE></ITEM>"
                + "<ITEM HREF=\"link.html\"><TITLE>linked</TITLE></ITEM><ITEM HREF=\"/etc/passwd\"><TITLE>root</TITLE></ITEM></CHANNEL>",
            to: "escape.cdf")

        let ids = Self.cases.map { String($0.file.dropLast(4)) }
        try await server.waitUntil("every hostile manifest listed", seconds: 20) {
            let listed = try await server.json("/channels")["channels"] as? [[String: Any]] ?? []
            return Set(ids + ["escape"]).isSubset(of: Set(listed.compactMap { $0["id"] as? String }))
        }
        let listed = try await server.json("/channels")["channels"] as? [[String: Any]] ?? []
        for hostile in Self.cases {
            let entry = listed.first { $0["id"] as? String == String(hostile.file.dropLast(4)) }
            let codes = (entry?["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(entry?["status"] as? String == "error", "\(hostile.file)")
            #expect(codes.contains(hostile.code), "\(hostile.file): \(codes)")
        }
        // The escaping items are left out; the secret is served by no URL.
        let escape = try #require(listed.first { $0["id"] as? String == "escape" })
        #expect(escape["itemCount"] as? Int == 0)
        let codes = (escape["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(codes.filter { $0 == "href-outside-channels" }.count == 3, "\(codes)")
        for path in ["/channels/escape/files/link.html", "/channels/escape/files/..%2Fsecret.html", "/channels/news/files/link.html"] {
            let reply = try await server.request(path)
            #expect(reply.status == 404 && !String(decoding: reply.body, as: UTF8.self).contains("TOP-SECRET"), "\(path)")
        }

        // The server is up, healthy, and the good channel's reader goes on.
        #expect(try await server.request("/healthz").status == 200)
        try await StreamEndToEndTests.edit(server, "after the hostile files")
        try await stream.waitUntil("the next item") { $0.items.count == 1 }
        #expect(server.residentKiB < 300_000)
    }
}
