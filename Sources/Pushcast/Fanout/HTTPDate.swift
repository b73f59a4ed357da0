import CDF
import Foundation

/// Dates as HTTP headers write them (RFC 9110 IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`)
/// and as the JSON API writes them (RFC 3339 in UTC, to the millisecond).
public enum HTTPDate {
    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    public static func format(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = Int((seconds - ((seconds % 86_400) + 86_400) % 86_400) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let day = CalendarDate(daysSince1970: days)
        return "\(weekdays[((days % 7) + 7) % 7]), \(two(day.day)) \(months[day.month - 1]) \(day.year) "
            + "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) GMT"
    }

    public static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]),
            let month = months.firstIndex(of: String(parts[2])).map({ $0 + 1 }),
            let date = CalendarDate(year: year, month: month, day: day)
        else { return nil }
        let time = parts[4].split(separator: ":").compactMap { Int($0) }
        guard time.count == 3, time[0] < 24, time[1] < 60, time[2] < 61 else { return nil }
        return Date(timeIntervalSince1970: Double(date.daysSince1970 * 86_400 + time[0] * 3600 + time[1] * 60 + time[2]))
    }

    /// `2026-11-24T10:15:30.123Z`.
    public static func rfc3339(_ seconds: Double) -> String {
        let whole = seconds.rounded(.down)
        let text = Timestamp(secondsSince1970: Int64(whole)).description
        let milliseconds = min(Int(((seconds - whole) * 1000).rounded()), 999)
        // 1000 + ms, less its leading 1: three digits, zero-padded.
        return String(text.dropLast()) + "." + String(1000 + milliseconds).dropFirst() + "Z"
    }

    private static func two(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
