/// The request that gets an access token for a credential source, and what its answer means. The
/// errors name the source and what to do, and never carry a key, an assertion, a refresh token or
/// an access token.
package struct GoogleTokenRequest: Sendable {
    package enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
    }

    package static let formContentType = "application/x-www-form-urlencoded"
    /// Google's tokens live an hour; an answer that does not say is taken to mean that.
    private static let defaultLifetimeSeconds: Int64 = 3600

    package var url: String
    package var method: Method
    /// Lower-cased names.
    package var headers: [String: String]
    /// A POST's form body.
    package var body: String?
    private let origin: String
    /// What to do when the credentials are refused, and when the endpoint cannot be reached.
    private let refusedAdvice: String
    private let unreachableAdvice: String
    /// What the request carries that an answer might echo back.
    private let secrets: [String]

    package init(source: GoogleCredentialSource, now: UTCTime) throws(AnthropicError) {
        origin = source.origin
        let networkAdvice = "Check this machine's network and try again."
        switch source {
        case .serviceAccount(let account, _):
            let assertion = try account.assertion(now: now)
            url = account.tokenURI
            method = .post
            headers = ["content-type": Self.formContentType]
            body = Self.form([("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion)])
            refusedAdvice =
                "Check that this key of \(account.clientEmail) is still active (IAM & Admin, Service accounts, in the Google Cloud console) and that this machine's clock is right."
            unreachableAdvice = networkAdvice
            secrets = [assertion]
        case .authorizedUser(let user, _):
            url = user.tokenURI
            method = .post
            headers = ["content-type": Self.formContentType]
            body = Self.form([
                ("grant_type", "refresh_token"), ("client_id", user.clientID), ("client_secret", user.clientSecret), ("refresh_token", user.refreshToken),
            ])
            refusedAdvice = "The login may have expired or been revoked: run `gcloud auth application-default login` again."
            unreachableAdvice = networkAdvice
            secrets = [user.clientSecret, user.refreshToken]
        case .metadataServer(let baseURL):
            url = (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/computeMetadata/v1/instance/service-accounts/default/token"
            method = .get
            headers = ["metadata-flavor": "Google"]
            body = nil
            refusedAdvice = "Check that this machine has a service account with the cloud-platform scope."
            unreachableAdvice =
                "No other Google Cloud credentials were found: set GOOGLE_APPLICATION_CREDENTIALS to a service account key file, or run `gcloud auth application-default login` (only a machine on Google Cloud has a metadata server)."
            secrets = []
        }
    }

    /// The token in a successful answer `{access_token, expires_in, token_type}`, or the error the
    /// answer means: 401 when the credentials were refused, 503 when the endpoint failed.
    package func accessToken(status: Int, body: [UInt8], receivedAt now: UTCTime) throws(AnthropicError) -> GoogleAccessToken {
        guard (200..<300).contains(status) else {
            let detail = Self.errorDetail(body, secrets: secrets)
            // 408 and 429 are the endpoint's trouble, not the credentials'.
            if (400..<500).contains(status), status != 408, status != 429 {
                throw failure(.authentication, "\(url) refused the credentials (\(status) \(detail)). \(refusedAdvice)", status: 401)
            }
            throw failure(.api, "\(url) answered \(status) (\(detail)). Try again shortly.", status: 503)
        }
        // The answer holds the token: no part of it goes into a message.
        let answer = try? JSONParser.parse(body)
        guard let value = answer?["access_token"]?.stringValue, !value.isEmpty else {
            throw failure(.api, "\(url) answered \(status) without an access token.", status: 503)
        }
        let lifetime = answer?["expires_in"].flatMap { $0.intValue ?? $0.stringValue.flatMap { Int($0) } }.map(Int64.init) ?? Self.defaultLifetimeSeconds
        return GoogleAccessToken(value: value, expiresAt: UTCTime(millisecondsSince1970: now.millisecondsSince1970 + lifetime * 1000))
    }

    /// The error for an endpoint that could not be reached or did not answer in time (`reason`).
    package func unreachable(_ reason: String) -> AnthropicError {
        failure(.api, "could not reach \(url) (\(SecretRedactor(secrets: secrets).redact(reason))). \(unreachableAdvice)", status: 503)
    }

    private func failure(_ kind: AnthropicError.Kind, _ what: String, status: Int) -> AnthropicError {
        AnthropicError(kind, "Could not get a Google Cloud access token with \(origin): \(what)", status: status)
    }

    /// An error answer in a line: OAuth's `error: error_description`, or what
    /// `UpstreamErrorMapping` reads from any other body.
    private static func errorDetail(_ body: [UInt8], secrets: [String]) -> String {
        let json = try? JSONParser.parse(body)
        let detail =
            if let error = json?["error"]?.stringValue {
                json?["error_description"]?.stringValue.map { "\(error): \($0)" } ?? error
            } else {
                UpstreamErrorMapping.upstreamMessage(body)
            }
        let line = SecretRedactor(secrets: secrets).redact(detail)
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }

    /// `application/x-www-form-urlencoded`, every value percent-encoded.
    private static func form(_ fields: [(String, String)]) -> String {
        fields.map { "\($0.0)=\($0.1.percentEncoded)" }.joined(separator: "&")
    }
}
