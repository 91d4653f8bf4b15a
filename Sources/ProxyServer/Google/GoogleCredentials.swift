import AsyncHTTPClient
import Foundation
import ProxyCore
import Synchronization

/// The Google Cloud access tokens Vertex AI targets are sent with: one keeper of tokens per
/// credentials source (a file a setting names, or Application Default Credentials' order), made
/// at first use and kept for the server's life, so that a reload keeps the tokens it has.
final class GoogleCredentials: Sendable {
    private let keepers = Mutex<[String: GoogleAccessTokens]>([:])
    /// The process's environment, which Application Default Credentials read (`HOME`,
    /// `CLOUDSDK_CONFIG`, `GCE_METADATA_HOST`).
    private let environment: [String: String]
    /// How long one token request may take.
    private let timeout: Duration

    init(environment: [String: String] = ProcessInfo.processInfo.environment, timeout: Duration = .seconds(10)) {
        self.environment = environment
        self.timeout = timeout
    }

    /// An access token for `file`'s credentials (Application Default Credentials' when nil). A
    /// credentials file that cannot be used is a 401 naming it and what is wrong.
    func token(file: String?, httpClient: HTTPClient) async throws(AnthropicError) -> String {
        try await keeper(file: file, httpClient: httpClient).token()
    }

    /// Lets go of a token the upstream refused (401), so that the next attempt gets a new one.
    func discard(_ token: String, file: String?) {
        keepers.withLock { $0[file ?? ""] }?.discard(token)
    }

    private func keeper(file: String?, httpClient: HTTPClient) throws(AnthropicError) -> GoogleAccessTokens {
        let name = file ?? ""
        if let known = keepers.withLock({ $0[name] }) { return known }
        let source: GoogleCredentialSource
        do {
            source = try Self.source(file: file, environment: environment)
        } catch {
            throw AnthropicError(.authentication, "Google Cloud credentials for Vertex AI: \(error.description)")
        }
        return keepers.withLock { keepers in
            if let known = keepers[name] { return known }
            let keeper = GoogleAccessTokens(source: source, httpClient: httpClient, timeout: timeout)
            keepers[name] = keeper
            return keeper
        }
    }

    /// The source of `file`'s credentials, else Application Default Credentials' first.
    static func source(file: String?, environment: [String: String]) throws(ConfigurationError) -> GoogleCredentialSource {
        var environment = environment
        // The setting (the variable, the file's key, a channel's) has said which file, if any.
        environment["GOOGLE_APPLICATION_CREDENTIALS"] = file
        return try .applicationDefault(environment: environment) { path in try? String(contentsOfFile: path, encoding: .utf8) }
    }

    /// The project a service account's key file names, for Vertex AI when `VERTEX_PROJECT` is unset.
    static func project(inCredentialsFile file: String?, environment: [String: String]) -> String? {
        guard let source = try? source(file: file, environment: environment) else { return nil }
        return source.projectID ?? source.quotaProjectID
    }
}
