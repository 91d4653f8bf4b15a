/// Usage as people read it in a terminal: the `usage` command's table and Claude Code's status
/// line.
package enum UsageText {
    /// A table with a header, one line per group and the total; numbers right-aligned.
    package static func table(_ summaries: [UsageSummary], grouping: UsageQuery.Grouping) -> String {
        let header = [grouping.rawValue, "requests", "errors", "input", "output", "cache read", "cache write", "searches", "cost"]
        var rows = summaries.map { line(for: $0, key: $0.key.isEmpty ? "(none)" : $0.key) }
        rows.append(line(for: UsageSummary.total(summaries), key: "total"))
        return aligned([header] + rows)
    }

    /// Rows of cells in columns: the first left-aligned, the others right-aligned.
    package static func aligned(_ table: [[String]]) -> String {
        let widths = (table.first ?? []).indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        return table.map { cells in
            cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// `openai/gpt-4.1 · session 12.3k tokens $0.42 · today $3.10`.
    package static func statusLine(target: String, session: UsageSummary?, today: UsageSummary?) -> String {
        var parts = [target]
        if let session, session.requests > 0 {
            let tokens = session.inputTokens + session.outputTokens + session.cacheReadTokens + session.cacheWriteTokens
            parts.append("session \(compact(tokens)) tokens \(cost(session))")
        }
        if let today, today.requests > 0 { parts.append("today \(cost(today))") }
        return parts.joined(separator: " · ")
    }

    /// `$0.42`, `unknown price`, or `$0.42 + 3 unpriced` when some requests' prices are unknown.
    package static func cost(_ summary: UsageSummary) -> String {
        guard let known = summary.costUSD else { return "unknown price" }
        let dollars = dollars(known)
        return summary.unpricedRequests > 0 ? "\(dollars) + \(summary.unpricedRequests) unpriced" : dollars
    }

    /// Two decimals, four below a cent (`$0.0042`), so small sessions do not read as free.
    package static func dollars(_ value: Double) -> String {
        let decimals = value > 0 && value < 0.01 ? 4 : 2
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let units = Int64((value * scale).rounded())
        let whole = units / Int64(scale)
        let fraction = String(units % Int64(scale))
        return "$\(whole).\(String(repeating: "0", count: decimals - fraction.count))\(fraction)"
    }

    /// `950`, `12.3k`, `4.5M`.
    static func compact(_ count: Int) -> String {
        func oneDecimal(_ value: Int, _ unit: Int, _ suffix: String) -> String {
            let tenths = (value * 10 + unit / 2) / unit
            return tenths % 10 == 0 ? "\(tenths / 10)\(suffix)" : "\(tenths / 10).\(tenths % 10)\(suffix)"
        }
        if count >= 1_000_000 { return oneDecimal(count, 1_000_000, "M") }
        if count >= 1_000 { return oneDecimal(count, 1_000, "k") }
        return String(count)
    }

    private static func line(for summary: UsageSummary, key: String) -> [String] {
        [
            key, String(summary.requests), String(summary.errors), compact(summary.inputTokens), compact(summary.outputTokens),
            compact(summary.cacheReadTokens), compact(summary.cacheWriteTokens), String(summary.webSearchRequests), cost(summary),
        ]
    }
}
