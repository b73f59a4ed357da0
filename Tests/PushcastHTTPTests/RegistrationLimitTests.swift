import Testing

@testable import PushcastHTTP

/// `--registration-rate`: a bucket per client address, without sockets.
@Suite("Registration limit")
struct RegistrationLimitTests {
    @Test func anAddressGetsItsRatePerMinuteThenWaitsAndOthersAreNotHeldUp() {
        var limit = RegistrationLimit(perMinute: 3)
        for _ in 0..<3 { #expect(limit.admit("10.0.0.1", now: 0) == .allowed) }
        #expect(limit.admit("10.0.0.1", now: 0) == .refused(retryAfter: 20))
        #expect(limit.admit("10.0.0.2", now: 0) == .allowed)
        // One comes back every 20 s.
        #expect(limit.admit("10.0.0.1", now: 19) == .refused(retryAfter: 1))
        #expect(limit.admit("10.0.0.1", now: 20) == .allowed)
        #expect(limit.admit("10.0.0.1", now: 21) == .refused(retryAfter: 19))
    }

    @Test func zeroIsNoLimitAndTheTableForgetsFullBuckets() {
        var open = RegistrationLimit(perMinute: 0)
        for _ in 0..<1000 { #expect(open.admit("::1", now: 0) == .allowed) }
        var limit = RegistrationLimit(perMinute: 1, remembered: 2)
        #expect(limit.admit("a", now: 0) == .allowed)
        #expect(limit.admit("b", now: 0) == .allowed)
        // A minute on, a and b are full again and forgotten when c makes the table too big;
        // d's bucket, taken just now, is not.
        #expect(limit.admit("d", now: 60) == .allowed)
        #expect(limit.admit("c", now: 60) == .allowed)
        #expect(limit.admit("d", now: 61) == .refused(retryAfter: 59))
    }
}
