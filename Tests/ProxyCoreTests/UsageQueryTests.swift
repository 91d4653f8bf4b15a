import Testing

@testable import ProxyCore

struct UsageQueryTests {
    /// 2026-11-30T12:00:00Z.
    private let now = UTCTime(millisecondsSince1970: 1_796_040_000_000)

    @Test func defaultsAreTheLastThirtyDaysByDay() throws {
        #expect(now.day == "2026-11-30")
        let query = try UsageQuery(from: nil, to: nil, groupBy: nil, now: now)
        #expect(query == UsageQuery(fromDay: "2026-11-01", toDay: "2026-11-30", grouping: .day))
        #expect(query.endExclusive == "2026-12-01T00:00:00.000Z")
    }

    @Test func daysAndSpansBack() throws {
        #expect(try UsageQuery(from: "7d", to: "2026-11-29", groupBy: "session", now: now) == UsageQuery(fromDay: "2026-11-23", toDay: "2026-11-29", grouping: .session))
        #expect(try UsageQuery(from: "2024-02-29", to: "0d", groupBy: "model", now: now).fromDay == "2024-02-29")
    }

    @Test(arguments: [
        ("2026-02-30", "from: must be a day (2026-11-01) or a number of days back (7d), not '2026-02-30'"),
        ("yesterday", "from: must be a day (2026-11-01) or a number of days back (7d), not 'yesterday'"),
        ("2026-12-05", "from: 2026-12-05 is after to (2026-11-30); give the earlier day first"),
    ])
    func badDaysAre400s(from: String, message: String) {
        #expect(throws: AnthropicError.invalidRequest(message)) { try UsageQuery(from: from, to: nil, groupBy: nil, now: now) }
    }

    @Test func startOfDayRoundTrips() {
        for day in ["1970-01-01", "2000-02-29", "2026-11-30", "2099-12-31"] {
            #expect(UTCTime.startOfDay(day)?.day == day)
        }
        #expect(UTCTime.startOfDay("2026-11-30")?.iso8601 == "2026-11-30T00:00:00.000Z")
    }
}
