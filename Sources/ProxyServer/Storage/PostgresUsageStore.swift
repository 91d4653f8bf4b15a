import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import ProxyCore
import Synchronization

/// The ledger in a team's PostgreSQL, shared by every instance of the proxy that names it. A pool
/// of connections (postgres-nio's client); every call gives up after `timeout`, so a database that
/// is down or unreachable costs the ledger a dropped batch, never a wait without end (the pool
/// itself would keep a query waiting for a connection for a minute).
package final class PostgresUsageStore: UsageStore {
    private let client: PostgresClient
    private let running: Task<Void, Never>
    private let location: PostgresLocation
    private let timeout: Duration
    private let logger: Logger
    /// Whether the schema was brought up to date here (see `migrateOnce`).
    private let migrated = Mutex(false)
    package let sql = UsageSQL(.postgres)

    /// Starts the pool (connections are made when first needed).
    package init(_ location: PostgresLocation, timeout: Duration = .seconds(5), logger: Logger) {
        var configuration =
            if let folder = location.socketFolder {
                PostgresClient.Configuration(
                    unixSocketPath: "\(folder)/.s.PGSQL.\(location.port)", username: location.user, password: location.password,
                    database: location.database)
            } else {
                PostgresClient.Configuration(
                    host: location.host, port: location.port, username: location.user, password: location.password, database: location.database,
                    tls: Self.tls(location.tls))
            }
        configuration.options.connectTimeout = timeout
        configuration.options.maximumConnections = 4
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.location = location
        self.timeout = timeout
        self.logger = logger
        running = Task { await client.run() }
    }

    /// Brings the schema up to date unless that was done here already: the ledger does on its
    /// first flush, which a thread's or a fingerprint's first use may come before.
    func migrateOnce() async throws {
        guard !migrated.withLock({ $0 }) else { return }
        try await migrate()
        migrated.withLock { $0 = true }
    }

    package func migrate() async throws {
        try await inTransaction { run in
            // Instances that start together migrate one after the other.
            _ = try await run("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", [])
            _ = try await run("CREATE TABLE IF NOT EXISTS ledger_schema (version INTEGER NOT NULL)", [])
            let current = try await run("SELECT COALESCE(MAX(version), 0)::BIGINT AS version FROM ledger_schema", []).first?.integer("version") ?? 0
            for (index, statements) in UsageMigrations.postgres.enumerated() where index + 1 > current {
                for statement in statements { _ = try await run(statement, []) }
                _ = try await run("INSERT INTO ledger_schema (version) VALUES ($1)", [.integer(Int64(index + 1))])
            }
        }
    }

    package func insert(_ rows: [LedgerRow]) async throws {
        guard !rows.isEmpty else { return }
        let inserts = sql.inserts(rows)
        try await inTransaction { run in
            for (statement, values) in inserts { _ = try await run(statement, values) }
        }
    }

    package func summaries(_ query: UsageQuery) async throws -> [UsageSummary] {
        try await rows(sql.summaries(query.grouping), query.boundValues.map(LedgerRow.Value.text)).map(Self.summary)
    }

    package func sessionSummary(_ sessionID: String) async throws -> UsageSummary {
        try await rows(sql.sessionSummary, [.text(sessionID)]).first.map(Self.summary) ?? UsageSummary(key: sessionID)
    }

    package func recentRequests(limit: Int) async throws -> [LedgerRow] {
        try await rows(sql.recentRequests, [.integer(Int64(limit))]).compactMap(LedgerRow.init(columns:))
    }

    package func latencySamples(since startedAt: String) async throws -> [TargetLatency.Sample] {
        try await rows(sql.latencySamples, [.text(startedAt)]).map { row in
            TargetLatency.Sample(
                target: row.text("target") ?? "", status: row.integer("status") ?? 0, durationMilliseconds: row.integer("duration_ms") ?? 0,
                timeToFirstByteMilliseconds: row.integer("ttfb_ms"))
        }
    }

    package func deleteRequests(startedBefore cutoff: String) async throws {
        _ = try await rows(sql.deleteRequests, [.text(cutoff)])
    }

    package func close() async throws {
        running.cancel()
        // The pool may not notice for long while it waits to reconnect to a database that is gone:
        // it gets 10 s, then it is left to end by itself.
        let running = running
        _ = try? await AbandonableWork.run(within: .seconds(10), timeoutError: { CancellationError() }) { await running.value }
    }

    /// An arbitrary constant: the advisory lock the ledger's migrations hold.
    private static let migrationLock: Int64 = 0x5072_6F78_794C_6467

    package func rows(_ statement: String, _ values: [LedgerRow.Value]) async throws -> [[String: LedgerRow.Value]] {
        try await bounded { client, logger in try await Self.collect(client.query(Self.query(statement, values), logger: logger)) }
    }

    /// Runs `body` in one transaction; `body` runs its statements with the function it is given.
    func inTransaction<Result: Sendable>(
        _ body: @escaping @Sendable (_ run: (String, [LedgerRow.Value]) async throws -> [[String: LedgerRow.Value]]) async throws -> Result
    ) async throws -> Result {
        try await bounded { client, logger in
            try await client.withTransaction(logger: logger) { connection in
                try await body { statement, values in try await Self.collect(connection.query(Self.query(statement, values), logger: logger)) }
            }
        }
    }

    /// Each row of `sequence` as its columns by name.
    private static func collect(_ sequence: PostgresRowSequence) async throws -> [[String: LedgerRow.Value]] {
        var rows: [[String: LedgerRow.Value]] = []
        for try await row in sequence {
            rows.append(Dictionary(uniqueKeysWithValues: row.map { ($0.columnName, Self.value($0)) }))
        }
        return rows
    }

    /// Runs `body` with the client, failing with `PostgresUnavailable` when it takes longer than `timeout`.
    private func bounded<Result: Sendable>(_ body: @escaping @Sendable (PostgresClient, Logger) async throws -> Result) async throws -> Result {
        let client = client
        let logger = logger
        let timeout = timeout
        let location = location
        return try await AbandonableWork.run(within: timeout, timeoutError: { PostgresUnavailable(message: "\(location.description) did not answer within \(timeout)") }) {
            do {
                return try await body(client, logger)
            } catch let error as PSQLError {
                throw PostgresUnavailable(message: "\(location.description): \(Self.describe(error))")
            } catch where Self.isConnectionPoolError(error) {
                throw PostgresUnavailable(message: "\(location.description): no connection could be made (the client gave up after repeated tries)")
            }
        }
    }

    private static func query(_ statement: String, _ values: [LedgerRow.Value]) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .integer(let number): bindings.append(number)
            case .real(let number): bindings.append(number)
            case .text(let text): bindings.append(text)
            case .null: bindings.appendNull()
            }
        }
        return PostgresQuery(unsafeSQL: statement, binds: bindings)
    }

    private static func value(_ cell: PostgresCell) -> LedgerRow.Value {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return (try? cell.decode(Int64.self)).map(LedgerRow.Value.integer) ?? .null
        case .float4, .float8: return (try? cell.decode(Double.self)).map(LedgerRow.Value.real) ?? .null
        default: return (try? cell.decode(String.self)).map(LedgerRow.Value.text) ?? .null
        }
    }

    private static func summary(_ row: [String: LedgerRow.Value]) -> UsageSummary {
        UsageSummary(key: row.text("key") ?? "") { row.integer($0) ?? 0 } cost: { row.real("cost_usd") ?? 0 }
    }

    /// What went wrong, from the server's own message where there is one (a `PSQLError`'s
    /// description hides everything, lest it print a query's values).
    /// The connection pool's own error (its module is not public API), which says only that its
    /// tries to connect kept failing; printed as it is, it is a dump of its internals.
    private static func isConnectionPoolError(_ error: any Error) -> Bool {
        String(reflecting: type(of: error)).hasSuffix(".ConnectionPoolError")
    }

    private static func describe(_ error: PSQLError) -> String {
        if let message = error.serverInfo?[.message] { return message }
        if let underlying = error.underlying { return "\(underlying)" }
        return "\(error.code)"
    }

    private static func tls(_ mode: PostgresLocation.TLSMode) -> PostgresClient.Configuration.TLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch mode {
        case .disable: return .disable
        case .allow, .prefer, .require:
            // libpq checks no certificate in these modes.
            configuration.certificateVerification = .none
            return mode == .require ? .require(configuration) : .prefer(configuration)
        case .verifyCA:
            configuration.certificateVerification = .noHostnameVerification
            return .require(configuration)
        case .verifyFull:
            return .require(configuration)
        }
    }
}

/// The usage database could not be reached or refused a statement; the message names it (never
/// its password) and says why.
package struct PostgresUnavailable: Error, CustomStringConvertible {
    package let message: String

    package var description: String { message }
}
