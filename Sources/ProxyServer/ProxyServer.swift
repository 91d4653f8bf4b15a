import AsyncHTTPClient
import Hummingbird
import Logging
import NIOCore
import ProxyCore

/// Builds and runs the proxy's HTTP server.
public enum ProxyServer {
    /// Upstream connections kept per host at most, as many streams as can be in flight at once.
    static let maximumConnectionsPerHost = 4096

    /// An upstream client configured for model APIs: no redirects followed and the configured
    /// connect timeout. The first-byte and idle timeouts are the proxy's own; the read timeout here
    /// only backs them up.
    public static func makeHTTPClient(configuration proxy: ProxyConfiguration) -> HTTPClient {
        let readTimeout = max(proxy.firstByteTimeout, proxy.idleTimeout) + .seconds(5)
        var configuration = HTTPClient.Configuration(timeout: .init(connect: TimeAmount(proxy.connectTimeout), read: TimeAmount(readTimeout)))
        // One HTTP/1 connection per stream in flight: AsyncHTTPClient's default of 8 per host would
        // queue the ninth concurrent request (parallel subagents, say) behind streams that last minutes.
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: maximumConnectionsPerHost)
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// The application with every route, ready to run.
    public static func makeApplication(
        configuration: ProxyConfiguration, httpClient: HTTPClient, logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let services = ProxyServices(
            configuration: configuration,
            upstream: UpstreamClient(httpClient: httpClient, firstByteTimeout: configuration.firstByteTimeout, idleTimeout: configuration.idleTimeout),
            logger: logger)
        let messages = MessagesEndpoint(services: services)
        let models = ModelsEndpoint(services: services)

        let router = Router(context: ProxyRequestContext.self)
        router.add(middleware: AnthropicErrorMiddleware())
        router.add(middleware: ClientAuthenticationMiddleware(authenticator: ClientAuthenticator(proxyAPIKey: configuration.proxyAPIKey)))
        router.post("/v1/messages") { request, context in try await messages.createMessage(request, context: context) }
        router.post("/v1/messages/count_tokens") { request, context in try await messages.countTokens(request, context: context) }
        router.get("/v1/models") { _, _ in models.list() }
        router.get("/") { _, _ in Response.json(["status": "ok", "service": "anthropic-proxy"]) }
        router.get("/health") { _, _ in Response.json(["status": "ok"]) }
        // Claude Code's gateway probe.
        router.on("/api/hello", method: .head) { _, _ in Response(status: .ok) }
        router.get("/api/hello") { _, _ in Response.json(["status": "ok"]) }

        let connections = services.connections
        return Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [connections.makeDetector()])),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "anthropic-proxy"),
            onServerRunning: onServerRunning,
            logger: logger
        )
    }

    /// Whether any upstream key or key-less endpoint is configured; without one every request
    /// would be refused, which start-up warns about once.
    public static func hasUpstreamCredentials(_ configuration: ProxyConfiguration) -> Bool {
        let keys = configuration.openAIAPIKeys + configuration.geminiAPIKeys + configuration.anthropicAPIKeys + configuration.apiKeys
            + configuration.presetEndpoints.values.flatMap(\.apiKeys)
        return !keys.isEmpty || configuration.baseURL != nil || !configuration.channels.isEmpty
            || configuration.geminiBaseURL != ProxyConfiguration.publicGeminiBaseURL
    }
}
