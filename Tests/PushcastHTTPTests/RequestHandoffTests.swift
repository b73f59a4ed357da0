import HTTPTypes
import Testing

@testable import PushcastHTTP

/// Who answers a connection's requests (`RequestHandoff`): Hummingbird, until a stream
/// request comes and every request before it has been answered.
@Suite("Request handoff")
struct RequestHandoffTests {
    static let page = HTTPRequest(method: .get, scheme: nil, authority: "x", path: "/")
    static let stream = HTTPRequest(method: .get, scheme: nil, authority: "x", path: "/channels/news/stream")

    @Test func aStreamRequestOnAQuietConnectionIsAdmittedAtOnce() {
        var handoff = RequestHandoff()
        #expect(handoff.head(Self.stream, isStream: true) == .admit(Self.stream))
        #expect(handoff.bodyPart() == .drop)
        #expect(handoff.head(Self.page, isStream: false) == .drop)
        handoff.admitted()
        #expect(handoff.state == .handedOff && handoff.responseEnded() == nil)
    }

    @Test func aStreamRequestWaitsForTheAnswersBeforeIt() {
        var handoff = RequestHandoff()
        #expect(handoff.head(Self.page, isStream: false) == .forward)
        #expect(handoff.bodyPart() == .forward)
        #expect(handoff.head(Self.page, isStream: false) == .forward)
        #expect(handoff.head(Self.stream, isStream: true) == .drop)
        // Pipelined after the stream request: nobody answers it.
        #expect(handoff.head(Self.page, isStream: false) == .drop)
        #expect(handoff.responseEnded() == nil)
        #expect(handoff.responseEnded() == .admit(Self.stream))
        #expect(handoff.state == .admitting)
    }

    @Test func answeredRequestsAreCounted() {
        var handoff = RequestHandoff()
        #expect(handoff.head(Self.page, isStream: false) == .forward)
        #expect(handoff.responseEnded() == nil)
        #expect(handoff.state == .forwarding(inFlight: 0))
        #expect(handoff.head(Self.stream, isStream: true) == .admit(Self.stream))
    }
}
