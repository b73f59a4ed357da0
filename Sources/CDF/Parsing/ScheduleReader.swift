import Foundation

/// Reads a top-level SCHEDULE into a `Schedule` (SPEC §1.2), or nil with a `bad-schedule`
/// warning when any of it is unusable, in which case the default check interval applies.
enum ScheduleReader {
    /// The largest DAY, HOUR or MIN value taken: past it a schedule is surely a typo.
    static let largestField = 100_000

    static func read(_ draft: ScheduleDraft?, into log: inout DiagnosticLog) -> Schedule? {
        guard let draft else { return nil }
        let position = draft.element.position
        func invalid(_ reason: String, at where: SourcePosition? = nil) -> Schedule? {
            log.warning(.badSchedule, "\(reason); the default check interval applies", at: `where` ?? position)
            return nil
        }
        guard let intervalElement = draft.interval else { return invalid("SCHEDULE has no INTERVALTIME") }
        guard let interval = seconds(intervalElement) else {
            return invalid("INTERVALTIME needs whole-number DAY, HOUR or MIN values", at: intervalElement.position)
        }
        guard interval >= 60 else {
            return invalid("INTERVALTIME must be at least one minute", at: intervalElement.position)
        }
        var earliest = 0
        var latest = interval
        if let element = draft.earliest {
            guard let value = seconds(element) else {
                return invalid("EARLIESTTIME needs whole-number DAY, HOUR or MIN values", at: element.position)
            }
            earliest = value
        }
        if let element = draft.latest {
            guard let value = seconds(element) else {
                return invalid("LATESTTIME needs whole-number DAY, HOUR or MIN values", at: element.position)
            }
            latest = value
        }
        guard earliest <= latest, latest <= interval else {
            return invalid("EARLIESTTIME (\(earliest) s) ≤ LATESTTIME (\(latest) s) ≤ INTERVALTIME (\(interval) s) does not hold")
        }
        let attributes = draft.element.attributes
        var start: CalendarDate?
        if let raw = attributes["STARTDATE"] {
            guard let date = CalendarDate(parsing: raw) else {
                return invalid("STARTDATE '\(raw)' is not a yyyy-mm-dd date")
            }
            start = date
        }
        var stop: CalendarDate?
        if let raw = attributes.first(of: "STOPDATE", "ENDDATE") {
            guard let date = CalendarDate(parsing: raw) else {
                return invalid("STOPDATE '\(raw)' is not a yyyy-mm-dd date")
            }
            stop = date
        }
        if let start, let stop, stop < start { return invalid("STOPDATE \(stop) is before STARTDATE \(start)") }
        var timezone: String?
        if let raw = attributes["TIMEZONE"] {
            let text = raw.trimmingASCIIWhitespace()
            if Schedule.offsetSeconds(text) != nil {
                timezone = text
            } else {
                log.warning(.badTimezone, "TIMEZONE '\(raw)' is not ±hhmm; it is ignored", at: position)
            }
        }
        var tzid: String?
        if let raw = attributes["TZID"] {
            let text = raw.trimmingASCIIWhitespace()
            if TimeZone(identifier: text) != nil {
                tzid = text
            } else {
                log.warning(.badTimezone, "TZID '\(raw)' is not a known IANA time zone; it is ignored", at: position)
            }
        }
        return Schedule(
            start: start, stop: stop, timezone: timezone, tzid: tzid, intervalSeconds: interval,
            earliestSeconds: earliest, latestSeconds: latest)
    }

    /// DAY + HOUR + MIN of an INTERVALTIME, EARLIESTTIME or LATESTTIME, in seconds.
    static func seconds(_ element: ElementDraft) -> Int? {
        var total = 0
        for (name, unit) in [("DAY", 86_400), ("HOUR", 3600), ("MIN", 60)] {
            guard let raw = element.attributes[name] else { continue }
            guard let value = Digits.number(Array(raw.trimmingASCIIWhitespace().utf8)), value <= largestField else {
                return nil
            }
            total += value * unit
        }
        return total
    }
}
