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
        Self.tuneMalloc()
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

    /// glibc's allocator, set for a server whose requests are megabytes (each unless the
    /// environment sets it: `MALLOC_ARENA_MAX`, `MALLOC_MMAP_THRESHOLD_`, `MALLOC_TRIM_THRESHOLD_`
    /// or `GLIBC_TUNABLES`):
    /// - Two arenas, one per event loop thread of this kind of machine. Each thread that allocates
    ///   otherwise gets its own, and freed memory stays in them: with a thousand streams in flight
    ///   that was 15% more resident memory for no speed.
    /// - Blocks up to 32 MB from the arenas, which keep up to 32 MB free at their top. By default a
    ///   late-session request's megabyte buffers (the body read, the translated body, the copy
    ///   sent) were mapped fresh and given back on every request, and faulting their pages in again
    ///   cost about 15% of a 1 MB turn's CPU time. Keeping only 16 MB free made a 4 MB turn,
    ///   whose parsed values free more than that at once, give memory back and fault it in again
    ///   every turn (Gemini: 8 CPU ms a turn became 11-13); 64 MB held 12 MB more with 1,000
    ///   streams open.
    /// (`mallopt` is looked up at run time: Swift's Glibc module leaves out malloc.h.)
    static func tuneMalloc() {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let environment = ProcessInfo.processInfo.environment
        let tunables = environment["GLIBC_TUNABLES"] ?? ""
        // (option, value, its environment variable, its tunable)
        let settings: [(Int32, Int32, String, String)] = [
            (-8, 2, "MALLOC_ARENA_MAX", "glibc.malloc.arena_max"),  // M_ARENA_MAX
            (-3, 32 << 20, "MALLOC_MMAP_THRESHOLD_", "glibc.malloc.mmap_threshold"),  // M_MMAP_THRESHOLD
            (-1, 32 << 20, "MALLOC_TRIM_THRESHOLD_", "glibc.malloc.trim_threshold"),  // M_TRIM_THRESHOLD
        ]
        for (option, value, variable, tunable) in settings where environment[variable] == nil && !tunables.contains(tunable) {
            _ = mallopt(option, value)
        }
        #endif
    }
}
