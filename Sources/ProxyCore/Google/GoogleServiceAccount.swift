import Crypto
import CryptoExtras

/// A service account's key file (`"type": "service_account"`): the proxy signs a short-lived
/// assertion with its private key and trades it at `tokenURI` for an access token.
package struct GoogleServiceAccount: Sendable, Equatable, CustomStringConvertible {
    /// Vertex AI needs this scope; it covers every Google Cloud API the account may use.
    package static let scope = "https://www.googleapis.com/auth/cloud-platform"
    /// An assertion's lifetime: Google accepts at most an hour.
    package static let assertionLifetimeSeconds: Int64 = 3600

    package var clientEmail: String
    /// The key's id, sent as the JWT's `kid` so that Google picks the right public key at once.
    package var privateKeyID: String?
    package var tokenURI: String
    package var projectID: String?
    /// The key, parsed once when the file is read, so that a bad key is found at start-up.
    private let signingKey: _RSA.Signing.PrivateKey
    /// Its PEM text, which is what equality compares (parsed keys do not compare).
    private let privateKeyPEM: String

    /// Fails when `privateKeyPEM` is not an RSA private key in PEM form (the error says nothing of
    /// the key's text).
    package init(clientEmail: String, privateKeyPEM: String, privateKeyID: String?, tokenURI: String = GoogleCredentialSource.defaultTokenURI, projectID: String?)
        throws(GoogleServiceAccount.UnusableKey)
    {
        do {
            signingKey = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        } catch {
            throw UnusableKey()
        }
        self.clientEmail = clientEmail
        self.privateKeyPEM = privateKeyPEM
        self.privateKeyID = privateKeyID
        self.tokenURI = tokenURI
        self.projectID = projectID
    }

    /// `private_key` is not an RSA private key of 2048 bits or more in PEM form.
    package struct UnusableKey: Error, Sendable {}

    /// The JWT bearer assertion (RFC 7523) that `tokenURI` trades for an access token: RS256 over
    /// the header and claims, each base64url without padding.
    package func assertion(now: UTCTime) throws(AnthropicError) -> String {
        var header: JSONObject = ["alg": "RS256", "typ": "JWT"]
        if let privateKeyID { header["kid"] = .string(privateKeyID) }
        let issuedAt = now.millisecondsSince1970 / 1000
        let claims: JSONValue = [
            "iss": .string(clientEmail), "scope": .string(Self.scope), "aud": .string(tokenURI),
            "iat": .number(String(issuedAt)), "exp": .number(String(issuedAt + Self.assertionLifetimeSeconds)),
        ]
        let signed = Base64.encodeURL(JSONWriter.encode(.object(header))) + "." + Base64.encodeURL(JSONWriter.encode(claims))
        do {
            let signature = try signingKey.signature(for: SHA256.hash(data: Array(signed.utf8)), padding: .insecurePKCS1v1_5)
            return signed + "." + Base64.encodeURL(signature.withUnsafeBytes { Array($0) })
        } catch {
            throw AnthropicError(.api, "Could not sign a Google token request with the key of the service account \(clientEmail): \(error)")
        }
    }

    package static func == (lhs: GoogleServiceAccount, rhs: GoogleServiceAccount) -> Bool {
        lhs.clientEmail == rhs.clientEmail && lhs.privateKeyPEM == rhs.privateKeyPEM && lhs.privateKeyID == rhs.privateKeyID
            && lhs.tokenURI == rhs.tokenURI && lhs.projectID == rhs.projectID
    }

    /// Names the account, never its key.
    package var description: String { "service account \(clientEmail)" }
}
