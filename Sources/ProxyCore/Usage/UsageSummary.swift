/// What a group of requests used and cost, as usage reports show it.
package struct UsageSummary: Sendable, Equatable {
    /// The group: a day, `provider/model`, a client key's name, or a session.
    package var key: String
    package var requests = 0
    /// Requests the client got an error for (status 400 or more).
    package var errors = 0
    package var inputTokens = 0
    package var outputTokens = 0
    package var cacheReadTokens = 0
    package var cacheWriteTokens = 0
    package var webSearchRequests = 0
    /// The cost of the requests whose model has known prices.
    package var pricedCostUSD = 0.0
    /// Requests whose model's prices are unknown: their cost is not in `pricedCostUSD`.
    package var unpricedRequests = 0

    package init(key: String) {
        self.key = key
    }

    /// A summary read back from a database row whose columns are named as `json`'s keys.
    /// - Parameters:
    ///   - integer: the named integer column's value.
    ///   - cost: the `cost_usd` column's value (the priced requests' cost).
    package init(key: String, integer: (String) -> Int, cost: () -> Double) {
        self.key = key
        requests = integer("requests")
        errors = integer("errors")
        inputTokens = integer("input_tokens")
        outputTokens = integer("output_tokens")
        cacheReadTokens = integer("cache_read_tokens")
        cacheWriteTokens = integer("cache_write_tokens")
        webSearchRequests = integer("web_search_requests")
        pricedCostUSD = cost()
        unpricedRequests = integer("unpriced_requests")
    }

    /// The cost when any of it is known; nil ("unknown price") when none is.
    package var costUSD: Double? {
        unpricedRequests == requests && requests > 0 ? nil : pricedCostUSD
    }

    package var json: JSONValue {
        [
            "key": .string(key), "requests": .int(requests), "errors": .int(errors), "input_tokens": .int(inputTokens),
            "output_tokens": .int(outputTokens), "cache_read_tokens": .int(cacheReadTokens), "cache_write_tokens": .int(cacheWriteTokens),
            "web_search_requests": .int(webSearchRequests), "cost_usd": costUSD.map(JSONValue.double) ?? .null,
            "unpriced_requests": .int(unpricedRequests),
        ]
    }

    /// The sum of several groups, under `key`.
    package static func total(_ summaries: [UsageSummary], key: String = "total") -> UsageSummary {
        var total = UsageSummary(key: key)
        for summary in summaries {
            total.requests += summary.requests
            total.errors += summary.errors
            total.inputTokens += summary.inputTokens
            total.outputTokens += summary.outputTokens
            total.cacheReadTokens += summary.cacheReadTokens
            total.cacheWriteTokens += summary.cacheWriteTokens
            total.webSearchRequests += summary.webSearchRequests
            total.pricedCostUSD += summary.pricedCostUSD
            total.unpricedRequests += summary.unpricedRequests
        }
        return total
    }
}
