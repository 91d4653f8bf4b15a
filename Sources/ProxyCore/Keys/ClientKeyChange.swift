/// What creating or updating a client key sets, read from the admin API's JSON (and from
/// `anthropic-proxy keys`' options, which the command writes as that JSON): `budget_usd`,
/// `budget_period` (day, week, month), `rpm`, `tpm`, `models` (a list, or one comma-separated
/// text), `expires` (`30d`, `12h`, a day, or an ISO 8601 time). A member left out is unchanged;
/// `null` (or `none`) removes the limit.
package struct ClientKeyChange: Sendable, Equatable {
    /// The members it knows; any other is refused, so that a typo is not silently ignored.
    package static let members = ["name", "budget_usd", "budget_period", "rpm", "tpm", "models", "expires"]

    package var budgetUSD: Double??
    package var budgetPeriod: BudgetPeriod?
    package var requestsPerMinute: Int??
    package var tokensPerMinute: Int??
    package var models: [String]?
    package var expiresAt: UTCTime??

    package init(json: JSONValue, now: UTCTime) throws(AnthropicError) {
        guard case .object(let object) = json else { throw .invalidRequest("The body must be a JSON object, not \(json.typeName).") }
        for member in object.keys where !Self.members.contains(member) {
            throw .invalidRequest("\(member): not a key setting; use \(Self.members.dropFirst().joined(separator: ", "))")
        }
        if let value = object["budget_usd"] {
            budgetUSD = .some(try Self.optional(value) { value throws(AnthropicError) in
                guard let amount = value.doubleValue, amount >= 0, amount.isFinite else {
                    throw .invalidRequest("budget_usd: must be a number of dollars, 0 or more")
                }
                return amount
            })
        }
        if let value = object["budget_period"] {
            guard let text = value.stringValue, let period = BudgetPeriod(rawValue: text.lowercased()) else {
                throw .invalidRequest("budget_period: must be one of day, week, month")
            }
            budgetPeriod = period
        }
        // `.some(nil)`: a limit removed, not left unchanged.
        if let value = object["rpm"] { requestsPerMinute = .some(try Self.optional(value) { value throws(AnthropicError) in try Self.positive(value, "rpm") }) }
        if let value = object["tpm"] { tokensPerMinute = .some(try Self.optional(value) { value throws(AnthropicError) in try Self.positive(value, "tpm") }) }
        if let value = object["models"] {
            let listed: [String]
            if let text = value.stringValue {
                listed = text.split(separator: ",").map { $0.trimmingWhitespace() }
            } else if let array = value.arrayValue, array.allSatisfy({ $0.stringValue != nil }) {
                listed = array.compactMap(\.stringValue).map { $0.trimmingWhitespace() }
            } else if value.isNull {
                listed = []
            } else {
                throw .invalidRequest("models: must be a list of model patterns (sonnet, openai/*), or one comma-separated text")
            }
            models = listed.filter { !$0.isEmpty }
        }
        if let value = object["expires"] {
            expiresAt = .some(try Self.optional(value) { value throws(AnthropicError) in
                guard let text = value.stringValue, let time = Self.time(text, now: now) else {
                    throw .invalidRequest("expires: must be a span from now (30d, 12h), a day (2027-01-31) or an ISO 8601 time, or null for never")
                }
                return time
            })
        }
    }

    /// The key with this change made.
    package func applied(to key: ClientKey) -> ClientKey {
        var key = key
        if let budgetUSD { key.limits.budgetUSD = budgetUSD }
        if let budgetPeriod { key.limits.budgetPeriod = budgetPeriod }
        if let requestsPerMinute { key.limits.requestsPerMinute = requestsPerMinute }
        if let tokensPerMinute { key.limits.tokensPerMinute = tokensPerMinute }
        if let models { key.limits.models = models }
        if let expiresAt { key.expiresAt = expiresAt }
        return key
    }

    /// `nil` for JSON null or the text `none`, else the value read.
    private static func optional<Value>(_ value: JSONValue, _ read: (JSONValue) throws(AnthropicError) -> Value) throws(AnthropicError) -> Value? {
        if value.isNull || value.stringValue?.lowercased() == "none" { return nil }
        return try read(value)
    }

    private static func positive(_ value: JSONValue, _ name: String) throws(AnthropicError) -> Int {
        guard let number = value.intValue ?? value.stringValue.flatMap({ Int($0) }), number > 0 else {
            throw .invalidRequest("\(name): must be a whole number above 0")
        }
        return number
    }

    /// `30d`, `12h`, `45m` from now; a day (its midnight, UTC); an ISO 8601 time.
    private static func time(_ text: String, now: UTCTime) -> UTCTime? {
        let units: [Character: Int64] = ["d": 86_400_000, "h": 3_600_000, "m": 60_000]
        if let unit = text.last.flatMap({ units[$0] }), let count = Int64(text.dropLast()), count > 0 {
            return UTCTime(millisecondsSince1970: now.millisecondsSince1970 + count * unit)
        }
        return UTCTime.startOfDay(text) ?? UTCTime(iso8601: text)
    }
}
