import Foundation
import Logging
import ProxyCore
import SQLiteNIO

/// The ledger in an SQLite file, in WAL mode so that `anthropic-proxy usage` and `statusline` read
/// while the server writes. One connection, used by the ledger's one writer and by reports.
package final class SQLiteUsageStore: UsageStore {
    private let connection: SQLiteConnection

    /// Opens (creating it and its folder if need be) the database at `path`.
    /// - Parameter busyTimeout: how long a write waits for another process's lock before failing.
    package init(path: String, busyTimeout: Duration = .seconds(5), logger: Logger) async throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        let milliseconds = busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=\(milliseconds)"] {
            _ = try await connection.query(pragma)
        }
    }

    package func migrate() async throws {
        let current = try await connection.query("PRAGMA user_version").first?.column("user_version")?.integer ?? 0
        for (index, statements) in UsageMigrations.sqlite.enumerated() where index + 1 > current {
            try await transaction {
                for statement in statements { _ = try await self.connection.query(statement) }
                _ = try await self.connection.query("PRAGMA user_version = \(index + 1)")
            }
        }
    }

    package func insert(_ rows: [LedgerRow]) async throws {
        guard !rows.isEmpty else { return }
        try await transaction {
            // SQLite takes at most 32,766 bound values in one statement.
            let perStatement = 32_766 / LedgerRow.columns.count
            for start in stride(from: 0, to: rows.count, by: perStatement) {
                let chunk = rows[start..<min(rows.count, start + perStatement)]
                let placeholders = Array(repeating: "(" + Array(repeating: "?", count: LedgerRow.columns.count).joined(separator: ",") + ")", count: chunk.count)
                _ = try await self.connection.query(
                    "INSERT OR IGNORE INTO requests (\(LedgerRow.columns.joined(separator: ","))) VALUES \(placeholders.joined(separator: ","))",
                    chunk.flatMap { $0.values.map(Self.data) })
            }
            for daily in DailyUsage.increments(of: rows) {
                let usage = daily.usage
                _ = try await self.connection.query(
                    """
                    INSERT INTO usage_daily (day, client_key, provider, upstream_model, requests, errors, input_tokens, output_tokens,
                        cache_read_tokens, cache_write_tokens, web_search_requests, cost_usd, unpriced_requests, duration_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (day, client_key, provider, upstream_model) DO UPDATE SET
                        requests = requests + excluded.requests, errors = errors + excluded.errors,
                        input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
                        cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
                        cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
                        web_search_requests = web_search_requests + excluded.web_search_requests, cost_usd = cost_usd + excluded.cost_usd,
                        unpriced_requests = unpriced_requests + excluded.unpriced_requests, duration_ms = duration_ms + excluded.duration_ms
                    """,
                    [
                        .text(daily.day), .text(daily.clientKey), .text(daily.provider), .text(daily.upstreamModel), .integer(usage.requests),
                        .integer(usage.errors), .integer(usage.inputTokens), .integer(usage.outputTokens), .integer(usage.cacheReadTokens),
                        .integer(usage.cacheWriteTokens), .integer(usage.webSearchRequests), .float(usage.pricedCostUSD),
                        .integer(usage.unpricedRequests), .integer(daily.durationMilliseconds),
                    ])
            }
        }
    }

    package func summaries(_ query: UsageQuery) async throws -> [UsageSummary] {
        let sums = """
            SUM(requests) AS requests, SUM(errors) AS errors, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
            SUM(cache_read_tokens) AS cache_read_tokens, SUM(cache_write_tokens) AS cache_write_tokens,
            SUM(web_search_requests) AS web_search_requests, SUM(cost_usd) AS cost_usd, SUM(unpriced_requests) AS unpriced_requests
            """
        let sql: String
        let binds: [SQLiteData]
        switch query.grouping {
        case .day, .model, .key:
            let key = query.grouping == .day ? "day" : query.grouping == .model ? "provider || '/' || upstream_model" : "client_key"
            sql = "SELECT \(key) AS key, \(sums) FROM usage_daily WHERE day >= ? AND day <= ? GROUP BY 1 ORDER BY 1"
            binds = [.text(query.fromDay), .text(query.toDay)]
        case .session:
            sql = "SELECT COALESCE(session_id, '') AS key, \(Self.requestSums) FROM requests WHERE started_at >= ? AND started_at < ? GROUP BY 1 ORDER BY MIN(started_at)"
            binds = [.text(query.fromDay), .text(query.endExclusive)]
        }
        return try await connection.query(sql, binds).map(Self.summary)
    }

    package func sessionSummary(_ sessionID: String) async throws -> UsageSummary {
        let rows = try await connection.query("SELECT session_id AS key, \(Self.requestSums) FROM requests WHERE session_id = ?", [.text(sessionID)])
        return rows.first.map(Self.summary) ?? UsageSummary(key: sessionID)
    }

    /// The sums of `UsageSummary` over rows of `requests`.
    private static let requestSums = """
        COUNT(*) AS requests, SUM(status >= 400) AS errors, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
        SUM(cache_read_tokens) AS cache_read_tokens, SUM(cache_write_tokens) AS cache_write_tokens,
        SUM(web_search_requests) AS web_search_requests, TOTAL(cost_usd) AS cost_usd, SUM(cost_usd IS NULL) AS unpriced_requests
        """

    package func recentRequests(limit: Int) async throws -> [LedgerRow] {
        let rows = try await connection.query("SELECT * FROM requests ORDER BY started_at DESC LIMIT ?", [.integer(limit)])
        return rows.compactMap { row in
            LedgerRow(columns: Dictionary(uniqueKeysWithValues: row.columns.map { ($0.name, Self.value($0.data)) }))
        }
    }

    package func latencySamples(since startedAt: String) async throws -> [TargetLatency.Sample] {
        let rows = try await connection.query(
            "SELECT provider || '/' || upstream_model AS target, status, duration_ms, ttfb_ms FROM requests WHERE started_at >= ? AND provider != ''",
            [.text(startedAt)])
        return rows.map { row in
            TargetLatency.Sample(
                target: row.column("target")?.string ?? "", status: row.column("status")?.integer ?? 0,
                durationMilliseconds: row.column("duration_ms")?.integer ?? 0, timeToFirstByteMilliseconds: row.column("ttfb_ms")?.integer)
        }
    }

    package func deleteRequests(startedBefore cutoff: String) async throws {
        _ = try await connection.query("DELETE FROM requests WHERE started_at < ?", [.text(cutoff)])
    }

    package func close() async throws {
        try await connection.close()
    }

    /// Runs `body` in one transaction, rolled back if it throws.
    private func transaction(_ body: @Sendable () async throws -> Void) async throws {
        _ = try await connection.query("BEGIN IMMEDIATE")
        do {
            try await body()
            _ = try await connection.query("COMMIT")
        } catch {
            _ = try? await connection.query("ROLLBACK")
            throw error
        }
    }

    private static func data(_ value: LedgerRow.Value) -> SQLiteData {
        switch value {
        case .integer(let number): .integer(Int(number))
        case .real(let number): .float(number)
        case .text(let text): .text(text)
        case .null: .null
        }
    }

    private static func value(_ data: SQLiteData) -> LedgerRow.Value {
        switch data {
        case .integer(let number): .integer(Int64(number))
        case .float(let number): .real(number)
        case .text(let text): .text(text)
        case .blob, .null: .null
        }
    }

    private static func summary(_ row: SQLiteRow) -> UsageSummary {
        func integer(_ name: String) -> Int { row.column(name)?.integer ?? 0 }
        var summary = UsageSummary(key: row.column("key")?.string ?? "")
        summary.requests = integer("requests")
        summary.errors = integer("errors")
        summary.inputTokens = integer("input_tokens")
        summary.outputTokens = integer("output_tokens")
        summary.cacheReadTokens = integer("cache_read_tokens")
        summary.cacheWriteTokens = integer("cache_write_tokens")
        summary.webSearchRequests = integer("web_search_requests")
        summary.pricedCostUSD = row.column("cost_usd")?.double ?? 0
        summary.unpricedRequests = integer("unpriced_requests")
        return summary
    }
}
