import Foundation
import Testing

@testable import CDF

@Suite("SCHEDULE")
struct ScheduleReadingTests {
    func schedule(_ element: String) -> (Schedule?, [DiagnosticCode]) {
        let manifest = parse(cdf(element))
        return (manifest.channel?.schedule, manifest.codes)
    }

    @Test func readsIntervalWindowDatesAndZones() {
        let (schedule, codes) = schedule(
            """
            <SCHEDULE STARTDATE="2026-11-01" ENDDATE="2026-12-31" TIMEZONE="-0500" TZID="America/New_York">
              <INTERVALTIME DAY="1" HOUR="2" MIN="30"/><EARLIESTTIME HOUR="1"/><LATESTTIME HOUR="5" MIN="15"/>
            </SCHEDULE>
            """)
        #expect(codes.isEmpty)
        #expect(schedule == Schedule(
            start: CalendarDate(parsing: "2026-11-01"), stop: CalendarDate(parsing: "2026-12-31"), timezone: "-0500",
            tzid: "America/New_York", intervalSeconds: 86_400 + 9000, earliestSeconds: 3600, latestSeconds: 18_900))
    }

    @Test func defaultsForTheWindow() {
        let (schedule, _) = schedule(#"<SCHEDULE><INTERVALTIME HOUR="3"/></SCHEDULE>"#)
        #expect(schedule?.earliestSeconds == 0 && schedule?.latestSeconds == 10_800)
    }

    @Test(arguments: [
        #"<SCHEDULE/>"#,
        #"<SCHEDULE><INTERVALTIME/></SCHEDULE>"#,
        #"<SCHEDULE><INTERVALTIME DAY="0"/></SCHEDULE>"#,
        #"<SCHEDULE><INTERVALTIME MIN="0"/><EARLIESTTIME MIN="0"/></SCHEDULE>"#,
        #"<SCHEDULE><INTERVALTIME HOUR="x"/></SCHEDULE>"#,
        #"<SCHEDULE><INTERVALTIME HOUR="-1"/></SCHEDULE>"#,
        #"<SCHEDULE><INTERVALTIME DAY="999999999"/></SCHEDULE>"#,
        #"<SCHEDULE><INTERVALTIME HOUR="6"/><EARLIESTTIME HOUR="5"/><LATESTTIME HOUR="4"/></SCHEDULE>"#,
        #"<SCHEDULE><INTERVALTIME HOUR="6"/><LATESTTIME HOUR="7"/></SCHEDULE>"#,
        #"<SCHEDULE STARTDATE="1997.08.19T14:19-0800"><INTERVALTIME DAY="1"/></SCHEDULE>"#,
        #"<SCHEDULE STOPDATE="2026-02-30"><INTERVALTIME DAY="1"/></SCHEDULE>"#,
        #"<SCHEDULE STARTDATE="2026-11-02" STOPDATE="2026-11-01"><INTERVALTIME DAY="1"/></SCHEDULE>"#,
    ])
    func invalidSchedulesFallBackToTheDefault(element: String) {
        let (schedule, codes) = schedule(element)
        #expect(schedule == nil)
        #expect(codes == [.badSchedule])
    }

    @Test func aMinuteIsTheShortestInterval() {
        #expect(schedule(#"<SCHEDULE><INTERVALTIME MIN="1"/></SCHEDULE>"#).0?.intervalSeconds == 60)
    }

    @Test func badZonesAreIgnoredWithAWarning() {
        let (schedule, codes) = schedule(
            #"<SCHEDULE TIMEZONE="EST" TZID="Nowhere/Land"><INTERVALTIME DAY="1"/></SCHEDULE>"#)
        #expect(schedule?.timezone == nil && schedule?.tzid == nil && schedule?.intervalSeconds == 86_400)
        #expect(codes == [.badTimezone, .badTimezone])
    }

    @Test func onlyTheTopLevelScheduleCounts() {
        let manifest = parse(
            cdf(
                """
                <SCHEDULE><INTERVALTIME HOUR="1"/></SCHEDULE>
                <SCHEDULE><INTERVALTIME HOUR="2"/></SCHEDULE>
                <CHANNEL><SCHEDULE><INTERVALTIME HOUR="3"/></SCHEDULE></CHANNEL>
                """))
        #expect(manifest.channel?.schedule?.intervalSeconds == 3600)
        #expect(manifest.codes == [.duplicateElement, .ignoredElement])
    }
}

/// Schedule arithmetic (SPEC §1.2), with fixed instants instead of a clock.
@Suite("Schedule arithmetic")
struct ScheduleArithmeticTests {
    static func at(_ text: String) -> Date {
        Timestamp(lastmod: text)!.date
    }

    @Test func dailyWindowInUTC() throws {
        let schedule = Schedule(intervalSeconds: 86_400, earliestSeconds: 2 * 3600, latestSeconds: 6 * 3600)
        let window = try #require(schedule.window(containing: Self.at("2026-11-24T13:00:00Z")))
        #expect(window.start == Self.at("2026-11-24T02:00:00Z") && window.end == Self.at("2026-11-24T06:00:00Z"))
        // Before today's window: today's; inside it: from now to its end; after it: tomorrow's.
        #expect(schedule.nextCheck(after: Self.at("2026-11-24T01:00:00Z"), lastCheck: nil, jitter: 0) == Self.at("2026-11-24T02:00:00Z"))
        #expect(schedule.nextCheck(after: Self.at("2026-11-24T04:00:00Z"), lastCheck: nil, jitter: 0.5) == Self.at("2026-11-24T05:00:00Z"))
        #expect(schedule.nextCheck(after: Self.at("2026-11-24T07:00:00Z"), lastCheck: nil, jitter: 0) == Self.at("2026-11-25T02:00:00Z"))
        // Already checked in today's interval: tomorrow's window.
        #expect(schedule.nextCheck(after: Self.at("2026-11-24T03:00:00Z"), lastCheck: Self.at("2026-11-24T02:30:00Z"), jitter: 0)
            == Self.at("2026-11-25T02:00:00Z"))
    }

    @Test func jitterStaysInsideTheWindow() {
        let schedule = Schedule(intervalSeconds: 86_400, earliestSeconds: 2 * 3600, latestSeconds: 6 * 3600)
        let now = Self.at("2026-11-24T00:00:00Z")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1000 {
            let jitter = Double.random(in: 0..<1, using: &generator)
            let next = schedule.nextCheck(after: now, lastCheck: nil, jitter: jitter)!
            #expect(next >= Self.at("2026-11-24T02:00:00Z") && next < Self.at("2026-11-24T06:00:00Z"))
        }
        #expect(schedule.nextCheck(after: now, lastCheck: nil, jitter: 7) == Self.at("2026-11-24T06:00:00Z"))
    }

    @Test func startAndStopDates() {
        let schedule = Schedule(
            start: CalendarDate(parsing: "2026-12-01"), stop: CalendarDate(parsing: "2026-12-03"), intervalSeconds: 86_400,
            earliestSeconds: 3600, latestSeconds: 7200)
        // Not before STARTDATE.
        #expect(schedule.window(containing: Self.at("2026-11-30T01:30:00Z")) == nil)
        #expect(schedule.nextCheck(after: Self.at("2026-11-01T00:00:00Z"), lastCheck: nil, jitter: 0) == Self.at("2026-12-01T01:00:00Z"))
        // STOPDATE is inclusive; after its end nothing more.
        #expect(schedule.nextCheck(after: Self.at("2026-12-03T00:00:00Z"), lastCheck: nil, jitter: 0) == Self.at("2026-12-03T01:00:00Z"))
        #expect(schedule.nextCheck(after: Self.at("2026-12-03T03:00:00Z"), lastCheck: nil, jitter: 0) == nil)
        #expect(schedule.window(containing: Self.at("2026-12-04T01:30:00Z")) == nil)
    }

    @Test func intervalsCountFromMidnightOfStartDate() {
        // Every 5 hours from midnight of 2026-11-01: 00:00, 05:00, 10:00, 15:00, 20:00, then 01:00 on the 2nd.
        let schedule = Schedule(start: CalendarDate(parsing: "2026-11-01"), intervalSeconds: 5 * 3600)
        #expect(schedule.window(containing: Self.at("2026-11-02T02:00:00Z"))?.start == Self.at("2026-11-02T01:00:00Z"))
        #expect(schedule.nextCheck(after: Self.at("2026-11-01T23:00:00Z"), lastCheck: Self.at("2026-11-01T20:30:00Z"), jitter: 0)
            == Self.at("2026-11-02T01:00:00Z"))
    }

    @Test func fixedOffsetTimezone() {
        let schedule = Schedule(timezone: "-0500", intervalSeconds: 86_400, earliestSeconds: 2 * 3600, latestSeconds: 2 * 3600)
        // 02:00 at UTC-5 is 07:00 UTC.
        #expect(schedule.nextCheck(after: Self.at("2026-11-24T00:00:00Z"), lastCheck: nil, jitter: 0.9) == Self.at("2026-11-24T07:00:00Z"))
    }

    @Test func tzidWinsAndFollowsDaylightSaving() {
        let schedule = Schedule(
            timezone: "+0900", tzid: "Europe/Berlin", intervalSeconds: 86_400, earliestSeconds: 2 * 3600,
            latestSeconds: 2 * 3600)
        // 02:00 in Berlin: 00:00 UTC in summer, 01:00 UTC in winter (DST ended 2026-10-25).
        #expect(schedule.nextCheck(after: Self.at("2026-10-24T12:00:00Z"), lastCheck: nil, jitter: 0) == Self.at("2026-10-25T00:00:00Z"))
        #expect(schedule.nextCheck(after: Self.at("2026-10-25T12:00:00Z"), lastCheck: nil, jitter: 0) == Self.at("2026-10-26T01:00:00Z"))
    }

    @Test func weeklyWindow() {
        // The aejanot corpus file: every 7 days, 12:00–18:00, counted from 1970-01-01 (a Thursday).
        let schedule = Schedule(intervalSeconds: 7 * 86_400, earliestSeconds: 12 * 3600, latestSeconds: 18 * 3600)
        let next = schedule.nextCheck(after: Self.at("2026-11-24T00:00:00Z"), lastCheck: nil, jitter: 0)
        #expect(next == Self.at("2026-11-26T12:00:00Z"))  // Thursday
    }
}
