/// Where the proxy gets Google Cloud access tokens (for Vertex AI): a service account's key file,
/// a user's login from gcloud, or the metadata server of the Google Cloud machine it runs on.
package enum GoogleCredentialSource: Sendable, Equatable, CustomStringConvertible {
    /// `origin` names where the credentials came from, for error messages:
    /// `GOOGLE_APPLICATION_CREDENTIALS (/path/key.json)`, say.
    case serviceAccount(GoogleServiceAccount, origin: String)
    case authorizedUser(GoogleAuthorizedUser, origin: String)
    /// `baseURL` is `http://metadata.google.internal`, or `GCE_METADATA_HOST`'s.
    case metadataServer(baseURL: String)

    /// Where credential files that name none trade their grants for access tokens.
    package static let defaultTokenURI = "https://oauth2.googleapis.com/token"

    package var origin: String {
        switch self {
        case .serviceAccount(_, let origin), .authorizedUser(_, let origin): origin
        case .metadataServer(let baseURL): "the metadata server (\(baseURL))"
        }
    }

    /// The project a service account key belongs to: Vertex AI's default project.
    package var projectID: String? {
        if case .serviceAccount(let account, _) = self { return account.projectID }
        return nil
    }

    /// The project a user's requests are billed to, sent as `x-goog-user-project`.
    package var quotaProjectID: String? {
        if case .authorizedUser(let user, _) = self { return user.quotaProjectID }
        return nil
    }

    /// Names the source, never its secrets.
    package var description: String { origin }

    /// The credentials in a Google credentials file's text; errors name `origin` and what is wrong,
    /// never the file's secrets.
    package init(json text: String, origin: String) throws(ConfigurationError) {
        func problem(_ text: String) -> ConfigurationError { ConfigurationError(variable: origin, problem: text) }
        let expected = "a service account key (\"type\": \"service_account\") or gcloud's application default credentials (\"type\": \"authorized_user\")"
        let json: JSONValue
        do {
            json = try JSONParser.parse(text)
        } catch {
            // The parser's reasons quote at most one character: never a secret.
            throw problem("is not JSON (\(error)); expected \(expected).")
        }
        guard let file = json.objectValue else { throw problem("is a JSON \(json.typeName), not an object; expected \(expected).") }
        func optional(_ key: String) throws(ConfigurationError) -> String? {
            switch file[key] {
            case .string(let value) where !value.isEmpty: value
            case nil, .null?, .string?: nil
            case let value?: throw problem("\"\(key)\" is a \(value.typeName), not a string.")
            }
        }
        func required(_ key: String) throws(ConfigurationError) -> String {
            guard let value = try optional(key) else { throw problem("has no \"\(key)\".") }
            return value
        }
        let tokenURI = try optional("token_uri") ?? GoogleCredentialSource.defaultTokenURI
        switch try optional("type") {
        case "service_account":
            let clientEmail = try required("client_email")
            let privateKey = try required("private_key")
            let privateKeyID = try optional("private_key_id")
            let projectID = try optional("project_id")
            do {
                let account = try GoogleServiceAccount(
                    clientEmail: clientEmail, privateKeyPEM: privateKey, privateKeyID: privateKeyID, tokenURI: tokenURI, projectID: projectID)
                self = .serviceAccount(account, origin: origin)
            } catch {
                throw problem("\"private_key\" is not an RSA private key (of 2048 bits or more) in PEM form; create a new key for \(clientEmail).")
            }
        case "authorized_user":
            let user = try GoogleAuthorizedUser(
                clientID: required("client_id"), clientSecret: required("client_secret"), refreshToken: required("refresh_token"),
                quotaProjectID: optional("quota_project_id"), tokenURI: tokenURI)
            self = .authorizedUser(user, origin: origin)
        case let type?:
            throw problem("has \"type\": \"\(type)\", which the proxy does not support yet; use \(expected).")
        case nil:
            throw problem("has no \"type\"; expected \(expected).")
        }
    }
}
