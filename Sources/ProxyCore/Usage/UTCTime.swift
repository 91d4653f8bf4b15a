/// An instant of wall-clock time, as milliseconds since 1970-01-01T00:00:00Z. The core reads no
/// clock: the server makes these.
package struct UTCTime: Sendable, Equatable, Comparable, Hashable {
    package var millisecondsSince1970: Int64

    package init(millisecondsSince1970: Int64) {
        self.millisecondsSince1970 = millisecondsSince1970
    }

    package static func < (lhs: UTCTime, rhs: UTCTime) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }

    /// `2026-11-30T01:16:05.123Z`.
    package var iso8601: String {
        let milliseconds = Int64(((millisecondsSince1970 % 1000) + 1000) % 1000)
        let seconds = (millisecondsSince1970 - milliseconds) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Self.civilDate(daysSince1970: days)
        func padded(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))T\(padded(secondOfDay / 3600, 2)):\(padded(secondOfDay / 60 % 60, 2)):"
            + "\(padded(secondOfDay % 60, 2)).\(padded(milliseconds, 3))Z"
    }

    /// The proleptic Gregorian date of a day number (Howard Hinnant's `civil_from_days`).
    private static func civilDate(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension UTCTime {
    package static let millisecondsPerDay: Int64 = 86_400_000

    /// The day, `2026-11-30`.
    package var day: String { String(iso8601.prefix(10)) }

    /// Midnight (UTC) of a day written `2026-11-30`, or nil when the text is not such a day.
    package static func startOfDay(_ text: String) -> UTCTime? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int64(parts[0]), let month = Int64(parts[1]), let day = Int64(parts[2]), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        // Howard Hinnant's `days_from_civil`.
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let time = UTCTime(millisecondsSince1970: (era * 146_097 + dayOfEra - 719_468) * millisecondsPerDay)
        // 2026-02-31 is not a day: it would come back as another.
        return time.day == text ? time : nil
    }
}

extension UTCTime {
    /// The time `iso8601` wrote (`2026-11-30T01:16:05.123Z`), or nil when the text is not such a time.
    package init?(iso8601 text: String) {
        let characters = Array(text.utf8)
        guard characters.count == 24, characters[10] == UInt8(ascii: "T"), characters[23] == UInt8(ascii: "Z"),
            let midnight = UTCTime.startOfDay(String(text.prefix(10)))
        else { return nil }
        let clock = text.dropFirst(11).dropLast()
        let parts = clock.split(separator: ":")
        guard parts.count == 3, let hours = Int64(parts[0]), let minutes = Int64(parts[1]), hours < 24, minutes < 60 else { return nil }
        let secondParts = parts[2].split(separator: ".")
        guard secondParts.count == 2, let seconds = Int64(secondParts[0]), let milliseconds = Int64(secondParts[1]), seconds < 60,
            secondParts[1].count == 3
        else { return nil }
        self.init(millisecondsSince1970: midnight.millisecondsSince1970 + ((hours * 60 + minutes) * 60 + seconds) * 1000 + milliseconds)
    }
}

