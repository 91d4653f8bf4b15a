/// One client key's standing on this instance: the key, what it spent this period, the requests
/// and tokens of its last minute. Decides whether a request may start; a request that started is
/// never cut for its key's limits.
package struct ClientKeyAccount: Sendable {
    package var key: ClientKey
    /// This period's spend as the usage database last reported it (every instance's requests).
    package var recordedSpendUSD = 0.0
    /// This instance's spend not in that figure yet (requests finished since the ledger last wrote).
    package var unrecordedSpendUSD = 0.0
    package var requests = RateWindow()
    package var tokens = RateWindow()

    package init(key: ClientKey) {
        self.key = key
    }

    package var spentUSD: Double { recordedSpendUSD + unrecordedSpendUSD }

    /// Counts a request in, or says why it may not start: a model the key may not use (403), a
    /// budget spent (403: never a status a client retries), a rate limit (429 with `retry-after`).
    package mutating func admit(clientModel: String, target: RouteTarget, now: UTCTime) throws(AnthropicError) {
        try checkAccess(clientModel: clientModel, target: target, now: now)
        try Self.checkRates(of: key, requests: requests, tokens: tokens, now: now)
        requests.add(1, at: now)
    }

    /// The 403 for a model the key may not use or a budget it has spent.
    package func checkAccess(clientModel: String, target: RouteTarget, now: UTCTime) throws(AnthropicError) {
        let limits = key.limits
        if !ModelAllowList(limits.models).allows(clientModel: clientModel, target: target) {
            throw AnthropicError(
                .permission,
                "The client key '\(key.name)' may not use \(clientModel) (routed to \(target.qualifiedModel)); it may use: \(limits.models.joined(separator: ", ")). Ask the proxy's admin to change the key's models.")
        }
        if let budget = limits.budgetUSD, spentUSD >= budget {
            let reset = limits.budgetPeriod.end(of: now)
            throw AnthropicError(
                .permission,
                "The client key '\(key.name)' has spent its budget: \(UsageText.dollars(spentUSD)) of \(UsageText.dollars(budget)) this \(limits.budgetPeriod.rawValue). It resets at \(reset.iso8601) (in \(Self.span(from: now, to: reset))); ask the proxy's admin to raise it before then.")
        }
    }

    /// The 429 when the last minute's `requests` or `tokens` (this instance's, or every
    /// instance's) already reach `key`'s limits.
    package static func checkRates(of key: ClientKey, requests: RateWindow, tokens: RateWindow, now: UTCTime) throws(AnthropicError) {
        if let limit = key.limits.requestsPerMinute, requests.total(at: now) >= limit {
            throw rateLimited(key.name, "\(limit) requests", retryAfter: requests.secondsUntilBelow(limit, at: now))
        }
        if let limit = key.limits.tokensPerMinute, tokens.total(at: now) >= limit {
            throw rateLimited(key.name, "\(limit) tokens", retryAfter: tokens.secondsUntilBelow(limit, at: now))
        }
    }

    /// Tokens a finished request counts against tokens a minute: input, cache writes and output
    /// (cache reads are not counted, as in Anthropic's limits).
    package static func rateTokens(_ usage: Usage) -> Int {
        usage.inputTokens + usage.cacheCreationInputTokens + usage.outputTokens
    }

    /// Counts a finished request's tokens (see `rateTokens`) and its cost, which the database does
    /// not hold yet.
    package mutating func finished(usage: Usage, costUSD: Double?, at time: UTCTime) {
        tokens.add(Self.rateTokens(usage), at: time)
        unrecordedSpendUSD += costUSD ?? 0
    }

    private static func rateLimited(_ name: String, _ limit: String, retryAfter seconds: Int) -> AnthropicError {
        AnthropicError(
            .rateLimit, "The client key '\(name)' may send \(limit) a minute and has reached that; retry in \(seconds) s.",
            headers: ["retry-after": String(seconds)])
    }

    /// `3 h 20 min`, `2 d 4 h`, `45 s`.
    static func span(from start: UTCTime, to end: UTCTime) -> String {
        let seconds = max(0, (end.millisecondsSince1970 - start.millisecondsSince1970) / 1000)
        if seconds < 60 { return "\(seconds) s" }
        if seconds < 3600 { return "\(seconds / 60) min" }
        if seconds < 86_400 { return "\(seconds / 3600) h \(seconds % 3600 / 60) min" }
        return "\(seconds / 86_400) d \(seconds % 86_400 / 3600) h"
    }
}
