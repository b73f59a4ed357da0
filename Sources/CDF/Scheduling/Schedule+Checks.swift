import Foundation

/// Schedule arithmetic (SPEC §1.2): where the intervals fall and when to check next.
///
/// Intervals start at midnight of `start` (or of 1970-01-01 when there is none) in
/// `timeZone`. An interval of whole days steps by calendar days, so a daily 02:00–06:00
/// window stays at 02:00 local time across daylight-saving changes; shorter intervals
/// step by elapsed seconds.
extension Schedule {
    /// The zone whose midnights start the intervals: TZID, else TIMEZONE, else UTC.
    public var timeZone: TimeZone {
        if let tzid, let zone = TimeZone(identifier: tzid) { return zone }
        if let timezone, let offset = Schedule.offsetSeconds(timezone),
            let zone = TimeZone(secondsFromGMT: offset)
        {
            return zone
        }
        return Schedule.utc
    }

    /// The check window of the interval that contains `instant`; nil before the first
    /// interval or after the end of `stop`.
    public func window(containing instant: Date) -> DateInterval? {
        guard let index = intervalIndex(containing: instant), index >= 0 else { return nil }
        return window(index).flatMap { $0.end > $0.start || earliestSeconds == latestSeconds ? $0 : nil }
    }

    /// When to check next: a moment drawn by `jitter` (0 ≤ jitter < 1) from the window of
    /// the first interval that has not been checked (`lastCheck`) and has not yet passed
    /// (`now`). Never before `now`; nil when the schedule has ended.
    public func nextCheck(after now: Date, lastCheck: Date?, jitter: Double) -> Date? {
        let fraction = min(max(jitter, 0), 1)
        var index = max(intervalIndex(containing: now) ?? 0, 0)
        if let lastCheck, lastCheck >= intervalStart(index) { index += 1 }
        for _ in 0..<3 {
            guard let window = window(index) else { return nil }
            if window.end < now || (window.end == now && window.duration > 0) {
                index += 1
                continue
            }
            let from = max(window.start, now)
            return from.addingTimeInterval(fraction * window.end.timeIntervalSince(from))
        }
        return nil
    }

    /// The instant interval `index` starts at.
    func intervalStart(_ index: Int) -> Date {
        if intervalSeconds % 86_400 == 0 {
            return midnight(CalendarDate(daysSince1970: anchorDay + index * (intervalSeconds / 86_400)))
        }
        return midnight(CalendarDate(daysSince1970: anchorDay))
            .addingTimeInterval(TimeInterval(index) * TimeInterval(intervalSeconds))
    }

    /// The window of interval `index`, cut at the end of `stop`; nil if it starts after that.
    private func window(_ index: Int) -> DateInterval? {
        let start = intervalStart(index)
        var from = start.addingTimeInterval(TimeInterval(earliestSeconds))
        var to = start.addingTimeInterval(TimeInterval(latestSeconds))
        if let stop {
            let end = midnight(CalendarDate(daysSince1970: stop.daysSince1970 + 1))
            guard from < end else { return nil }
            to = min(to, end)
        }
        from = min(from, to)
        return DateInterval(start: from, end: to)
    }

    /// The index of the interval containing `instant` (negative before the first), or nil
    /// when the schedule's interval is not positive.
    private func intervalIndex(containing instant: Date) -> Int? {
        guard intervalSeconds > 0 else { return nil }
        let anchor = intervalStart(0)
        let estimate = (instant.timeIntervalSince(anchor) / TimeInterval(intervalSeconds)).rounded(.down)
        guard estimate.isFinite, abs(estimate) < 1e9 else { return nil }
        var index = Int(estimate)
        while intervalStart(index + 1) <= instant { index += 1 }
        while intervalStart(index) > instant { index -= 1 }
        return index
    }

    private var anchorDay: Int { start?.daysSince1970 ?? 0 }

    private func midnight(_ day: CalendarDate) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(year: day.year, month: day.month, day: day.day)
        return calendar.date(from: components)
            ?? Date(timeIntervalSince1970: TimeInterval(day.daysSince1970) * 86_400)
    }

    /// `±hhmm` as seconds east of UTC.
    static func offsetSeconds(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 5 else { return nil }
        return Timestamp.zoneOffsetSeconds(bytes[...])
    }

    static let utc = TimeZone(secondsFromGMT: 0) ?? TimeZone.current
}
