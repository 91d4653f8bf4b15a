import AsyncHTTPClient
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ProxyCore

/// Builds and runs the proxy's HTTP server.
package enum ProxyServer {
    /// Upstream connections kept per host at most, as many streams as can be in flight at once.
    static let maximumConnectionsPerHost = 4096
    /// Connections waiting to be accepted. Hummingbird's 256 overflowed when a thousand clients
    /// connected at once (the kernel drops the overflow, and some clients then saw a reset); the
    /// kernel caps this at `net.core.somaxconn`.
    static let connectionBacklog = 4096

    /// How long the service group waits for its services at a graceful shutdown before it cancels
    /// them: past the grace period, by which the streams still running end themselves with an
    /// `overloaded_error` event, so that no stream is cut by the group instead (the same deadline
    /// raced them, and now and then the group won).
    package static func gracefulShutdownLimit(_ configuration: ProxyConfiguration) -> Duration {
        configuration.shutdownGracePeriod + .seconds(2)
    }

    /// An upstream client configured for model APIs: no redirects followed and the configured
    /// connect timeout. The first-byte and idle timeouts are the proxy's own; the read timeout here
    /// only backs them up.
    package static func makeHTTPClient(configuration proxy: ProxyConfiguration) -> HTTPClient {
        let readTimeout = max(proxy.firstByteTimeout, proxy.idleTimeout) + .seconds(5)
        var configuration = HTTPClient.Configuration(timeout: .init(connect: TimeAmount(proxy.connectTimeout), read: TimeAmount(readTimeout)))
        // One HTTP/1 connection per stream in flight: AsyncHTTPClient's default of 8 per host would
        // queue the ninth concurrent request (parallel subagents, say) behind streams that last minutes.
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: maximumConnectionsPerHost)
        // A refused connection fails the attempt at once, for the proxy's own retries (with their
        // backoff and log lines) to take over: AsyncHTTPClient would try again until the connect
        // timeout, so a local server that is not running cost 10 s an attempt before the error.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        // No tracer is ever bootstrapped; without this, every request still builds span attributes.
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// The application with every route, ready to run, on a configuration that never changes.
    /// - Parameters:
    ///   - observers: read every exchange's record, after the access log, the metrics and the ledger.
    ///   - ledger: the usage ledger, which gets every record and answers `/api/usage`; it runs as a
    ///     service of its own.
    package static func makeApplication(
        configuration: ProxyConfiguration, httpClient: HTTPClient, logger: Logger, observers: [any RequestObserver] = [], ledger: UsageLedger? = nil,
        clientKeys: ClientKeyRegistry? = nil, restSyncInterval: Duration = .seconds(2),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        makeApplication(
            live: LiveConfiguration(configuration: configuration, httpClient: httpClient), logger: logger, observers: observers, ledger: ledger,
            clientKeys: clientKeys, restSyncInterval: restSyncInterval, onServerRunning: onServerRunning)
    }

    /// The application with every route, ready to run; each request takes the configuration `live`
    /// holds when it starts. The address is the one `live` holds now: changing it needs a restart.
    /// - Parameters:
    ///   - metrics: what `GET /metrics` shows; a new registry by default. Pass one to count into
    ///     it from elsewhere too (the usage ledger's dropped records).
    ///   - observers: read every exchange's record, after the access log, the metrics and the ledger.
    ///   - ledger: the usage ledger (see the other `makeApplication`).
    ///   - clientKeys: the client keys, kept in the ledger's database; a service of its own too.
    ///   - restSyncInterval: with a ledger in PostgreSQL, how often the upstream keys other
    ///     instances rested, and the prompt caches they made, are read.
    ///   - maximumConnections: client connections open at once, at most; `MAX_CONNECTIONS` when
    ///     `nil` (start-up lowers it to what the open-files limit holds, see `ConnectionCapacity`).
    package static func makeApplication(
        live: LiveConfiguration, logger: Logger, metrics: ProxyMetrics = ProxyMetrics(), observers: [any RequestObserver] = [],
        ledger: UsageLedger? = nil, clientKeys: ClientKeyRegistry? = nil, restSyncInterval: Duration = .seconds(2), maximumConnections: Int? = nil,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        // The ledger reads each record before the client keys do (see `ClientKeyRegistry.refresh`).
        let recorders: [any RequestObserver] = (ledger.map { [$0] } ?? []) + (clientKeys.map { [$0] } ?? [])
        // Instances sharing a PostgreSQL keep threads there, each with a quarter of its memory
        // budget for the conversations it served lately.
        let sharedThreads = (ledger?.store as? PostgresUsageStore).map {
            PostgresThreadStore(database: $0, cacheBytes: live.configuration.messageThreadsBytes / 4)
        }
        let shared = SharedServices(
            live: live, logger: logger, metrics: metrics, observers: recorders + observers, clientKeys: clientKeys,
            upstreamRests: ledger?.store as? any UpstreamRestBoard, explicitCacheBoard: ledger?.store as? any ExplicitCacheBoard,
            threadStore: sharedThreads, fingerprintBoard: ledger?.store as? any PromptFingerprintBoard)
        let sync = SharedStateSync.readings(store: ledger?.store, keys: shared.keys, caches: shared.explicitCaches)
        let messages = MessagesEndpoint(shared: shared)
        let models = ModelsEndpoint(shared: shared)
        let usage = UsageEndpoint(shared: shared, ledger: ledger)
        let metricsEndpoint = MetricsEndpoint(shared: shared)
        let dashboard = DashboardEndpoint(shared: shared)
        let keys = ClientKeysEndpoint(shared: shared)

        // Every GET answers HEAD too (Claude Code's gateway probe is `HEAD /api/hello`).
        let router = Router(context: ProxyRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: AnthropicErrorMiddleware())
        router.add(middleware: ClientAuthenticationMiddleware(live: live, clientKeys: clientKeys))
        router.post("/v1/messages") { request, context in try await messages.createMessage(request, context: context) }
        router.post("/v1/messages/count_tokens") { request, context in try await messages.countTokens(request, context: context) }
        router.get("/v1/models") { request, _ in try models.list(request) }
        router.get("/api/usage") { request, context in try await usage.report(request, context: context) }
        router.get("/api/targets") { request, context in try await usage.targets(request, context: context) }
        router.get("/api/requests") { request, context in try await usage.recent(request, context: context) }
        router.get("/api/status") { request, context in try usage.status(request, context: context) }
        router.post("/admin/keys") { request, context in try await keys.create(request, context: context) }
        router.get("/admin/keys") { request, context in try await keys.list(request, context: context) }
        router.get("/admin/keys/{name}") { request, context in try await keys.show(request, context: context) }
        router.patch("/admin/keys/{name}") { request, context in try await keys.update(request, context: context) }
        router.delete("/admin/keys/{name}") { request, context in try await keys.revoke(request, context: context) }
        router.get("/ui") { _, _ in dashboard.page() }
        router.post("/ui/login") { request, _ in try await dashboard.login(request) }
        router.get("/v1/models/{id}") { _, context in try models.model(id: context.parameters.get("id") ?? "") }
        router.get(RouterPath(MetricsEndpoint.path)) { request, context in try metricsEndpoint.scrape(request, context: context) }
        router.get("/") { _, _ in Response.json(ProxyIdentity.root) }
        router.get("/health") { _, _ in Response.json(["status": "ok"]) }
        router.get("/api/hello") { _, _ in Response.json(["status": "ok"]) }

        let configuration = live.configuration
        let limits = ClientConnectionLimits(
            deadlines: configuration.clientLimits, maximum: maximumConnections ?? configuration.maxConnections, logger: logger)
        return Application(
            router: router,
            server: HTTPServerBuilder { responder in
                EventLoopServedHTTP1Channel(
                    HTTP1Channel(
                        responder: responder,
                        configuration: .init(additionalChannelHandlers: [
                            shared.connections.makeDetector(), limits.makeGuard(), LargeBodyGatherer(limit: { live.configuration.requestBodyLimit }),
                        ])))
            },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "anthropic-proxy", backlog: connectionBacklog),
            services: [ExplicitCacheJanitor(caches: shared.explicitCaches, live: live), AllocatorTrimmer()]
                + (sync.map { [SharedStateSync(read: $0, interval: restSyncInterval)] } ?? [])
                + (sharedThreads.map { [MessageThreadJanitor(threads: $0, retention: { live.configuration.messageThreadRetention }, logger: logger)] } ?? []),
            onServerRunning: onServerRunning,
            logger: logger
        )
    }

    /// The one warning start-up gives when Claude's own model names cannot be served as configured
    /// (a missing key, an unknown channel), with the router's explanation; `nil` when they can.
    /// Asking the router, rather than looking for keys, keeps it right for key-less upstreams
    /// (Ollama, a local BASE_URL) and for the client's own key going to Anthropic.
    package static func startupWarning(_ configuration: ProxyConfiguration) -> String? {
        let router = ModelRouter(configuration: configuration)
        var problems: [(message: String, names: [String])] = []
        for name in ["opus", "sonnet", "haiku"] {
            do {
                _ = try router.routes(name)
            } catch {
                if let index = problems.firstIndex(where: { $0.message == error.message }) {
                    problems[index].names.append(name)
                } else {
                    problems.append((error.message, [name]))
                }
            }
        }
        guard !problems.isEmpty else { return nil }
        let explanations = problems.map { "\($0.names.joined(separator: ", ")): \($0.message)" }
        return "Claude's models cannot be served as configured, and requests for them will get this error until it is fixed: "
            + explanations.joined(separator: "; ")
    }
}
