import Foundation
import Logging
import ProxyCore
import SQLiteNIO

/// The ledger in an SQLite file, in WAL mode so that `anthropic-proxy usage` and `statusline` read
/// while the server writes. One connection, used by the ledger's one writer and by reports.
package final class SQLiteUsageStore: UsageStore {
    private let connection: SQLiteConnection
    package let sql = UsageSQL(.sqlite)

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
        let inserts = sql.inserts(rows)
        try await transaction {
            for (statement, values) in inserts { _ = try await self.connection.query(statement, values.map(Self.data)) }
        }
    }

    package func summaries(_ query: UsageQuery) async throws -> [UsageSummary] {
        try await connection.query(sql.summaries(query.grouping), query.boundValues.map(SQLiteData.text)).map(Self.summary)
    }

    package func sessionSummary(_ sessionID: String) async throws -> UsageSummary {
        let rows = try await connection.query(sql.sessionSummary, [.text(sessionID)])
        return rows.first.map(Self.summary) ?? UsageSummary(key: sessionID)
    }

    package func recentRequests(limit: Int) async throws -> [LedgerRow] {
        try await rows(sql.recentRequests, [.integer(Int64(limit))]).compactMap(LedgerRow.init(columns:))
    }

    package func rows(_ statement: String, _ values: [LedgerRow.Value]) async throws -> [[String: LedgerRow.Value]] {
        try await connection.query(statement, values.map(Self.data)).map { row in
            Dictionary(uniqueKeysWithValues: row.columns.map { ($0.name, Self.value($0.data)) })
        }
    }

    package func latencySamples(since startedAt: String) async throws -> [TargetLatency.Sample] {
        let rows = try await connection.query(sql.latencySamples, [.text(startedAt)])
        return rows.map { row in
            TargetLatency.Sample(
                target: row.column("target")?.string ?? "", status: row.column("status")?.integer ?? 0,
                durationMilliseconds: row.column("duration_ms")?.integer ?? 0, timeToFirstByteMilliseconds: row.column("ttfb_ms")?.integer)
        }
    }

    package func deleteRequests(startedBefore cutoff: String) async throws {
        _ = try await connection.query(sql.deleteRequests, [.text(cutoff)])
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
        UsageSummary(key: row.column("key")?.string ?? "") { row.column($0)?.integer ?? 0 } cost: { row.column("cost_usd")?.double ?? 0 }
    }
}
