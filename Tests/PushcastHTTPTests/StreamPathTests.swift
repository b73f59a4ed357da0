import HTTPTypes
import NIOCore
import Testing

@testable import PushcastHTTP

/// Which requests the stream path answers (`StreamPath`), read from a head or from a
/// connection's first request line, and which first bytes can start a request at all.
@Suite("Stream paths and request starts")
struct StreamPathTests {
    static func path(_ method: HTTPRequest.Method, _ target: String, accept: String? = nil) -> StreamPath? {
        var head = HTTPRequest(method: method, scheme: nil, authority: "x", path: target)
        if let accept { head.headerFields[.accept] = accept }
        return StreamPath(head)
    }

    @Test func everyPushTransportIsAStreamPath() {
        #expect(Self.path(.get, "/channels/news/stream?since=3&format=text") == StreamPath(path: "/channels/news/stream", acceptsMultipart: false))
        #expect(Self.path(.get, "/channels/news/stream")?.kind == .items)
        #expect(Self.path(.get, "/channels/news/events")?.kind == .events)
        #expect(Self.path(.get, "/channels/news/live")?.kind == .page)
        #expect(Self.path(.head, "/channels/news/badge")?.kind == .badge)
        #expect(Self.path(.get, "/subscribers/abc/stream?token=x")?.kind == .subscriberItems)
        #expect(Self.path(.get, "/subscribers/abc/live", accept: "multipart/x-mixed-replace")?.kind == .subscriberPage)
        // Split as the router splits: empty segments do not count; ids are checked later.
        #expect(Self.path(.get, "//channels//a.b_c-9/stream/")?.id == "a.b_c-9")
        #expect(Self.path(.get, "/channels/News/stream")?.id == "News")
    }

    @Test(arguments: [
        (HTTPRequest.Method.post, "/channels/news/stream"), (.put, "/channels/news/live"), (.get, "/channels/news/items"),
        (.get, "/channels/news/stream/more"), (.get, "/x/news/stream"), (.get, "/channels/stream"),
        (.get, "/subscribers/abc/live"), (.get, "/"), (.get, "/channels/news"),
    ])
    func everythingElseIsLeftToTheRouter(_ method: HTTPRequest.Method, _ target: String) {
        #expect(Self.path(method, target) == nil)
    }

    @Test func theFirstRequestLineTellsAStreamThatOpensItsConnection() {
        func asks(_ line: String) -> Bool { FirstRequestHandler.asksForAStream(Array(line.utf8)) }
        #expect(asks("GET /channels/news/stream HTTP/1.1") && asks("HEAD /channels/news/badge HTTP/1.0"))
        #expect(asks("GET /subscribers/abc/stream?token=t HTTP/1.1"))
        #expect(!asks("GET /subscribers/abc/live HTTP/1.1"))  // a page or its stream: the head's Accept tells
        #expect(!asks("POST /channels/news/stream HTTP/1.1") && !asks("GET  /channels/news/stream HTTP/1.1"))
        #expect(!asks("GET /channels/news/stream") && !asks(""))
    }

    @Test func bytesThatCannotStartARequestAreToldAtOnce() {
        let tlsHello: [UInt8] = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]
        #expect(RequestStart.check(tlsHello) == .impossible)
        #expect(RequestStart.check([0x00, 0x47]) == .impossible)
        #expect(RequestStart.check(Array(" GET /".utf8)) == .impossible)
        #expect(RequestStart.check(Array("G\u{e9}T /".utf8)) == .impossible)
        #expect(RequestStart.check(Array(String(repeating: "A", count: 30).utf8)) == .impossible)
        #expect(RequestStart.check(Array("GE".utf8)) == .undecided)
        #expect(RequestStart.check([UInt8]()) == .undecided)
        #expect(RequestStart.check(Array("GET /".utf8)) == .plausible)
        #expect(RequestStart.check(Array("\r\nM-SEARCH * HTTP/1.1".utf8)) == .plausible)
    }
}
