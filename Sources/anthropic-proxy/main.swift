import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import ProxyCore
import ProxyServer
import ServiceLifecycle

/// Parses the command line and settings, then runs the server until SIGINT or SIGTERM.
@main
struct AnthropicProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anthropic-proxy",
        abstract: "Serves the Anthropic Messages API and fulfils requests through OpenAI-compatible, Gemini or Anthropic upstreams.",
        discussion: "Settings come from the environment, then from the .env file (the environment wins). See README.md and .env.example."
    )

    @Option(help: "Address to listen on (default: HOST, else 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (default: PORT, else 8082).")
    var port: Int?

    @Option(name: .customLong("env-file"), help: "The .env file to read (default: .env in the working directory, if present).")
    var envFile: String?

    func run() async throws {
        Self.limitMallocArenas()
        var environment = ProcessInfo.processInfo.environment
        if let host { environment["HOST"] = host }
        if let port { environment["PORT"] = String(port) }
        let configuration: ProxyConfiguration
        do {
            configuration = try ProxyConfiguration(environment: environment, dotEnv: try loadDotEnv())
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("anthropic-proxy: invalid setting \(error)\n".utf8))
            throw ExitCode(2)
        }

        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "anthropic-proxy")
        logger.logLevel = configuration.debug ? .debug : Logger.Level(rawValue: configuration.logLevel) ?? .info
        if let warning = ProxyServer.startupWarning(configuration) { logger.warning("\(warning)") }
        let httpClient = ProxyServer.makeHTTPClient(configuration: configuration)
        let app = ProxyServer.makeApplication(configuration: configuration, httpClient: httpClient, logger: logger)
        // SIGTERM or SIGINT: stop accepting, let streams in flight finish within the grace period.
        var lifecycle = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
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

    private func loadDotEnv() throws -> [String: String] {
        let path = envFile ?? ".env"
        guard FileManager.default.fileExists(atPath: path) else {
            if envFile != nil {
                FileHandle.standardError.write(Data("anthropic-proxy: --env-file \(path) does not exist\n".utf8))
                throw ExitCode(2)
            }
            return [:]
        }
        return DotEnv.parse(try String(contentsOfFile: path, encoding: .utf8))
    }
}
