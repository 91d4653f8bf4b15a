import ProxyCore

/// Where instances sharing a database post the upstream keys they rested (by fingerprint, never
/// the key) and read the others' (PostgreSQL's `upstream_key_rests`).
protocol UpstreamRestBoard: Sendable {
    /// Posts that the key with `fingerprint` rests until `until`; does not wait.
    func post(_ fingerprint: String, until: UTCTime)
    /// The rests posted that have not ended at `now`.
    func rests(at now: UTCTime) async throws -> [String: UTCTime]
}

extension PostgresUsageStore: UpstreamRestBoard {
    func post(_ fingerprint: String, until: UTCTime) {
        Task {
            _ = try? await rows(
                """
                INSERT INTO upstream_key_rests (key_fingerprint, until) VALUES ($1, $2)
                ON CONFLICT (key_fingerprint) DO UPDATE SET until = GREATEST(upstream_key_rests.until, excluded.until)
                """, [.text(fingerprint), .text(until.iso8601)])
        }
    }

    func rests(at now: UTCTime) async throws -> [String: UTCTime] {
        _ = try await rows("DELETE FROM upstream_key_rests WHERE until <= $1", [.text(now.iso8601)])
        var rests: [String: UTCTime] = [:]
        for row in try await rows("SELECT key_fingerprint, until FROM upstream_key_rests", []) {
            if let fingerprint = row.text("key_fingerprint"), let until = row.text("until").flatMap(UTCTime.init(iso8601:)) { rests[fingerprint] = until }
        }
        return rests
    }
}


