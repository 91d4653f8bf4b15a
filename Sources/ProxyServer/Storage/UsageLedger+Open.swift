import Foundation
import Logging
import ProxyCore

extension UsageLedger {
    /// The ledger `USAGE_DATABASE` asks for, ready to run; nil when it is off, or when its SQLite
    /// file cannot be opened (the proxy then serves without one, and says so). A PostgreSQL that
    /// does not answer yet is tried again by the ledger itself.
    /// - Parameters:
    ///   - environment: the process's, for the default file's place (`XDG_DATA_HOME`, `HOME`).
    ///   - metrics: count the records the ledger cannot write.
    package static func open(
        configuration: ProxyConfiguration, environment: [String: String], metrics: ProxyMetrics, logger: Logger
    ) async -> UsageLedger? {
        let database = configuration.usageDatabase
        let place = database.description(environment: environment)
        do {
            guard let store = try await database.openStore(environment: environment, creating: true, logger: logger) else { return nil }
            logger.info("Usage ledger: \(place) (USAGE_DATABASE; off to keep none); see it at /ui or with anthropic-proxy usage")
            return UsageLedger(store: store, retentionDays: configuration.usageRetentionDays, logger: logger) { metrics.recordsDropped($0) }
        } catch {
            logger.error("USAGE_DATABASE: the usage database \(place) cannot be opened (\(error)); the proxy runs without a usage ledger.")
            return nil
        }
    }
}

extension UsageDatabase {
    /// The store of the ledger kept here; nil when it is off, or (unless `creating`) an SQLite
    /// file not written yet.
    /// - Parameter timeout: how long a PostgreSQL call may take.
    package func openStore(environment: [String: String], creating: Bool, timeout: Duration = .seconds(5), logger: Logger) async throws -> (any UsageStore)? {
        switch self {
        case .off: return nil
        case .postgres(let location): return PostgresUsageStore(location, timeout: timeout, logger: logger)
        case .defaultSQLite, .sqlite:
            guard let path = sqlitePath(environment: environment), creating || FileManager.default.fileExists(atPath: path) else { return nil }
            return try await SQLiteUsageStore(path: path, logger: logger)
        }
    }

    /// The store of the ledger kept here, for the reading commands (`usage`, `statusline`), its
    /// schema brought up to date as the server would (a file from an older version, an empty one).
    package func openForReading(environment: [String: String], logger: Logger) async throws -> (any UsageStore)? {
        guard let store = try await openStore(environment: environment, creating: false, logger: logger) else { return nil }
        do {
            try await store.migrate()
        } catch {
            try? await store.close()
            throw error
        }
        return store
    }
}
