import AsyncHTTPClient
import ProxyCore

/// Everything worked out from one configuration: routing, the catalog, the redactor, the client
/// check, the upstream timeouts. A reload makes a new one and swaps it whole, so nothing derived
/// from configuration can go stale; each request keeps the snapshot it started with.
final class ConfigurationSnapshot: Sendable {
    let configuration: ProxyConfiguration
    let router: ModelRouter
    let catalog: ModelCatalog
    /// What each reply costs, from the models' prices and the configured overrides.
    let prices: PriceCatalog
    let redactor: SecretRedactor
    let authenticator: ClientAuthenticator
    let adminAccess: AdminAccess
    let upstream: UpstreamClient
    /// Every secret this process has been configured with, this snapshot's and its predecessors'.
    let secrets: Set<String>

    /// - Parameter earlierSecrets: the secrets of the configurations before this one, still
    ///   redacted: a request that started on one of them may still be logging.
    init(configuration: ProxyConfiguration, httpClient: HTTPClient, earlierSecrets: Set<String> = []) {
        self.configuration = configuration
        router = ModelRouter(configuration: configuration)
        catalog = ModelCatalog(configuration: configuration)
        prices = PriceCatalog(configuration: configuration)
        secrets = earlierSecrets.union(configuration.secrets)
        redactor = SecretRedactor(secrets: Array(secrets))
        authenticator = ClientAuthenticator(proxyAPIKey: configuration.proxyAPIKey)
        adminAccess = AdminAccess(adminAPIKey: configuration.adminAPIKey)
        upstream = UpstreamClient(httpClient: httpClient, firstByteTimeout: configuration.firstByteTimeout, idleTimeout: configuration.idleTimeout)
    }
}
