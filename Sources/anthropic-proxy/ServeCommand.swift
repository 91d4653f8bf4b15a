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
        let loaded = try ProxyRuntime.load(loader)
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        // SIGTERM or SIGINT: stop accepting, let streams in flight finish within the grace period.
        let configuration = loaded.configuration
        let logger = Logger(label: "anthropic-proxy")
        try await ProxyRuntime.prepare(loader: loader, loaded: loaded, configuration: configuration, shutdownSignals: [.sigterm, .sigint]) { channel in
            let address = "http://\(configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host):\(channel.localAddress?.port ?? configuration.port)"
            logger.notice("\(ReadyLine.text(address: address, configuration: configuration))")
        }.run()
    }

    /// glibc gives each thread that allocates its own arena, and freed memory stays in them: with a
    /// thousand streams in flight that is 15% more resident memory for no speed. Two arenas, one per
    /// event loop thread of this kind of machine, unless MALLOC_ARENA_MAX says otherwise.
    /// (`mallopt` is looked up at run time: Swift's Glibc module leaves out malloc.h.)
    static func limitMallocArenas() {
        #if canImport(Glibc)
        guard ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil, let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let arenaMaximum: Int32 = -8  // M_ARENA_MAX
        _ = unsafeBitCast(symbol, to: Mallopt.self)(arenaMaximum, 2)
        #endif
    }
}
