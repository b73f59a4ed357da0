import CDF
import Foundation
import Pushcast
import Testing

@Suite("New, updated or unchanged (SPEC §2)")
struct ChangeRuleTests {
    func item(lastmod: String? = nil, precache: Bool = true) -> Item {
        Item(id: "a.html", href: "a.html", local: true, lastmod: lastmod.flatMap(Timestamp.init(lastmod:)), precache: precache)
    }

    func content(_ hash: String) -> ObservedContent {
        ObservedContent(hash: hash, type: "text/html", size: 1, bytes: Data("x".utf8))
    }

    func known(lastmod: String? = nil, hash: String? = nil) -> ItemState {
        ItemState(channel: "c", itemID: "a.html", revision: 1, lastmod: lastmod, contentHash: hash, etag: nil, lastModified: nil)
    }

    @Test func unseenIsNew() {
        #expect(ChangeRule.event(known: nil, observed: ItemObservation(item: item())) == .new)
    }

    @Test func lastmodThatGrowsIsAnUpdate() {
        let state = known(lastmod: "2026-11-24T10:00:00Z")
        #expect(ChangeRule.event(known: state, observed: ItemObservation(item: item(lastmod: "2026-11-24T10:01"))) == .updated)
        #expect(ChangeRule.event(known: state, observed: ItemObservation(item: item(lastmod: "2026-11-24T10:00"))) == nil)
        #expect(ChangeRule.event(known: state, observed: ItemObservation(item: item(lastmod: "2026-11-24T09:00"))) == nil)
        #expect(ChangeRule.event(known: state, observed: ItemObservation(item: item())) == nil)
        #expect(ChangeRule.event(known: known(), observed: ItemObservation(item: item(lastmod: "2026-11-24"))) == .updated)
    }

    @Test func precachedContentWhoseHashChangesIsAnUpdate() {
        let state = known(hash: "aaa")
        #expect(ChangeRule.event(known: state, observed: ItemObservation(item: item(), content: content("aaa"))) == nil)
        #expect(ChangeRule.event(known: state, observed: ItemObservation(item: item(), content: content("bbb"))) == .updated)
        // Not precached: the content is not what is pushed, so it does not count.
        #expect(ChangeRule.event(known: state, observed: ItemObservation(item: item(precache: false), content: content("bbb"))) == nil)
        // Content not read this time (a 304, a failed fetch): unchanged.
        #expect(ChangeRule.event(known: state, observed: ItemObservation(item: item())) == nil)
    }

    @Test func stateKeepsTheNewestAndCountsRevisions() {
        let state = ItemState(
            channel: "c", itemID: "a.html", revision: 3, lastmod: "2026-11-24T10:00:00Z", contentHash: "aaa", etag: "\"1\"",
            lastModified: nil)
        let older = ChangeRule.state(
            after: state, observed: ItemObservation(item: item(lastmod: "2026-01-01")), channel: "c", event: nil)
        #expect(older.lastmod == "2026-11-24T10:00:00Z" && older.contentHash == "aaa" && older.etag == "\"1\"" && older.revision == 3)
        let fresh = ChangeRule.state(
            after: state,
            observed: ItemObservation(
                item: item(), content: ObservedContent(hash: "bbb", type: nil, size: 3, bytes: nil,
                                                       validators: ContentValidators(etag: "\"2\"", lastModified: "x"))),
            channel: "c", event: .updated)
        #expect(fresh.contentHash == "bbb" && fresh.etag == "\"2\"" && fresh.lastModified == "x" && fresh.revision == 4)
    }
}

@Suite("Origin backoff")
struct OriginBackoffTests {
    @Test func doublesUpToTheCeilingAndForgetsOnSuccess() {
        var backoff = OriginBackoff(base: 30, ceiling: 3600)
        #expect((1...9).map { backoff.delay(afterFailures: $0) } == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600])
        let now = Date(timeIntervalSince1970: 1_000_000)
        #expect(backoff.mayAsk("http://a:80", at: now))
        backoff.failed("http://a:80", at: now)
        backoff.failed("http://a:80", at: now)
        #expect(!backoff.mayAsk("http://a:80", at: now.addingTimeInterval(59)))
        #expect(backoff.mayAsk("http://a:80", at: now.addingTimeInterval(60)))
        #expect(backoff.mayAsk("http://b:80", at: now))  // other origins are not held up
        backoff.succeeded("http://a:80")
        #expect(backoff.mayAsk("http://a:80", at: now))
    }
}

@Suite("When a channel is checked on its own")
struct CheckPlannerTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    @Test func withoutASchedule() {
        #expect(CheckPlanner.next(schedule: nil, after: now, lastCheck: now, defaultInterval: 900, jitter: 0.5)
            == now.addingTimeInterval(900))
    }

    @Test func withAScheduleItsNextWindow() throws {
        let schedule = Schedule(intervalSeconds: 3600, earliestSeconds: 600, latestSeconds: 1200)
        let next = try #require(CheckPlanner.next(schedule: schedule, after: now, lastCheck: now, defaultInterval: 900, jitter: 0))
        let hour = (now.timeIntervalSince1970 / 3600).rounded(.down) * 3600
        #expect(next.timeIntervalSince1970 == hour + 3600 + 600)
    }

    @Test func afterTheStopDateNever() {
        let schedule = Schedule(stop: CalendarDate(parsing: "2020-01-01"), intervalSeconds: 3600)
        #expect(CheckPlanner.next(schedule: schedule, after: now, lastCheck: nil, defaultInterval: 900, jitter: 0) == nil)
    }
}
