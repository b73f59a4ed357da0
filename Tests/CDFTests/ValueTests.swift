import Foundation
import Testing

@testable import CDF

@Suite("LASTMOD and dates")
struct TimestampTests {
    @Test(arguments: [
        ("2026-11-24T10:15", "2026-11-24T10:15:00Z"),  // the CDF form: UTC, no seconds
        ("2026-11-24T10:15:30Z", "2026-11-24T10:15:30Z"),
        ("2026-11-24T10:15:30.25Z", "2026-11-24T10:15:30Z"),
        ("2026-11-24T10:15:30+01:00", "2026-11-24T09:15:30Z"),
        ("2026-11-24T00:15:30-05:30", "2026-11-24T05:45:30Z"),
        ("2026-11-24t10:15:30z", "2026-11-24T10:15:30Z"),
        ("2026-03-13", "2026-03-13T00:00:00Z"),  // a bare date is midnight UTC
        ("  2026-03-13  ", "2026-03-13T00:00:00Z"),
        ("2024-02-29T23:59", "2024-02-29T23:59:00Z"),
        ("1997-08-19T14:19", "1997-08-19T14:19:00Z"),
        ("2026-01-01T00:30+01:00", "2025-12-31T23:30:00Z"),
    ])
    func acceptsLastmodForms(text: String, expected: String) {
        #expect(Timestamp(lastmod: text)?.description == expected)
    }

    @Test(arguments: [
        "", "yesterday", "1997.08.19T14:19-0800", "2026-13-01", "2026-02-30", "2025-02-29", "2026-11-24T24:00",
        "2026-11-24T10:60", "2026-11-24T10", "2026-11-24T10:15:30+25:00", "2026-11-24T10:15:30Q", "26-11-24",
        "2026-11-24T10:15:3", "2026-11-24T10:15:30.Z",
    ])
    func rejectsOtherText(text: String) {
        #expect(Timestamp(lastmod: text) == nil)
    }

    @Test func ordersChronologically() throws {
        let earlier = try #require(Timestamp(lastmod: "2026-11-24T10:15"))
        let later = try #require(Timestamp(lastmod: "2026-11-24T10:15:01Z"))
        #expect(earlier < later)
        #expect(Timestamp(lastmod: "1970-01-01")?.secondsSince1970 == 0)
        #expect(Timestamp(secondsSince1970: -1).description == "1969-12-31T23:59:59Z")
    }

    @Test func calendarDaysRoundTrip() {
        for days in stride(from: -800_000, through: 2_900_000, by: 997) {
            let date = CalendarDate(daysSince1970: days)
            #expect(date.daysSince1970 == days)
            #expect(CalendarDate(parsing: date.description) == date || date.year > 9999 || date.year < 1)
        }
        #expect(CalendarDate(parsing: "2026-11-24")?.daysSince1970 == 20_781)
        #expect(CalendarDate(parsing: "2026-11-24T00:00") == nil)
    }
}

@Suite("RFC 3986 reference resolution")
struct URIReferenceTests {
    static let base = URIReference(parsing: "http://a/b/c/d;p?q")

    // RFC 3986 §5.4.1 and §5.4.2, every example.
    @Test(arguments: [
        ("g:h", "g:h"), ("g", "http://a/b/c/g"), ("./g", "http://a/b/c/g"), ("g/", "http://a/b/c/g/"),
        ("/g", "http://a/g"), ("//g", "http://g"), ("?y", "http://a/b/c/d;p?y"), ("g?y", "http://a/b/c/g?y"),
        ("#s", "http://a/b/c/d;p?q#s"), ("g#s", "http://a/b/c/g#s"), ("g?y#s", "http://a/b/c/g?y#s"),
        (";x", "http://a/b/c/;x"), ("g;x", "http://a/b/c/g;x"), ("g;x?y#s", "http://a/b/c/g;x?y#s"),
        ("", "http://a/b/c/d;p?q"), (".", "http://a/b/c/"), ("./", "http://a/b/c/"), ("..", "http://a/b/"),
        ("../", "http://a/b/"), ("../g", "http://a/b/g"), ("../..", "http://a/"), ("../../", "http://a/"),
        ("../../g", "http://a/g"), ("../../../g", "http://a/g"), ("../../../../g", "http://a/g"),
        ("/./g", "http://a/g"), ("/../g", "http://a/g"), ("g.", "http://a/b/c/g."), (".g", "http://a/b/c/.g"),
        ("g..", "http://a/b/c/g.."), ("..g", "http://a/b/c/..g"), ("./../g", "http://a/b/g"),
        ("./g/.", "http://a/b/c/g/"), ("g/./h", "http://a/b/c/g/h"), ("g/../h", "http://a/b/c/h"),
        ("g;x=1/./y", "http://a/b/c/g;x=1/y"), ("g;x=1/../y", "http://a/b/c/y"), ("g?y/./x", "http://a/b/c/g?y/./x"),
        ("g?y/../x", "http://a/b/c/g?y/../x"), ("g#s/./x", "http://a/b/c/g#s/./x"),
        ("g#s/../x", "http://a/b/c/g#s/../x"), ("http:g", "http:g"),
    ])
    func resolvesTheRFCExamples(reference: String, expected: String) {
        #expect(URIReference(parsing: reference).resolved(against: Self.base).description == expected)
    }

    @Test func baseWithoutPath() {
        let base = URIReference(parsing: "http://www.honeycitt.com")
        #expect(URIReference(parsing: "intro.html").resolved(against: base).description == "http://www.honeycitt.com/intro.html")
    }

    @Test func validatesHosts() {
        #expect(URIReference(parsing: "http://example.com:8080/x").isValidHTTPURL)
        #expect(URIReference(parsing: "https://[::1]:443/").isValidHTTPURL)
        #expect(URIReference(parsing: "http://user@example.com/").isValidHTTPURL)
        #expect(!URIReference(parsing: "http://<your server>/x").isValidHTTPURL)
        #expect(!URIReference(parsing: "http:///x").isValidHTTPURL)
        #expect(!URIReference(parsing: "http://example.com:80a/").isValidHTTPURL)
        #expect(!URIReference(parsing: "ftp://example.com/").isValidHTTPURL)
    }

    @Test func percentEncodesWhatMayNotStandInAURI() {
        let uri = URIReference(parsing: "http://Example.COM/a b/ü?q=1 2#x y").normalized
        #expect(uri.description == "http://example.com/a%20b/%C3%BC?q=1%202#x%20y")
    }
}

@Suite("HREF and BASE resolution")
struct HrefResolverTests {
    func resolve(_ href: String, _ base: BaseLocation = .local([])) -> Result<ResolvedHref, HrefProblem> {
        HrefResolver.resolve(href, against: base)
    }

    @Test func localFilesAreRelativeToTheManifestFolder() throws {
        #expect(try resolve("news/a.html").get() == ResolvedHref(value: "news/a.html", local: true))
        #expect(try resolve("./news/../b.html").get().value == "b.html")
        #expect(try resolve("my%20page.html").get().value == "my page.html")
        #expect(try resolve("news\\win98.htm").get().value == "news/win98.htm")
        #expect(try resolve("page.html#top").get().value == "page.html")
        #expect(try resolve("b.html", .local(["sub"])).get().value == "sub/b.html")
        #expect(try resolve("../b.html", .local(["sub"])).get().value == "b.html")
    }

    /// A plain path (letters, digits, `-_.~`, no empty, `.` or `..` segment) skips URI
    /// parsing; these sit on both sides of that shortcut and resolve as the general way does.
    @Test(arguments: [
        ("news/a.html", ["sub"], "sub/news/a.html"), ("~me/x.y-z_1.html", [], "~me/x.y-z_1.html"),
        ("...", [], "..."), (".hidden", ["s"], "s/.hidden"), ("a..b/c", [], "a..b/c"),
        ("a//b.html", [], "a/b.html"), ("a/./b.html", [], "a/b.html"), ("a/../b.html", ["sub"], "sub/b.html"),
        ("a.html?x=1", [], "a.html"), ("A%42.html", ["s"], "s/AB.html"),
    ])
    func plainPathsResolveAsTheGeneralWayDoes(_ example: (href: String, folder: [String], expected: String)) throws {
        #expect(
            try resolve(example.href, .local(example.folder)).get() == ResolvedHref(value: example.expected, local: true))
    }

    @Test(arguments: ["../secret.html", "a/../../secret.html", "/etc/passwd", "%2e%2e/x.html", "..%2Fx.html"])
    func localFilesMayNotLeaveTheChannelsFolder(href: String) {
        guard case .failure(let problem) = resolve(href) else {
            Issue.record("\(href) was accepted")
            return
        }
        #expect(problem.code == .hrefOutsideChannels || problem.code == .badHref)
    }

    @Test(arguments: ["file:///etc/passwd", "ftp://example.com/x", "javascript:alert(1)", "JavaScript:alert(1)",
                      "mailto:a@example.com", "data:text/html,x", "C:\\channels\\page.htm"])
    func onlyHTTPAndLocalFilesAreAllowed(href: String) {
        guard case .failure(let problem) = resolve(href) else {
            Issue.record("\(href) was accepted")
            return
        }
        #expect(problem.code == .unsupportedScheme)
    }

    @Test func remoteBaseAppliesToRelativeHREFs() throws {
        let base = BaseLocation.remote(URIReference(parsing: "http://www.mysite.com/Channel/"))
        #expect(try resolve("page1.htm", base).get() == ResolvedHref(value: "http://www.mysite.com/Channel/page1.htm", local: false))
        #expect(try resolve("/top.htm", base).get().value == "http://www.mysite.com/top.htm")
        #expect(try resolve("HTTPS://Other.example/x", base).get().value == "https://other.example/x")
        #expect(try resolve("http://example.com", base).get().value == "http://example.com/")
    }

    @Test func emptyAndFolderHREFsNameNoFile() {
        for href in ["", "   ", "news/", "."] {
            guard case .failure(let problem) = resolve(href) else {
                Issue.record("'\(href)' was accepted")
                continue
            }
            #expect(problem.code == .missingHref)
        }
    }

    @Test func badHosts() {
        guard case .failure(let problem) = resolve("http://<your server>/x.htm") else {
            Issue.record("accepted")
            return
        }
        #expect(problem.code == .badHref)
        guard case .failure(let other) = resolve("//host.example/x") else {
            Issue.record("accepted")
            return
        }
        #expect(other.code == .badHref)
    }

    @Test func basesResolveAgainstTheEnclosingBase() throws {
        let outer = try HrefResolver.resolveBase("http://a.example/x/", against: .local([])).get()
        #expect(outer == .remote(URIReference(parsing: "http://a.example/x/")))
        let inner = try HrefResolver.resolveBase("y/", against: outer).get()
        #expect(inner == .remote(URIReference(parsing: "http://a.example/x/y/")))
        #expect(try HrefResolver.resolveBase("content/", against: .local([])).get() == .local(["content"]))
        #expect(try HrefResolver.resolveBase("content", against: .local([])).get() == .local([]))
        #expect(try HrefResolver.resolveBase("a/b/../c/", against: .local(["x"])).get() == .local(["x", "a", "c"]))
        #expect(throws: HrefProblem.self) { try HrefResolver.resolveBase("../up/", against: .local([])).get() }
    }
}

@Suite("Channel ids")
struct ChannelIDTests {
    @Test func stems() {
        #expect(ChannelID.stem(ofFile: "channels/News.CDF") == "News")
        #expect(ChannelID.stem(ofFile: "a/b.c.xml") == "b.c")
        #expect(ChannelID.stem(ofFile: "notes.txt") == "notes.txt")
    }

    @Test(arguments: ["news", "News", "a", "0day", "world-news_2026.v2", String(repeating: "a", count: 64)])
    func validIDs(stem: String) {
        #expect(ChannelID.id(forStem: stem) == stem.lowercased())
    }

    @Test(arguments: ["", "-news", ".hidden", "_x", "my news", "news!", "ünï", String(repeating: "a", count: 65)])
    func invalidIDs(stem: String) {
        #expect(ChannelID.id(forStem: stem) == nil)
    }
}
