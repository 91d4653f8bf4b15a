/// How one target has been answering: requests, errors, and the median and 95th percentile of
/// its durations and times to first byte (nearest rank), for the dashboard.
package struct TargetLatency: Sendable, Equatable {
    /// One finished request, as the latency report reads it.
    package struct Sample: Sendable, Equatable {
        package var target: String
        package var status: Int
        package var durationMilliseconds: Int
        package var timeToFirstByteMilliseconds: Int?

        package init(target: String, status: Int, durationMilliseconds: Int, timeToFirstByteMilliseconds: Int?) {
            self.target = target
            self.status = status
            self.durationMilliseconds = durationMilliseconds
            self.timeToFirstByteMilliseconds = timeToFirstByteMilliseconds
        }
    }

    package var target: String
    package var requests: Int
    package var errors: Int
    package var duration: (p50: Int, p95: Int)
    /// Nil when no request of the target had a first byte.
    package var timeToFirstByte: (p50: Int, p95: Int)?

    package static func == (lhs: TargetLatency, rhs: TargetLatency) -> Bool {
        lhs.target == rhs.target && lhs.requests == rhs.requests && lhs.errors == rhs.errors && lhs.duration == rhs.duration
            && lhs.timeToFirstByte?.p50 == rhs.timeToFirstByte?.p50 && lhs.timeToFirstByte?.p95 == rhs.timeToFirstByte?.p95
    }

    /// One report per target, by target name.
    package static func report(_ samples: [Sample]) -> [TargetLatency] {
        Dictionary(grouping: samples, by: \.target).map { target, samples in
            let durations = samples.map(\.durationMilliseconds).sorted()
            let firstBytes = samples.compactMap(\.timeToFirstByteMilliseconds).sorted()
            return TargetLatency(
                target: target, requests: samples.count, errors: samples.count { $0.status >= 400 },
                duration: (percentile(50, of: durations), percentile(95, of: durations)),
                timeToFirstByte: firstBytes.isEmpty ? nil : (percentile(50, of: firstBytes), percentile(95, of: firstBytes)))
        }.sorted { $0.target < $1.target }
    }

    package var json: JSONValue {
        [
            "target": .string(target), "requests": .int(requests), "errors": .int(errors),
            "error_rate": requests > 0 ? .double(Double(errors) / Double(requests)) : .int(0),
            "duration_ms": ["p50": .int(duration.p50), "p95": .int(duration.p95)],
            "ttfb_ms": timeToFirstByte.map { ["p50": .int($0.p50), "p95": .int($0.p95)] } ?? ["p50": .null, "p95": .null],
        ]
    }

    /// The nearest-rank percentile of sorted values (0 for none).
    static func percentile(_ rank: Int, of sorted: [Int]) -> Int {
        guard !sorted.isEmpty else { return 0 }
        let index = (rank * sorted.count + 99) / 100 - 1
        return sorted[max(0, min(sorted.count - 1, index))]
    }
}
