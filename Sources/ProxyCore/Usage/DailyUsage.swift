/// A row of the ledger's daily roll-up: what one client key's requests to one target used on one
/// day. Reports over weeks and months read these, not every request.
package struct DailyUsage: Sendable, Equatable {
    package var day: String
    package var clientKey: String
    package var provider: String
    package var upstreamModel: String
    package var usage: UsageSummary
    package var durationMilliseconds = 0

    /// The roll-up rows a batch of requests adds to, in the order their keys first appear.
    package static func increments(of rows: [LedgerRow]) -> [DailyUsage] {
        var order: [String] = []
        var byKey: [String: DailyUsage] = [:]
        for row in rows {
            let key = [row.day, row.clientKey, row.provider, row.upstreamModel].joined(separator: "\u{0}")
            var daily =
                byKey[key]
                ?? DailyUsage(day: row.day, clientKey: row.clientKey, provider: row.provider, upstreamModel: row.upstreamModel, usage: UsageSummary(key: key))
            if byKey[key] == nil { order.append(key) }
            daily.usage.add(row)
            daily.durationMilliseconds += row.durationMilliseconds
            byKey[key] = daily
        }
        return order.compactMap { byKey[$0] }
    }

    /// The values of `UsageSQL.dailyColumns`, in order.
    package var values: [LedgerRow.Value] {
        [.text(day), .text(clientKey), .text(provider), .text(upstreamModel)]
            + [usage.requests, usage.errors, usage.inputTokens, usage.outputTokens, usage.cacheReadTokens, usage.cacheWriteTokens, usage.webSearchRequests]
            .map { .integer(Int64($0)) }
            + [.real(usage.pricedCostUSD), .integer(Int64(usage.unpricedRequests)), .integer(Int64(durationMilliseconds))]
    }
}

extension UsageSummary {
    /// Counts one request in.
    package mutating func add(_ row: LedgerRow) {
        requests += 1
        if row.status >= 400 { errors += 1 }
        inputTokens += row.inputTokens
        outputTokens += row.outputTokens
        cacheReadTokens += row.cacheReadTokens
        cacheWriteTokens += row.cacheWriteTokens
        webSearchRequests += row.webSearchRequests
        if let cost = row.costUSD { pricedCostUSD += cost } else { unpricedRequests += 1 }
    }
}
