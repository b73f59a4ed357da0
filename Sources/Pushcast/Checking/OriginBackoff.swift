import Foundation

/// When a failing origin may be asked again: after the first failure 30 seconds, doubling
/// with each further failure up to an hour; the first success forgets the failures.
/// Pure arithmetic plus a table, so it is tested without a clock.
public struct OriginBackoff: Sendable {
    public var base: TimeInterval
    public var ceiling: TimeInterval
    private var failures: [String: (count: Int, retryAt: Date)] = [:]

    public init(base: TimeInterval = 30, ceiling: TimeInterval = 3600) {
        self.base = base
        self.ceiling = ceiling
    }

    /// The wait after `count` consecutive failures.
    public func delay(afterFailures count: Int) -> TimeInterval {
        guard count > 0 else { return 0 }
        return min(base * pow(2, Double(min(count - 1, 30))), ceiling)
    }

    public func mayAsk(_ origin: String, at now: Date) -> Bool {
        guard let state = failures[origin] else { return true }
        return now >= state.retryAt
    }

    public func retryAt(_ origin: String) -> Date? {
        failures[origin]?.retryAt
    }

    public mutating func failed(_ origin: String, at now: Date) {
        let count = (failures[origin]?.count ?? 0) + 1
        failures[origin] = (count, now.addingTimeInterval(delay(afterFailures: count)))
    }

    public mutating func succeeded(_ origin: String) {
        failures[origin] = nil
    }
}
