import ProxyCore

/// A database the usage ledger writes to and reports from (SQLite; PostgreSQL for teams).
package protocol UsageStore: Sendable {
    /// The database's dialect of the ledger's statements.
    var sql: UsageSQL { get }
    /// What `statement` returns, binding `values` in order: each row's columns by name.
    func rows(_ statement: String, _ values: [LedgerRow.Value]) async throws -> [[String: LedgerRow.Value]]
    /// Brings the schema up to date (see `UsageMigrations`).
    func migrate() async throws
    /// Stores the rows and adds them to the daily roll-ups, all or nothing.
    func insert(_ rows: [LedgerRow]) async throws
    /// The requests of the query's days, grouped as it asks.
    func summaries(_ query: UsageQuery) async throws -> [UsageSummary]
    /// Everything one session used (its requests still kept), read by its index.
    func sessionSummary(_ sessionID: String) async throws -> UsageSummary
    /// The newest `limit` requests, newest first.
    func recentRequests(limit: Int) async throws -> [LedgerRow]
    /// Every request that started at or after `startedAt` (ISO 8601), for latency percentiles.
    func latencySamples(since startedAt: String) async throws -> [TargetLatency.Sample]
    /// Deletes the per-request rows that started before `cutoff` (ISO 8601); the roll-ups stay.
    func deleteRequests(startedBefore cutoff: String) async throws
    func close() async throws
}
