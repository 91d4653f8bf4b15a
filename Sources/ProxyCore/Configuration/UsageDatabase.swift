/// Where the usage ledger is kept (`USAGE_DATABASE`): an SQLite file (the default, in the user's
/// data directory), a team's PostgreSQL, or nowhere.
package enum UsageDatabase: Sendable, Equatable {
    case off
    /// The embedded default when no path was given: `$XDG_DATA_HOME/anthropic-proxy/usage.sqlite`.
    case defaultSQLite
    case sqlite(path: String)
    /// A team's database, from a `postgres://` or `postgresql://` URL.
    case postgres(PostgresLocation)

    /// - Parameter name: how messages name the setting.
    package init(setting text: String?, name: String = ConfigurationSetting.usageDatabase.variable) throws(ConfigurationError) {
        guard let text, !text.isEmpty else {
            self = .defaultSQLite
            return
        }
        let lowered = text.lowercased()
        if lowered == "off" || lowered == "none" || lowered == "false" {
            self = .off
        } else if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(try PostgresLocation(url: text, name: name))
        } else {
            self = .sqlite(path: text)
        }
    }

    /// The SQLite file the ledger is kept in, given the process's environment (for the default's
    /// place); nil when it is off or in PostgreSQL.
    package func sqlitePath(environment: [String: String]) -> String? {
        switch self {
        case .off, .postgres: nil
        case .defaultSQLite: Self.defaultSQLitePath(environment: environment)
        case .sqlite(let path): path
        }
    }

    /// Where it is, as messages name it: a file, a database (without its password), or `off`.
    package func description(environment: [String: String]) -> String {
        if case .postgres(let location) = self { return location.description }
        return sqlitePath(environment: environment) ?? "off"
    }

    /// The SQLite file the default stands for, given the process's environment.
    private static func defaultSQLitePath(environment: [String: String]) -> String {
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((environment["HOME"] ?? ".") + "/.local/share")
        return dataHome + "/anthropic-proxy/usage.sqlite"
    }
}
