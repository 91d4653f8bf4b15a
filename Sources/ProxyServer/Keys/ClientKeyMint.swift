import Crypto
import ProxyCore

/// Makes client keys and recognises them: `sk-proxy-` and 40 random letters and digits (238
/// bits), kept only as HMAC-SHA-256 under a random salt of its own, compared in constant time.
enum ClientKeyMint {
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// A new key (shown once) and what the proxy keeps of it, with no limits yet.
    static func make(name: String, now: UTCTime) -> (secret: String, key: ClientKey) {
        var generator = SystemRandomNumberGenerator()
        let body = String(decoding: (0..<40).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] }, as: UTF8.self)
        let secret = ClientKey.prefix + body
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let key = ClientKey(
            name: name, lookupID: String(body.prefix(ClientKey.lookupIDLength)), salt: salt.hexDigits, hash: digest(secret, salt: salt).hexDigits,
            limits: ClientKeyLimits(), createdAt: now)
        return (secret, key)
    }

    /// Whether `presented` is the key `key` keeps.
    static func matches(_ presented: String, _ key: ClientKey) -> Bool {
        guard let salt = [UInt8](hexDigits: key.salt), let expected = [UInt8](hexDigits: key.hash) else { return false }
        return ClientAuthenticator.constantTimeEquals(digest(presented, salt: salt), expected)
    }

    private static func digest(_ secret: String, salt: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(secret.utf8), using: SymmetricKey(data: salt)))
    }
}
