/// The usage ledger's statements, written once for both databases: the few places SQLite and
/// PostgreSQL differ (placeholders, counting with a condition, sums' types) are the dialect's.
/// Each statement's values are bound in the order its doc comment gives.
package struct UsageSQL: Sendable {
    package enum Dialect: Sendable {
        case sqlite, postgres
    }

    package let dialect: Dialect

    package init(_ dialect: Dialect) {
        self.dialect = dialect
    }

    /// The most values one statement may bind: SQLite's limit is 32,766, PostgreSQL's 65,535.
    package var maximumBinds: Int {
        dialect == .sqlite ? 32_766 : 65_535
    }

    /// `items` in slices small enough for one statement each, binding `columns` values per item.
    package func statements<Item>(_ items: [Item], columns: Int) -> [ArraySlice<Item>] {
        let perStatement = maximumBinds / columns
        return stride(from: 0, to: items.count, by: perStatement).map { items[$0..<min(items.count, $0 + perStatement)] }
    }

    /// The `n`th value (from 1) of a statement.
    package func placeholder(_ number: Int) -> String {
        dialect == .sqlite ? "?\(number)" : "$\(number)"
    }

    /// The statements that store `rows` and add them to the daily roll-ups, each with its values,
    /// in as few statements as the dialect's bind limit allows; run them in one transaction.
    package func inserts(_ rows: [LedgerRow]) -> [(statement: String, values: [LedgerRow.Value])] {
        let requests = statements(rows, columns: LedgerRow.columns.count).map { chunk in
            (insertRequests(rowCount: chunk.count), chunk.flatMap(\.values))
        }
        let daily = statements(DailyUsage.increments(of: rows), columns: Self.dailyColumns.count).map { chunk in
            (addToDaily(rowCount: chunk.count), chunk.flatMap(\.values))
        }
        return requests + daily
    }

    /// Stores `rowCount` rows: `LedgerRow.values` of each, one after the other. A row already
    /// stored (the same id) is left as it is.
    package func insertRequests(rowCount: Int) -> String {
        let columns = LedgerRow.columns.count
        let rows = (0..<rowCount).map { row in
            "(" + (1...columns).map { placeholder(row * columns + $0) }.joined(separator: ",") + ")"
        }
        return "INSERT INTO requests (\(LedgerRow.columns.joined(separator: ","))) VALUES \(rows.joined(separator: ",")) ON CONFLICT (id) DO NOTHING"
    }

    /// The columns of `usage_daily` that `addToDaily` binds, in order.
    package static let dailyColumns = [
        "day", "client_key", "provider", "upstream_model", "requests", "errors", "input_tokens", "output_tokens", "cache_read_tokens",
        "cache_write_tokens", "web_search_requests", "cost_usd", "unpriced_requests", "duration_ms",
    ]

    /// Adds `rowCount` increments (`dailyColumns` of each; no two for the same day, key and
    /// target) to the daily roll-ups.
    package func addToDaily(rowCount: Int) -> String {
        let columns = Self.dailyColumns.count
        let rows = (0..<rowCount).map { row in
            "(" + (1...columns).map { placeholder(row * columns + $0) }.joined(separator: ",") + ")"
        }
        let sums = Self.dailyColumns.dropFirst(4).map { "\($0) = usage_daily.\($0) + excluded.\($0)" }
        return """
            INSERT INTO usage_daily (\(Self.dailyColumns.joined(separator: ","))) VALUES \(rows.joined(separator: ","))
            ON CONFLICT (day, client_key, provider, upstream_model) DO UPDATE SET \(sums.joined(separator: ", "))
            """
    }

    /// A report's groups (columns `key` and `UsageSummary`'s sums), binding the first and the
    /// last day: from the roll-ups, or from the requests for sessions.
    package func summaries(_ grouping: UsageQuery.Grouping) -> String {
        switch grouping {
        case .day, .model, .key:
            let key = grouping == .day ? "day" : grouping == .model ? "provider || '/' || upstream_model" : "client_key"
            let sums = Self.dailyColumns[4...].filter { $0 != "duration_ms" }.map { column in
                column == "cost_usd" ? "SUM(cost_usd) AS cost_usd" : "\(integerSum(column)) AS \(column)"
            }
            return """
                SELECT \(key) AS key, \(sums.joined(separator: ", ")) FROM usage_daily
                WHERE day >= \(placeholder(1)) AND day <= \(placeholder(2)) GROUP BY 1 ORDER BY 1
                """
        case .session:
            // The last day's requests are those before the next day began: `<= day` would miss them.
            return """
                SELECT COALESCE(session_id, '') AS key, \(requestSums) FROM requests
                WHERE started_at >= \(placeholder(1)) AND started_at < \(placeholder(2)) GROUP BY 1 ORDER BY MIN(started_at)
                """
        }
    }

    /// One session's sums (`UsageSummary`'s), binding its id.
    package var sessionSummary: String {
        "SELECT session_id AS key, \(requestSums) FROM requests WHERE session_id = \(placeholder(1)) GROUP BY session_id"
    }

    /// The newest requests, binding how many.
    package var recentRequests: String {
        "SELECT \(LedgerRow.columns.joined(separator: ", ")) FROM requests ORDER BY started_at DESC LIMIT \(placeholder(1))"
    }

    /// Columns `target`, `status`, `duration_ms`, `ttfb_ms` of the requests since a time (bound).
    package var latencySamples: String {
        """
        SELECT provider || '/' || upstream_model AS target, status, duration_ms, ttfb_ms FROM requests
        WHERE started_at >= \(placeholder(1)) AND provider != ''
        """
    }

    /// Deletes the requests that started before a time (bound).
    package var deleteRequests: String {
        "DELETE FROM requests WHERE started_at < \(placeholder(1))"
    }

    /// Stores a new key (`ClientKey.values`), returning its name; nothing when the name is taken.
    package var insertKey: String {
        let placeholders = (1...ClientKey.columns.count).map(placeholder).joined(separator: ",")
        return "INSERT INTO client_keys (\(ClientKey.columns.joined(separator: ","))) VALUES (\(placeholders)) ON CONFLICT DO NOTHING RETURNING name"
    }

    /// The positions in `ClientKey.values` of what `updateKey` changes: limits, expiry, revocation.
    package static let updatedKeyColumns = [4, 5, 6, 7, 8, 10, 11]

    /// Replaces a key's limits, expiry and revocation (its id, salt, hash and creation stay),
    /// binding its name, then the `updatedKeyColumns` of its values; returns its name, nothing
    /// when there is no such key.
    package var updateKey: String {
        let changed = Self.updatedKeyColumns.enumerated().map { "\(ClientKey.columns[$0.element]) = \(placeholder($0.offset + 2))" }
        return "UPDATE client_keys SET \(changed.joined(separator: ", ")) WHERE name = \(placeholder(1)) RETURNING name"
    }

    /// Every key, by name.
    package var allKeys: String {
        "SELECT \(ClientKey.columns.joined(separator: ", ")) FROM client_keys ORDER BY name"
    }

    /// Columns `client_key`, `day`, `cost_usd`: each key's priced spend per day since a day (bound).
    package var spendByKeyAndDay: String {
        "SELECT client_key, day, SUM(cost_usd) AS cost_usd FROM usage_daily WHERE day >= \(placeholder(1)) AND client_key != '' GROUP BY client_key, day"
    }

    /// Columns `client_key`, `last_used`: when each key was last used.
    package var lastUseByKey: String {
        "SELECT client_key, MAX(started_at) AS last_used FROM requests WHERE client_key != '' GROUP BY client_key"
    }

    /// `UsageSummary`'s sums over rows of `requests`.
    private var requestSums: String {
        """
        COUNT(*) AS requests, \(count("status >= 400")) AS errors, \(integerSum("input_tokens")) AS input_tokens,
        \(integerSum("output_tokens")) AS output_tokens, \(integerSum("cache_read_tokens")) AS cache_read_tokens,
        \(integerSum("cache_write_tokens")) AS cache_write_tokens, \(integerSum("web_search_requests")) AS web_search_requests,
        COALESCE(SUM(cost_usd), 0) AS cost_usd, \(count("cost_usd IS NULL")) AS unpriced_requests
        """
    }

    /// The sum of an integer column as an integer (PostgreSQL's SUM of a BIGINT is a NUMERIC).
    private func integerSum(_ column: String) -> String {
        dialect == .sqlite ? "SUM(\(column))" : "SUM(\(column))::BIGINT"
    }

    /// How many rows meet `condition`.
    private func count(_ condition: String) -> String {
        dialect == .sqlite ? "SUM(\(condition))" : "COUNT(*) FILTER (WHERE \(condition))"
    }
}
