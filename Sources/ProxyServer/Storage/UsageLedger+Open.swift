import Foundation
import Logging
import ProxyCore

extension UsageLedger {
    /// The ledger `USAGE_DATABASE` asks for, opened and ready to run; nil when it is off, or when
    /// its database cannot be opened (the proxy then serves without one, and says so).
    /// - Parameters:
    ///   - environment: the process's, for the default file's place (`XDG_DATA_HOME`, `HOME`).
    ///   - metrics: count the records the ledger cannot write.
    package static func open(
        configuration: ProxyConfiguration, environment: [String: String], metrics: ProxyMetrics, logger: Logger
    ) async -> UsageLedger? {
        if case .postgres = configuration.usageDatabase {
            logger.error("USAGE_DATABASE: PostgreSQL is not supported yet; the proxy runs without a usage ledger. Use an SQLite file path, or off.")
        }
        guard let path = configuration.usageDatabase.sqlitePath(environment: environment) else { return nil }
        do {
            let store = try await SQLiteUsageStore(path: path, logger: logger)
            logger.info("Usage ledger: \(path) (USAGE_DATABASE; off to keep none); see it at /ui or with anthropic-proxy usage")
            return UsageLedger(store: store, retentionDays: configuration.usageRetentionDays, logger: logger) { metrics.recordsDropped($0) }
        } catch {
            logger.error("USAGE_DATABASE: the usage database \(path) cannot be opened (\(error)); the proxy runs without a usage ledger.")
            return nil
        }
    }
}

extension SQLiteUsageStore {
    /// The ledger's SQLite file as `USAGE_DATABASE` names it, for reading (the `usage` and
    /// `statusline` commands); nil when the ledger is off, elsewhere, or not written yet.
    package static func openForReading(configuration: ProxyConfiguration, environment: [String: String], logger: Logger) async throws -> SQLiteUsageStore? {
        guard let path = configuration.usageDatabase.sqlitePath(environment: environment), FileManager.default.fileExists(atPath: path) else { return nil }
        let store = try await SQLiteUsageStore(path: path, logger: logger)
        // A file from an older version (or an empty one) is brought up to date, as the server would.
        try await store.migrate()
        return store
    }
}
