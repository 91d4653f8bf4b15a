import ProxyCore

/// Rate-limit windows that every instance of the proxy shares (PostgreSQL's `key_windows`): each
/// admission counts in the database, one at a time per key, so instances together keep a key
/// within its requests and tokens a minute.
protocol SharedKeyWindows: Sendable {
    /// Counts a request of key `name` at `time` in, unless the last minute's requests or tokens
    /// (of every instance) already reach a limit; whether it was counted.
    func admitToKeyWindow(_ name: String, at time: UTCTime, requestsPerMinute: Int?, tokensPerMinute: Int?) async throws -> Bool
    /// The last minute of key `name` at `time`: requests and tokens, every instance's.
    func keyWindows(_ name: String, at time: UTCTime) async throws -> (requests: RateWindow, tokens: RateWindow)
    /// Counts a finished request's tokens.
    func addKeyTokens(_ name: String, _ tokens: Int, at time: UTCTime) async throws
    /// Forgets the seconds before `time`: they no longer count.
    func forgetKeyWindows(before time: UTCTime) async throws
}

extension PostgresUsageStore: SharedKeyWindows {
    func admitToKeyWindow(_ name: String, at time: UTCTime, requestsPerMinute: Int?, tokensPerMinute: Int?) async throws -> Bool {
        let second = Int64(time.millisecondsSince1970 / 1000)
        let values: [LedgerRow.Value] = [
            .text(name), .integer(second), .integer(Int64(requestsPerMinute ?? .max)), .integer(Int64(tokensPerMinute ?? .max)),
        ]
        return try await inTransaction { run in
            // One admission at a time per key, across instances: otherwise two could both see
            // room for one more.
            _ = try await run("SELECT pg_advisory_xact_lock(7345, hashtext($1))", [.text(name)])
            return try await !run(Self.admitToWindow, values).isEmpty
        }
    }

    func keyWindows(_ name: String, at time: UTCTime) async throws -> (requests: RateWindow, tokens: RateWindow) {
        let second = Int64(time.millisecondsSince1970 / 1000)
        var requests = RateWindow()
        var tokens = RateWindow()
        for row in try await rows("SELECT second, requests, tokens FROM key_windows WHERE client_key = $1 AND second > $2", [.text(name), .integer(second - 60)]) {
            guard let second = row.integer("second"), let requestCount = row.integer("requests"), let tokenCount = row.integer("tokens") else { continue }
            let at = UTCTime(millisecondsSince1970: Int64(second) * 1000)
            requests.add(requestCount, at: at)
            tokens.add(tokenCount, at: at)
        }
        return (requests, tokens)
    }

    func addKeyTokens(_ name: String, _ tokens: Int, at time: UTCTime) async throws {
        _ = try await rows(
            """
            INSERT INTO key_windows (client_key, second, requests, tokens) VALUES ($1, $2, 0, $3)
            ON CONFLICT (client_key, second) DO UPDATE SET tokens = key_windows.tokens + excluded.tokens
            """, [.text(name), .integer(Int64(time.millisecondsSince1970 / 1000)), .integer(Int64(tokens))])
    }

    func forgetKeyWindows(before time: UTCTime) async throws {
        _ = try await rows("DELETE FROM key_windows WHERE second < $1", [.integer(Int64(time.millisecondsSince1970 / 1000))])
    }

    /// Binds the key, the second, the requests and the tokens a minute; a row when it counted.
    private static let admitToWindow = """
        WITH used AS (
            SELECT COALESCE(SUM(requests), 0) AS requests, COALESCE(SUM(tokens), 0) AS tokens
            FROM key_windows WHERE client_key = $1 AND second > $2 - 60
        )
        INSERT INTO key_windows (client_key, second, requests, tokens)
        SELECT $1, $2, 1, 0 FROM used WHERE used.requests < $3 AND used.tokens < $4
        ON CONFLICT (client_key, second) DO UPDATE SET requests = key_windows.requests + 1
        RETURNING requests
        """
}
