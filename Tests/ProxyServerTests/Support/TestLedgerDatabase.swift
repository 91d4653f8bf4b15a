import Logging
import ProxyCore
import ProxyServer
import SQLiteNIO
import Testing

/// The databases the usage ledger keeps itself in, for tests that run on each.
enum LedgerDatabaseKind: String, CaseIterable, Sendable {
    case sqlite, postgres
}

/// A new, empty ledger database of one kind for one test: an SQLite file in a folder of its
/// own, or a database of its own on the suite's `PostgresServer`.
struct TestLedgerDatabase: Sendable {
    let kind: LedgerDatabaseKind
    let directory: TemporaryDirectory
    /// `USAGE_DATABASE`'s value for it.
    let setting: String
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// - Parameter created: for PostgreSQL, false names a database not created yet.
    init(_ kind: LedgerDatabaseKind, created: Bool = true) async throws {
        self.kind = kind
        directory = try TemporaryDirectory()
        switch kind {
        case .sqlite: setting = directory.path + "/data/usage.sqlite"
        case .postgres:
            let server = try #require(PostgresServer.current, "the suite needs the .postgres trait")
            setting = try await server.newDatabase(created: created)
        }
    }

    /// How long a store waits by default: the whole suite at once on two cores can keep a new
    /// PostgreSQL connection and its first statements waiting longer than the proxy's 5 s.
    static let patientTimeout = Duration.seconds(60)

    /// A store on it.
    /// - Parameter timeout: how long a write waits (SQLite: for another process's lock; PostgreSQL: for the server).
    func store(timeout: Duration = patientTimeout) async throws -> any UsageStore {
        switch kind {
        case .sqlite: try await SQLiteUsageStore(path: setting, busyTimeout: timeout, logger: Self.quiet)
        case .postgres: PostgresUsageStore(try PostgresLocation(url: setting, name: "test"), timeout: timeout, logger: Self.quiet)
        }
    }

    /// A ledger on it, its schema in place (unless `migrated` is false).
    func ledger(timeout: Duration = patientTimeout, migrated: Bool = true, dropped: DroppedRecords? = nil) async throws -> UsageLedger {
        let store = try await store(timeout: timeout)
        if migrated { try await store.migrate() }
        return UsageLedger(store: store, retentionDays: 30, logger: Self.quiet) { count in dropped?.count.withLock { $0 += count } }
    }

    /// `body` given a ledger on it (as `ledger(timeout:migrated:dropped:)` makes), whose store is
    /// closed after it, returned or thrown: an SQLite connection let go unclosed stops the whole
    /// test process (sqlite-nio's assertion), and every test after the one that failed with it.
    func withLedger<Result>(
        timeout: Duration = patientTimeout, migrated: Bool = true, dropped: DroppedRecords? = nil, _ body: (UsageLedger) async throws -> Result
    ) async throws -> Result {
        let ledger = try await ledger(timeout: timeout, migrated: migrated, dropped: dropped)
        let result: Result
        do {
            result = try await body(ledger)
        } catch {
            try? await ledger.store.close()
            throw error
        }
        try await ledger.store.close()
        return result
    }

    /// Every row of `table`, read with a connection (or `psql`) of its own, in `order`.
    func rows(_ table: String = "requests", order: String = "started_at") async throws -> [[String: LedgerRow.Value]] {
        let statement = "SELECT * FROM \(table) ORDER BY \(order)"
        switch kind {
        case .sqlite:
            let connection = try await SQLiteConnection.open(storage: .file(path: setting), logger: Self.quiet)
            let rows = try await connection.query(statement)
            try await connection.close()
            return rows.map { row in
                Dictionary(uniqueKeysWithValues: row.columns.map { column in
                    let value: LedgerRow.Value =
                        switch column.data {
                        case .integer(let number): .integer(Int64(number))
                        case .float(let number): .real(number)
                        case .text(let text): .text(text)
                        case .blob, .null: .null
                        }
                    return (column.name, value)
                })
            }
        case .postgres:
            let rows = try await #require(PostgresServer.current).rows(setting, statement)
            return rows.map { row in
                row.mapValues { text in
                    guard let text else { return .null }
                    if let number = Int64(text) { return .integer(number) }
                    if let number = Double(text) { return .real(number) }
                    return .text(text)
                }
            }
        }
    }
}

extension LedgerRow.Value {
    var string: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    var integer: Int? {
        if case .integer(let number) = self { return Int(number) }
        return nil
    }

    var double: Double? {
        switch self {
        case .real(let number): number
        case .integer(let number): Double(number)
        default: nil
        }
    }
}
