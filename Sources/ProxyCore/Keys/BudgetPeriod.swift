/// How often a client key's budget starts again: each UTC day, week (from Monday) or month.
package enum BudgetPeriod: String, Sendable, CaseIterable {
    case day, week, month

    /// When the period holding `time` began.
    package func start(of time: UTCTime) -> UTCTime {
        let day = Self.dayNumber(time)
        switch self {
        case .day:
            return UTCTime(millisecondsSince1970: day * UTCTime.millisecondsPerDay)
        case .week:
            // 1970-01-01 was a Thursday: three days after a Monday.
            let sinceMonday = ((day + 3) % 7 + 7) % 7
            return UTCTime(millisecondsSince1970: (day - sinceMonday) * UTCTime.millisecondsPerDay)
        case .month:
            return UTCTime.startOfDay(String(time.day.prefix(8)) + "01")!
        }
    }

    /// When the period holding `time` ends and the next begins: the budget's reset.
    package func end(of time: UTCTime) -> UTCTime {
        let start = start(of: time)
        switch self {
        case .day: return UTCTime(millisecondsSince1970: start.millisecondsSince1970 + UTCTime.millisecondsPerDay)
        case .week: return UTCTime(millisecondsSince1970: start.millisecondsSince1970 + 7 * UTCTime.millisecondsPerDay)
        case .month:
            // The 32nd day after the 1st is always in the next month.
            let later = UTCTime(millisecondsSince1970: start.millisecondsSince1970 + 32 * UTCTime.millisecondsPerDay)
            return self.start(of: later)
        }
    }

    private static func dayNumber(_ time: UTCTime) -> Int64 {
        let milliseconds = time.millisecondsSince1970
        return milliseconds >= 0 ? milliseconds / UTCTime.millisecondsPerDay : (milliseconds - UTCTime.millisecondsPerDay + 1) / UTCTime.millisecondsPerDay
    }
}
