import CDF
import Foundation

/// When a channel is next checked on its own (file events aside): within its CDF
/// SCHEDULE's next window, else after the default check interval. Pure.
public enum CheckPlanner {
    /// The next check time, or nil when the schedule has ended (past STOPDATE).
    public static func next(
        schedule: Schedule?, after now: Date, lastCheck: Date?, defaultInterval: TimeInterval, jitter: Double
    ) -> Date? {
        if let schedule {
            return schedule.nextCheck(after: now, lastCheck: lastCheck, jitter: jitter)
        }
        return (lastCheck ?? now).addingTimeInterval(defaultInterval)
    }
}
