extension ClientKey {
    /// The `client_keys` table's columns, in the order of `values`.
    package static let columns = [
        "name", "lookup_id", "salt", "hash", "budget_usd", "budget_period", "rpm", "tpm", "models", "created_at", "expires_at", "revoked_at",
    ]

    /// The columns' values, in `columns` order (times as ISO 8601 text, models comma-separated).
    package var values: [LedgerRow.Value] {
        func time(_ time: UTCTime?) -> LedgerRow.Value { time.map { .text($0.iso8601) } ?? .null }
        func integer(_ number: Int?) -> LedgerRow.Value { number.map { .integer(Int64($0)) } ?? .null }
        return [
            .text(name), .text(lookupID), .text(salt), .text(hash), limits.budgetUSD.map(LedgerRow.Value.real) ?? .null,
            .text(limits.budgetPeriod.rawValue), integer(limits.requestsPerMinute), integer(limits.tokensPerMinute),
            .text(limits.models.joined(separator: ",")), time(createdAt), time(expiresAt), time(revokedAt),
        ]
    }

    /// A key read back by column name; nil when a required column is missing.
    package init?(columns: [String: LedgerRow.Value]) {
        guard let name = columns.text("name"), let lookupID = columns.text("lookup_id"), let salt = columns.text("salt"), let hash = columns.text("hash"),
            let createdAt = columns.text("created_at").flatMap(UTCTime.init(iso8601:))
        else { return nil }
        let limits = ClientKeyLimits(
            budgetUSD: columns.real("budget_usd"), budgetPeriod: columns.text("budget_period").flatMap(BudgetPeriod.init(rawValue:)) ?? .month,
            requestsPerMinute: columns.integer("rpm"), tokensPerMinute: columns.integer("tpm"),
            models: (columns.text("models") ?? "").split(separator: ",").map(String.init))
        self.init(
            name: name, lookupID: lookupID, salt: salt, hash: hash, limits: limits, createdAt: createdAt,
            expiresAt: columns.text("expires_at").flatMap(UTCTime.init(iso8601:)), revokedAt: columns.text("revoked_at").flatMap(UTCTime.init(iso8601:)))
    }
}
