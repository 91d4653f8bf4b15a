/// What a usage report asks of the ledger (`GET /api/usage`, `anthropic-proxy usage`): the days
/// it covers, UTC and inclusive, and how the requests are grouped.
package struct UsageQuery: Sendable, Equatable {
    package enum Grouping: String, Sendable, CaseIterable {
        case day, model, key, session
    }

    /// `2026-11-01`.
    package var fromDay: String
    package var toDay: String
    package var grouping: Grouping

    package init(fromDay: String, toDay: String, grouping: Grouping) {
        self.fromDay = fromDay
        self.toDay = toDay
        self.grouping = grouping
    }

    /// Reads a report's parameters: `from` and `to` as days (`2026-11-01`) or spans back from now
    /// (`7d`, `0d` is today); by default the last 30 days and by day.
    package init(from: String?, to: String?, groupBy: String?, now: UTCTime) throws(AnthropicError) {
        fromDay = try Self.day(from ?? "29d", parameter: "from", now: now)
        toDay = try Self.day(to ?? "0d", parameter: "to", now: now)
        guard fromDay <= toDay else { throw .invalidRequest("from: \(fromDay) is after to (\(toDay)); give the earlier day first") }
        let groupBy = groupBy ?? "day"
        guard let grouping = Grouping(rawValue: groupBy) else {
            throw .invalidRequest("group_by: must be one of \(Grouping.allCases.map(\.rawValue).joined(separator: ", ")), not '\(groupBy)'")
        }
        self.grouping = grouping
    }

    /// The first moment after the covered days, for filtering per-request rows: `toDay`'s next day.
    /// What `UsageSQL.summaries` binds: the first day, and the last (sessions, read from the
    /// requests' times: the moment after the last day).
    package var boundValues: [String] {
        [fromDay, grouping == .session ? endExclusive : toDay]
    }

    package var endExclusive: String {
        UTCTime.startOfDay(toDay).map { UTCTime(millisecondsSince1970: $0.millisecondsSince1970 + UTCTime.millisecondsPerDay).iso8601 } ?? toDay
    }

    private static func day(_ text: String, parameter: String, now: UTCTime) throws(AnthropicError) -> String {
        if text.hasSuffix("d"), let days = Int(text.dropLast()), days >= 0 {
            return UTCTime(millisecondsSince1970: now.millisecondsSince1970 - Int64(days) * UTCTime.millisecondsPerDay).day
        }
        guard let start = UTCTime.startOfDay(text) else {
            throw .invalidRequest("\(parameter): must be a day (2026-11-01) or a number of days back (7d), not '\(text)'")
        }
        return start.day
    }
}
