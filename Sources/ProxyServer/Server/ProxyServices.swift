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

    init(configuration: ProxyConfiguration, upstream: UpstreamClient, logger: Logger) {
        self.configuration = configuration
        self.router = ModelRouter(configuration: configuration)
        self.catalog = ModelCatalog(configuration: configuration)
        self.upstream = upstream
        self.logger = logger
        self.redactor = SecretRedactor(secrets: configuration.secrets)
        self.observers = RequestObservers([AccessLog(logger: logger, redactor: redactor)])
    }

    /// Logs a body at debug level, with every secret redacted.
    func debugBody(_ label: String, _ bytes: [UInt8]) {
        guard logger.logLevel <= .debug else { return }
        logger.debug("\(label): \(redactor.redact(String(decoding: bytes, as: UTF8.self)))")
    }
}

extension RouteTarget {
    /// `openai/gpt-4.1`, `openai/gpt-4.1:channel`, `deepseek/deepseek-chat`: what the
    /// `x-proxy-upstream-model` header says.
    var qualifiedModel: String {
        let prefix = channel == nil ? preset?.name ?? provider.rawValue : provider.rawValue
        return "\(prefix)/\(model)" + (channel.map { ":\($0)" } ?? "")
    }
}
