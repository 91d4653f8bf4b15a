/// A client key as the proxy keeps it: a name, limits, and what recognises the key (a salted,
/// keyed hash), never the key itself. The key is `sk-proxy-` followed by 40 letters and digits; its
/// first 8 (`lookupID`) find its row.
package struct ClientKey: Sendable, Equatable {
    package static let prefix = "sk-proxy-"
    package static let lookupIDLength = 8

    /// How people and the ledger's `client_key` column name it.
    package var name: String
    package var lookupID: String
    /// Hex of the random salt and of HMAC-SHA-256(salt, key).
    package var salt: String
    package var hash: String
    package var limits: ClientKeyLimits
    package var createdAt: UTCTime
    package var expiresAt: UTCTime?
    package var revokedAt: UTCTime?

    package init(
        name: String, lookupID: String, salt: String, hash: String, limits: ClientKeyLimits, createdAt: UTCTime, expiresAt: UTCTime? = nil,
        revokedAt: UTCTime? = nil
    ) {
        self.name = name
        self.lookupID = lookupID
        self.salt = salt
        self.hash = hash
        self.limits = limits
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    /// The lookup id of a presented key, or nil when it is not shaped as this proxy's keys are.
    package static func lookupID(of presented: String) -> String? {
        guard presented.hasPrefix(prefix), presented.utf8.count == prefix.utf8.count + 40 else { return nil }
        let body = presented.dropFirst(prefix.count)
        guard body.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0 | 0x20) })
        else { return nil }
        return String(body.prefix(lookupIDLength))
    }

    /// Why the key cannot be used at `now`, or nil when it can.
    package func unusable(at now: UTCTime) -> String? {
        if let revokedAt, revokedAt <= now { return "was revoked on \(revokedAt.day)" }
        if let expiresAt, expiresAt <= now { return "expired on \(expiresAt.iso8601)" }
        return nil
    }

    /// A name people can type and the ledger can group by: letters, digits, `.`, `_`, `-`, `@`; 1 to 64.
    package static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
                    || [UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "@")].contains(byte)
            }
    }
}
