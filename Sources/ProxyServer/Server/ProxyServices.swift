import Logging
import ProxyCore

/// What every endpoint and backend shares: settings, routing, the upstream client, logging.
struct ProxyServices: Sendable {
    let configuration: ProxyConfiguration
    let router: ModelRouter
    let catalog: ModelCatalog
    let upstream: UpstreamClient
    let keys = UpstreamKeys()
    let connections = ClientConnections()
    /// The tool definitions and system prompts clients resend every turn, parsed once.
    let requestFragments = JSONFragmentCache(memberNames: ["tools", "system"])
    let logger: Logger
    let redactor: SecretRedactor
    /// Every exchange's record goes to these once it has ended.
    let observers: RequestObservers

    /// - Parameter observers: read every record after the access log.
    init(configuration: ProxyConfiguration, upstream: UpstreamClient, logger: Logger, observers: [any RequestObserver] = []) {
        self.configuration = configuration
        self.router = ModelRouter(configuration: configuration)
        self.catalog = ModelCatalog(configuration: configuration)
        self.upstream = upstream
        self.logger = logger
        self.redactor = SecretRedactor(secrets: configuration.secrets)
        self.observers = RequestObservers([AccessLog(logger: logger, redactor: redactor)] + observers)
    }

    /// Logs a body at debug level, with every secret redacted.
    func debugBody(_ label: String, _ bytes: [UInt8]) {
        guard logger.logLevel <= .debug else { return }
        logger.debug("\(label): \(redactor.redact(String(decoding: bytes, as: UTF8.self)))")
    }
}
