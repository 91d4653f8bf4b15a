import Synchronization

/// The dashboard's logins: a random token per login, kept in memory (a restart logs everyone
/// out), valid while `ADMIN_API_KEY` is the key it was given for.
final class AdminSessions: Sendable {
    static let cookieName = "anthropic_proxy_admin"

    private let tokens = Mutex<[String: String]>([:])

    /// A new session for whoever presented `adminKey`; its token goes in the cookie.
    func open(for adminKey: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let token = (0..<4).map { _ in String(generator.next() as UInt64, radix: 16) }.joined(separator: "-")
        tokens.withLock { $0[token] = adminKey }
        return token
    }

    /// Whether `token` was given for the admin key that is configured now.
    func isValid(_ token: String, currentKey: String?) -> Bool {
        guard let currentKey else { return false }
        return tokens.withLock { $0[token] } == currentKey
    }
}
