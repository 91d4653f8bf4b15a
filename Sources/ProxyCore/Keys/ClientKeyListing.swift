/// A client key as `keys list` and `GET /admin/keys` show it: its limits, what it spent this
/// period, when it was last used; never the key.
package struct ClientKeyListing: Sendable, Equatable {
    package var key: ClientKey
    package var spentUSD: Double
    /// ISO 8601; nil when no request of it is kept.
    package var lastUsed: String?

    package init(key: ClientKey, spentUSD: Double, lastUsed: String?) {
        self.key = key
        self.spentUSD = spentUSD
        self.lastUsed = lastUsed
    }

    /// `active`, `revoked` or `expired`.
    package func status(at now: UTCTime) -> String {
        if let revokedAt = key.revokedAt, revokedAt <= now { return "revoked" }
        if let expiresAt = key.expiresAt, expiresAt <= now { return "expired" }
        return "active"
    }

    package func json(at now: UTCTime) -> JSONValue {
        let limits = key.limits
        func time(_ time: UTCTime?) -> JSONValue { time.map { .string($0.iso8601) } ?? .null }
        return [
            "name": .string(key.name), "status": .string(status(at: now)), "budget_usd": limits.budgetUSD.map(JSONValue.double) ?? .null,
            "budget_period": .string(limits.budgetPeriod.rawValue), "spent_usd": .double(spentUSD),
            "budget_resets_at": .string(limits.budgetPeriod.end(of: now).iso8601),
            "rpm": limits.requestsPerMinute.map(JSONValue.int) ?? .null, "tpm": limits.tokensPerMinute.map(JSONValue.int) ?? .null,
            "models": .array(limits.models.map(JSONValue.string)), "created_at": time(key.createdAt), "expires_at": time(key.expiresAt),
            "revoked_at": time(key.revokedAt), "last_used": lastUsed.map(JSONValue.string) ?? .null,
        ]
    }

    /// The `keys list` table: one line per key.
    package static func table(_ listings: [ClientKeyListing], at now: UTCTime) -> String {
        let header = ["name", "status", "spent", "budget", "rpm", "tpm", "models", "expires", "last used"]
        let rows = listings.map { listing -> [String] in
            let limits = listing.key.limits
            return [
                listing.key.name, listing.status(at: now), UsageText.dollars(listing.spentUSD),
                limits.budgetUSD.map { "\(UsageText.dollars($0))/\(limits.budgetPeriod.rawValue)" } ?? "-",
                limits.requestsPerMinute.map(String.init) ?? "-", limits.tokensPerMinute.map(String.init) ?? "-",
                limits.models.isEmpty ? "all" : limits.models.joined(separator: ","), listing.key.expiresAt?.day ?? "never",
                listing.lastUsed.map { String($0.prefix(16)).replacing("T", with: " ") } ?? "never",
            ]
        }
        return UsageText.aligned([header] + rows)
    }
}
