import ProxyCore

/// Client keys live in the usage database (table `client_keys`), beside the spend they are held to.
extension UsageStore {
    /// Stores a new key; false when its name is taken.
    package func createKey(_ key: ClientKey) async throws -> Bool {
        try await !rows(sql.insertKey, key.values).isEmpty
    }

    /// Replaces a key's limits, expiry and revocation; false when there is no key of that name.
    package func updateKey(_ key: ClientKey) async throws -> Bool {
        let values = key.values
        return try await !rows(sql.updateKey, [values[0]] + UsageSQL.updatedKeyColumns.map { values[$0] }).isEmpty
    }

    /// Every key, revoked and expired ones too, by name.
    package func keys() async throws -> [ClientKey] {
        try await rows(sql.allKeys, []).compactMap(ClientKey.init(columns:))
    }

    /// What each key spent (priced requests) in its budget period holding `now`.
    package func spend(of keys: [ClientKey], at now: UTCTime) async throws -> [String: Double] {
        let periods = Dictionary(keys.map { ($0.name, $0.limits.budgetPeriod) }) { first, _ in first }
        guard let earliest = periods.values.map({ $0.start(of: now) }).min() else { return [:] }
        var spend: [String: Double] = [:]
        for row in try await rows(sql.spendByKeyAndDay, [.text(earliest.day)]) {
            guard let name = row.text("client_key"), let day = row.text("day"), let period = periods[name], day >= period.start(of: now).day
            else { continue }
            spend[name, default: 0] += row.real("cost_usd") ?? 0
        }
        return spend
    }

    /// When each key was last used (ISO 8601), from the requests still kept.
    package func lastUse() async throws -> [String: String] {
        var lastUse: [String: String] = [:]
        for row in try await rows(sql.lastUseByKey, []) {
            if let name = row.text("client_key"), let time = row.text("last_used") { lastUse[name] = time }
        }
        return lastUse
    }
}

/// What `anthropic-proxy keys` and `/admin/keys` do, the same way.
extension UsageStore {
    /// Makes a key named `name` with `change`'s limits; the secret is shown once and never kept.
    package func createKey(named name: String, _ change: ClientKeyChange, now: UTCTime) async throws -> (secret: String, key: ClientKey) {
        guard ClientKey.isValidName(name) else {
            throw AnthropicError.invalidRequest("name: '\(name)' is not a key name; use 1 to 64 letters, digits, '.', '_', '-' or '@'")
        }
        let (secret, minted) = ClientKeyMint.make(name: name, now: now)
        let key = change.applied(to: minted)
        guard try await createKey(key) else {
            throw AnthropicError(.invalidRequest, "A key named '\(name)' exists already; update it, or revoke it and make another.", status: 409)
        }
        return (secret, key)
    }

    /// Changes the limits or expiry of the key named `name`.
    package func updateKey(named name: String, _ change: ClientKeyChange) async throws -> ClientKey {
        let key = change.applied(to: try await key(named: name))
        guard try await updateKey(key) else { throw Self.noKey(name) }
        return key
    }

    /// Revokes the key named `name` (its rows stay, for the ledger's reports).
    package func revokeKey(named name: String, now: UTCTime) async throws -> ClientKey {
        var key = try await key(named: name)
        if key.revokedAt == nil { key.revokedAt = now }
        guard try await updateKey(key) else { throw Self.noKey(name) }
        return key
    }

    /// Every key with what it spent this period and when it was last used.
    package func keyListings(now: UTCTime) async throws -> [ClientKeyListing] {
        let keys = try await keys()
        let spend = try await spend(of: keys, at: now)
        let lastUse = try await lastUse()
        return keys.map { ClientKeyListing(key: $0, spentUSD: spend[$0.name] ?? 0, lastUsed: lastUse[$0.name]) }
    }

    /// The key named `name` with what it spent this period and when it was last used.
    package func keyListing(named name: String, now: UTCTime) async throws -> ClientKeyListing {
        guard let listing = try await keyListings(now: now).first(where: { $0.key.name == name }) else { throw Self.noKey(name) }
        return listing
    }

    package func key(named name: String) async throws -> ClientKey {
        guard let key = try await keys().first(where: { $0.name == name }) else { throw Self.noKey(name) }
        return key
    }

    private static func noKey(_ name: String) -> AnthropicError {
        AnthropicError(.notFound, "There is no client key named '\(name)'; anthropic-proxy keys list shows them.")
    }
}
