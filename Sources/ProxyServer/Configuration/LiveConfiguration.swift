import AsyncHTTPClient
import ProxyCore
import Synchronization

/// The configuration requests start from. `apply` swaps in a new, validated one atomically:
/// requests in flight finish on the snapshot they started with, the next request takes the new one.
package final class LiveConfiguration: Sendable {
    private let httpClient: HTTPClient
    private let current: Mutex<ConfigurationSnapshot>

    package init(configuration: ProxyConfiguration, httpClient: HTTPClient) {
        self.httpClient = httpClient
        current = Mutex(ConfigurationSnapshot(configuration: configuration, httpClient: httpClient))
    }

    var snapshot: ConfigurationSnapshot { current.withLock { $0 } }

    package var configuration: ProxyConfiguration { snapshot.configuration }

    /// Makes `configuration` the one the next request starts from.
    package func apply(_ configuration: ProxyConfiguration) {
        current.withLock { current in
            current = ConfigurationSnapshot(configuration: configuration, httpClient: httpClient, earlierSecrets: current.secrets)
        }
    }
}
