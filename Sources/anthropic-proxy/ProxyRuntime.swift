import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ProxyCore
import ProxyServer
import ServiceLifecycle
import UnixSignals

/// The proxy as `serve` and `claude` run it: the server, its usage ledger and client keys, the
/// configuration reloader, in one service group, with one upstream client.
struct ProxyRuntime {
    let group: ServiceGroup
    let httpClient: HTTPClient

    /// The configuration as start-up loads it, or exit status 2 with the problem on standard error.
    static func load(_ loader: ConfigurationLoader) throws -> LoadedConfiguration {
        do {
            return try loader.load()
        } catch {
            FileHandle.standardError.write(Data("\(ConfigurationCheck.failureMessage(error))\n".utf8))
            throw ExitCode(2)
        }
    }

    /// Everything the server needs, ready to run (the logging system must be bootstrapped).
    /// - Parameters:
    ///   - configuration: what it serves with: `loaded`'s, or that with another port.
    ///   - shutdownSignals: the signals that stop it gracefully.
    ///   - onServerRunning: told the server's channel once it listens.
    static func prepare(
        loader: ConfigurationLoader, loaded: LoadedConfiguration, configuration: ProxyConfiguration, shutdownSignals: [UnixSignal],
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) async throws -> ProxyRuntime {
        var logger = Logger(label: "anthropic-proxy")
        logger.logLevel = configuration.debug ? .debug : Logger.Level(rawValue: configuration.logLevel) ?? .info
        if let warning = ProxyServer.startupWarning(configuration) { logger.warning("\(warning)") }
        let openFiles = OpenFilesLimit.raiseToHardLimit()
        let maximumConnections = ConnectionCapacity.maximumConnections(configured: configuration.maxConnections, openFilesLimit: openFiles?.now)
        logger.info("\(Self.capacityLine(openFiles: openFiles, maximumConnections: maximumConnections, configured: configuration.maxConnections))")
        let metrics = ProxyMetrics()
        let ledger = await UsageLedger.open(configuration: configuration, environment: ProcessInfo.processInfo.environment, metrics: metrics, logger: logger)
        // Client keys live in the ledger's database; read once before the first request.
        await ledger?.prepare()
        let clientKeys = ledger.map { ClientKeyRegistry(store: $0.store, ledger: $0, logger: logger) }
        await clientKeys?.refresh()
        if let refusal = ExposureCheck.refusal(configuration, hasClientKeys: clientKeys?.hasKeys ?? false, clientKeysProblem: clientKeys?.readProblem) {
            FileHandle.standardError.write(Data("\(refusal)\n".utf8))
            try? await ledger?.store.close()
            throw ExitCode(2)
        }
        let httpClient = ProxyServer.makeHTTPClient(configuration: configuration)
        let live = LiveConfiguration(configuration: configuration, httpClient: httpClient)
        let app = ProxyServer.makeApplication(
            live: live, logger: logger, metrics: metrics, ledger: ledger, clientKeys: clientKeys, maximumConnections: maximumConnections,
            onServerRunning: onServerRunning)
        let reloader = await ConfigurationReloader(loader: loader, running: loaded, logger: logger) { reloaded, _ in
            live.apply(reloaded.configuration)
        }
        // The ledger stops after the server (and the keys), so it writes the last records.
        let services: [any Service] = (ledger.map { [$0] } ?? []) + (clientKeys.map { [$0] } ?? []) + [app, reloader]
        var lifecycle = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: shutdownSignals, logger: logger)
        lifecycle.maximumGracefulShutdownDuration = ProxyServer.gracefulShutdownLimit(configuration)
        lifecycle.maximumCancellationDuration = .seconds(5)
        return ProxyRuntime(group: ServiceGroup(configuration: lifecycle), httpClient: httpClient)
    }

    /// Serves until a shutdown signal, or `group.triggerGracefulShutdown()`.
    func run() async throws {
        do {
            try await group.run()
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
    }

    /// The open-files limit and the connections it leaves room for, said once at start-up.
    private static func capacityLine(openFiles: (before: Int, now: Int)?, maximumConnections: Int, configured: Int) -> String {
        var line = "Client connections: at most \(maximumConnections) (MAX_CONNECTIONS"
        if maximumConnections < configured { line += " \(configured), lowered to fit the open-files limit" }
        line += "); open files: "
        guard let openFiles else { return line + "limit unknown" }
        line += "at most \(openFiles.now)"
        if openFiles.now > openFiles.before { line += " (raised from \(openFiles.before))" }
        return line
    }

}
