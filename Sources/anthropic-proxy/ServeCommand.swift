import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import ProxyCore
import ProxyServer
import ServiceLifecycle

/// Loads the configuration, then runs the server until SIGINT or SIGTERM, reloading the
/// configuration when its files change or on SIGHUP.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Runs the proxy (what anthropic-proxy does by default).")

    @Option(help: "Address to listen on (default: HOST, else 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (default: PORT, else 8082).")
    var port: Int?

    @Flag(help: "Serve an address other machines reach without any key (default: ALLOW_UNAUTHENTICATED, else false).")
    var allowUnauthenticated = false

    @OptionGroup var sources: ConfigurationOptions

    func run() async throws {
        Self.limitMallocArenas()
        var flags: [String: String] = [:]
        if let host { flags[ConfigurationSetting.host.variable] = host }
        if let port { flags[ConfigurationSetting.port.variable] = String(port) }
        if allowUnauthenticated { flags[ConfigurationSetting.allowUnauthenticated.variable] = "true" }
        let loader = sources.loader(flags: flags)
        let loaded: LoadedConfiguration
        do {
            loaded = try loader.load()
        } catch {
            FileHandle.standardError.write(Data("\(ConfigurationCheck.failureMessage(error))\n".utf8))
            throw ExitCode(2)
        }
        let configuration = loaded.configuration

        LoggingSystem.bootstrap(StreamLogHandler.standardError)
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
            live: live, logger: logger, metrics: metrics, ledger: ledger, clientKeys: clientKeys, maximumConnections: maximumConnections)
        let reloader = await ConfigurationReloader(loader: loader, running: loaded, logger: logger) { reloaded, _ in
            live.apply(reloaded.configuration)
        }
        // SIGTERM or SIGINT: stop accepting, let streams in flight finish within the grace period.
        // The ledger stops after the server (and the keys), so it writes the last records.
        let services: [any Service] = (ledger.map { [$0] } ?? []) + (clientKeys.map { [$0] } ?? []) + [app, reloader]
        var lifecycle = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        lifecycle.maximumGracefulShutdownDuration = configuration.shutdownGracePeriod
        lifecycle.maximumCancellationDuration = .seconds(5)
        do {
            try await ServiceGroup(configuration: lifecycle).run()
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

    /// glibc gives each thread that allocates its own arena, and freed memory stays in them: with a
    /// thousand streams in flight that is 15% more resident memory for no speed. Two arenas, one per
    /// event loop thread of this kind of machine, unless MALLOC_ARENA_MAX says otherwise.
    /// (`mallopt` is looked up at run time: Swift's Glibc module leaves out malloc.h.)
    private static func limitMallocArenas() {
        #if canImport(Glibc)
        guard ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil, let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let arenaMaximum: Int32 = -8  // M_ARENA_MAX
        _ = unsafeBitCast(symbol, to: Mallopt.self)(arenaMaximum, 2)
        #endif
    }
}
