import Foundation
import Testing

@testable import CDF

/// SPEC §1.5: the JSON form, checked by decoding it.
@Suite("JSON form")
struct JSONFormTests {
    static func json(_ manifest: Manifest) throws -> [String: Any] {
        let data = try JSONEncoder().encode(manifest)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func shapeAndNulls() throws {
        let manifest = parse(
            cdf(
                """
                <TITLE>T</TITLE>
                <LOGO HREF="http://example.com/logo.gif" STYLE="image"/>
                <SCHEDULE STARTDATE="2026-11-01" TIMEZONE="-0500"><INTERVALTIME HOUR="6"/><EARLIESTTIME HOUR="2"/></SCHEDULE>
                <ITEM HREF="page1.htm" LASTMOD="2026-03-13"><USAGE VALUE="screensaver"/></ITEM>
                <CHANNEL><TITLE>S</TITLE><ITEM HREF="http://example.com/2.htm"/></CHANNEL>
                """, attributes: #"BASE="http://example.com/c/""#), file: "channels/news.cdf")
        let object = try Self.json(manifest)
        #expect(Set(object.keys) == ["file", "id", "ok", "mode", "diagnostics", "channel"])
        #expect(object["file"] as? String == "channels/news.cdf")
        #expect(object["id"] as? String == "news")
        #expect(object["ok"] as? Bool == true)
        #expect(object["mode"] as? String == "strict")
        #expect((object["diagnostics"] as? [Any])?.isEmpty == true)
        let channel = try #require(object["channel"] as? [String: Any])
        #expect(Set(channel.keys) == [
            "title", "abstract", "href", "base", "lastmod", "precache", "level", "logos", "schedule", "usage", "items",
            "sections",
        ])
        #expect(channel["abstract"] is NSNull && channel["href"] is NSNull && channel["usage"] is NSNull)
        #expect(channel["lastmod"] is NSNull)
        #expect(channel["base"] as? String == "http://example.com/c/")
        #expect(channel["precache"] as? Bool == true && channel["level"] as? Int == 0)
        let logo = try #require((channel["logos"] as? [[String: Any]])?.first)
        #expect(logo["href"] as? String == "http://example.com/logo.gif" && logo["style"] as? String == "IMAGE")
        let schedule = try #require(channel["schedule"] as? [String: Any])
        #expect(schedule["start"] as? String == "2026-11-01" && schedule["stop"] is NSNull)
        #expect(schedule["timezone"] as? String == "-0500" && schedule["tzid"] is NSNull)
        #expect(schedule["intervalSeconds"] as? Int == 21_600)
        #expect(schedule["earliestSeconds"] as? Int == 7200 && schedule["latestSeconds"] as? Int == 21_600)
        let items = try #require(channel["items"] as? [[String: Any]])
        #expect(items.count == 2)
        #expect(Set(items[0].keys) == [
            "id", "href", "local", "title", "abstract", "lastmod", "precache", "level", "usage", "logos", "section",
        ])
        #expect(items[0]["href"] as? String == "http://example.com/c/page1.htm" && items[0]["local"] as? Bool == false)
        #expect(items[0]["title"] is NSNull && items[0]["abstract"] is NSNull)
        #expect(items[0]["lastmod"] as? String == "2026-03-13T00:00:00Z")
        #expect(items[0]["usage"] as? String == "ScreenSaver")
        #expect(items[1]["section"] as? [String] == ["S"])
        let section = try #require((channel["sections"] as? [[String: Any]])?.first)
        #expect(Set(section.keys) == ["title", "href", "items", "sections"])
        #expect(section["href"] is NSNull)
        #expect((section["items"] as? [Any])?.count == 1)
    }

    @Test func rejectedManifestsAndDiagnostics() throws {
        let object = try Self.json(parse("<?xml version=\"1.0\"?>\n\nno markup here", file: "broken.cdf"))
        #expect(object["ok"] as? Bool == false)
        #expect(object["mode"] is NSNull && object["channel"] is NSNull)
        let diagnostic = try #require((object["diagnostics"] as? [[String: Any]])?.first)
        #expect(Set(diagnostic.keys) == ["severity", "code", "message", "file", "line", "column"])
        #expect(diagnostic["severity"] as? String == "error" && diagnostic["code"] as? String == "not-well-formed")
        #expect(diagnostic["file"] as? String == "broken.cdf")
        #expect((diagnostic["line"] as? Int ?? 0) >= 2)
    }

    @Test func roundTripsThroughDecoding() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for file in CorpusTests.expectations.map(\.file) + ["../../../channels/worldnews.cdf"] {
            let manifest = try CorpusTests.load(file)
            let decoded = try JSONDecoder().decode(Manifest.self, from: encoder.encode(manifest))
            #expect(try encoder.encode(decoded) == encoder.encode(manifest))
            #expect(decoded.channel?.items.map(\.id) == manifest.channel?.items.map(\.id))
        }
    }
}
