import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import NIOCore
import ProxyCore
import ProxyServer

/// `anthropic-proxy claude [CLAUDE ARGS...]`: Claude Code through the proxy in one command. The
/// proxy runs in this process on a free loopback port (or the one already running at the
/// configured address is used), its log goes to a file, and `claude` gets the terminal, the
/// arguments, and the exit status.
struct ClaudeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claude", abstract: "Runs Claude Code (claude from PATH, or CLAUDE_BIN) through the proxy; the arguments after claude are Claude Code's.")

    @Flag(name: .customLong("print-env"), help: "Print the variables Claude Code needs, for a shell's eval, instead of running it.")
    var printEnvironment = false

    @Argument(parsing: .captureForPassthrough, help: "Claude Code's arguments, passed on unchanged.")
    var claudeArguments: [String] = []

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let loader = ConfigurationLoader(flags: [:], configFile: nil, envFile: nil)
        let loaded = try ProxyRuntime.load(loader)
        let configuration = loaded.configuration
        let address = "http://\(configuration.host):\(configuration.port)"
        if printEnvironment {
            for (name, value) in ClaudeEnvironment.variables(proxyURL: address, configuration: configuration, environment: environment).sorted(by: { $0.key < $1.key }) {
                print("export \(name)=\(ClaudeEnvironment.shellQuoted(value))")
            }
            return
        }
        guard let claude = ClaudeCodeExecutable.path(environment) else {
            throw ValidationError("Claude Code (claude) is not on PATH; \(ClaudeEnvironment.installAdvice).")
        }
        if await ProxyIdentity.version(at: address) != nil {
            throw ExitCode(try await Self.runClaude(claude, arguments: claudeArguments, proxyURL: address, configuration: configuration))
        }

        // The proxy's log goes to a file; Claude Code keeps the terminal's standard error.
        let logPath = Self.logPath(environment)
        try FileManager.default.createDirectory(atPath: (logPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let terminalError = dup(STDERR_FILENO)
        let logFile = open(logPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard terminalError >= 0, logFile >= 0 else { throw ValidationError("Cannot write the proxy's log to \(logPath).") }
        FileHandle(fileDescriptor: terminalError).write(Data("anthropic-proxy: log in \(logPath)\n".utf8))
        dup2(logFile, STDERR_FILENO)
        close(logFile)
        ServeCommand.tuneMalloc()
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        // Ctrl-C is Claude Code's to handle: the proxy must outlive it. A handler (not SIG_IGN,
        // which `claude` would inherit) leaves Claude Code its default.
        signal(SIGINT) { _ in }

        var served = configuration
        served.host = "127.0.0.1"
        served.port = 0
        let listening = AsyncStream.makeStream(of: Int.self)
        let runtime = try await ProxyRuntime.prepare(loader: loader, loaded: loaded, configuration: served, shutdownSignals: [.sigterm]) { channel in
            listening.continuation.yield(channel.localAddress?.port ?? 0)
            listening.continuation.finish()
        }
        let serving = Task { try await runtime.run() }
        var port = 0
        for await announced in listening.stream { port = announced }
        let status: Int32
        do {
            status = try await Self.runClaude(
                claude, arguments: claudeArguments, proxyURL: "http://127.0.0.1:\(port)", configuration: configuration,
                standardError: FileHandle(fileDescriptor: terminalError))
        } catch {
            await runtime.group.triggerGracefulShutdown()
            _ = try? await serving.value
            throw error
        }
        await runtime.group.triggerGracefulShutdown()
        try await serving.value
        throw ExitCode(status)
    }

    /// Runs `claude` with the proxy's variables and Claude Code's arguments; its exit status.
    private static func runClaude(
        _ executable: String, arguments: [String], proxyURL: String, configuration: ProxyConfiguration, standardError: FileHandle? = nil
    ) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let environment = ProcessInfo.processInfo.environment
        process.environment = environment.merging(ClaudeEnvironment.variables(proxyURL: proxyURL, configuration: configuration, environment: environment)) { $1 }
        if let standardError { process.standardError = standardError }
        // Told of the exit, not waiting for it: Foundation's waitUntilExit polls a run loop, which
        // kept three quarters of a core busy for as long as Claude Code ran.
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    /// `$XDG_STATE_HOME/anthropic-proxy/claude.log`, by default under `~/.local/state`.
    private static func logPath(_ environment: [String: String]) -> String {
        let state = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((environment["HOME"] ?? "/tmp") + "/.local/state")
        return state + "/anthropic-proxy/claude.log"
    }
}
