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
        func text(_ name: String) -> String? {
            if case .text(let text)? = columns[name] { return text }
            return nil
        }
        func integer(_ name: String) -> Int? {
            if case .integer(let number)? = columns[name] { return Int(number) }
            return nil
        }
        guard let name = text("name"), let lookupID = text("lookup_id"), let salt = text("salt"), let hash = text("hash"),
            let createdAt = text("created_at").flatMap(UTCTime.init(iso8601:))
        else { return nil }
        var budget: Double?
        switch columns["budget_usd"] {
        case .real(let amount)?: budget = amount
        case .integer(let amount)?: budget = Double(amount)
        default: budget = nil
        }
        let limits = ClientKeyLimits(
            budgetUSD: budget, budgetPeriod: text("budget_period").flatMap(BudgetPeriod.init(rawValue:)) ?? .month,
            requestsPerMinute: integer("rpm"), tokensPerMinute: integer("tpm"),
            models: (text("models") ?? "").split(separator: ",").map(String.init))
        self.init(
            name: name, lookupID: lookupID, salt: salt, hash: hash, limits: limits, createdAt: createdAt,
            expiresAt: text("expires_at").flatMap(UTCTime.init(iso8601:)), revokedAt: text("revoked_at").flatMap(UTCTime.init(iso8601:)))
    }
}
