/// A sliding minute of counts (requests, or tokens) in one-second buckets: what a client key used
/// in the last 60 seconds, and when enough of it will have aged out.
package struct RateWindow: Sendable, Equatable {
    private var counts = [Int](repeating: 0, count: 60)
    /// The second (since 1970) each bucket counts for.
    private var seconds = [Int64](repeating: .min, count: 60)

    package init() {}

    package mutating func add(_ amount: Int, at time: UTCTime) {
        let second = Self.second(time)
        let index = Self.index(second)
        if seconds[index] != second {
            seconds[index] = second
            counts[index] = 0
        }
        counts[index] += amount
    }

    /// The counts of the 60 seconds up to and including `time`'s.
    package func total(at time: UTCTime) -> Int {
        let now = Self.second(time)
        return zip(counts, seconds).reduce(0) { sum, bucket in bucket.1 > now - 60 && bucket.1 <= now ? sum + bucket.0 : sum }
    }

    /// Seconds (at least 1) until the total is below `limit` again, if nothing more is added.
    package func secondsUntilBelow(_ limit: Int, at time: UTCTime) -> Int {
        let now = Self.second(time)
        var total = total(at: time)
        let live = zip(counts, seconds).filter { $0.1 > now - 60 && $0.1 <= now }.sorted { $0.1 < $1.1 }
        for (count, second) in live {
            guard total >= limit else { break }
            total -= count
            if total < limit { return Int(second + 60 - now) }
        }
        return 1
    }

    private static func second(_ time: UTCTime) -> Int64 {
        time.millisecondsSince1970 >= 0 ? time.millisecondsSince1970 / 1000 : (time.millisecondsSince1970 - 999) / 1000
    }

    private static func index(_ second: Int64) -> Int {
        Int(((second % 60) + 60) % 60)
    }
}
