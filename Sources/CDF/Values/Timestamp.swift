import Foundation

/// A moment in UTC to the second, written RFC 3339 style as `2026-11-24T10:15:00Z`.
///
/// Values compare chronologically, and their text form sorts the same way.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var secondsSince1970: Int64

    public init(secondsSince1970: Int64) {
        self.secondsSince1970 = secondsSince1970
    }

    /// The whole second at or before `date`.
    public init(_ date: Date) {
        secondsSince1970 = Int64(date.timeIntervalSince1970.rounded(.down))
    }

    public var date: Date { Date(timeIntervalSince1970: TimeInterval(secondsSince1970)) }

    /// Parses a CDF LASTMOD: `yyyy-mm-ddThh:mm` in UTC (the CDF form), full RFC 3339
    /// (`2026-11-24T10:15:30Z`, `…+01:00`, fractions ignored), or a bare date `yyyy-mm-dd`
    /// meaning midnight UTC. Seconds and a zone are also taken on the CDF form.
    public init?(lastmod text: String) {
        let bytes = Array(text.trimmingASCIIWhitespace().utf8)
        guard bytes.count >= 10, let date = CalendarDate(parsing: String(decoding: bytes[0..<10], as: UTF8.self))
        else { return nil }
        var seconds = Int64(date.daysSince1970) * 86_400
        if bytes.count == 10 {
            self.init(secondsSince1970: seconds)
            return
        }
        // 'T' (or 't', or a space as RFC 3339 allows), then hh:mm.
        guard bytes.count >= 16, [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(bytes[10]),
            bytes[13] == UInt8(ascii: ":"),
            let hour = Digits.number(bytes[11..<13]), let minute = Digits.number(bytes[14..<16]),
            hour < 24, minute < 60
        else { return nil }
        seconds += Int64(hour * 3600 + minute * 60)
        var index = 16
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            guard index + 3 <= bytes.count, let second = Digits.number(bytes[(index + 1)..<(index + 3)]),
                second <= 60
            else { return nil }
            seconds += Int64(min(second, 59))
            index += 3
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                let fractionStart = index
                while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                    index += 1
                }
                guard index > fractionStart else { return nil }
            }
        }
        if index < bytes.count {
            guard let offset = Timestamp.zoneOffsetSeconds(bytes[index...]) else { return nil }
            seconds -= Int64(offset)
        }
        self.init(secondsSince1970: seconds)
    }

    /// `Z`, `±hh:mm` or `±hhmm` as seconds east of UTC.
    static func zoneOffsetSeconds(_ bytes: ArraySlice<UInt8>) -> Int? {
        let zone = Array(bytes)
        if zone == [UInt8(ascii: "Z")] || zone == [UInt8(ascii: "z")] { return 0 }
        guard let sign = zone.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        let digits = zone.dropFirst().filter { $0 != UInt8(ascii: ":") }
        let colons = zone.count - 1 - digits.count
        guard digits.count == 4, colons <= 1, colons == 0 || zone.count == 6 && zone[3] == UInt8(ascii: ":"),
            let hours = Digits.number(digits.prefix(2)), let minutes = Digits.number(digits.suffix(2)),
            hours < 24, minutes < 60
        else { return nil }
        let magnitude = hours * 3600 + minutes * 60
        return sign == UInt8(ascii: "-") ? -magnitude : magnitude
    }

    public var description: String {
        let days = Int(secondsSince1970.floorDivided(by: 86_400))
        let secondOfDay = Int(secondsSince1970 - Int64(days) * 86_400)
        let date = CalendarDate(daysSince1970: days)
        return date.description + "T" + Digits.padded(secondOfDay / 3600, 2) + ":"
            + Digits.padded(secondOfDay / 60 % 60, 2) + ":" + Digits.padded(secondOfDay % 60, 2) + "Z"
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.secondsSince1970 < rhs.secondsSince1970
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Timestamp(lastmod: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 time: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Int64 {
    /// Division rounding towards negative infinity.
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
