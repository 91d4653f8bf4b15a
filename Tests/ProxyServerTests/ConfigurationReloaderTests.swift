import Foundation
import Logging
import ProxyCore
import ProxyServer
import Synchronization
import Testing
import UnixSignals

/// Live reload: a changed file is validated whole and applied with the names of what changed; a
/// broken one changes nothing and says why in one line; settings that need a restart are kept.
/// The tests call `checkNow()` where the service would poll.
@Suite(.serialized) struct ConfigurationReloaderTests {
    /// What `apply` was given, in order.
    final class AppliedReloads: Sendable {
        private let calls = Mutex<[(configuration: ProxyConfiguration, changed: [String])]>([])
        let changes: AsyncStream<[String]>
        private let continuation: AsyncStream<[String]>.Continuation

        init() {
            (changes, continuation) = AsyncStream.makeStream()
        }

        var all: [(configuration: ProxyConfiguration, changed: [String])] { calls.withLock { $0 } }

        func record(_ loaded: LoadedConfiguration, _ changed: [String]) {
            calls.withLock { $0.append((loaded.configuration, changed)) }
            continuation.yield(changed)
        }
    }

    let directory: TemporaryDirectory
    let applied = AppliedReloads()
    let logs = RecordingLogHandler.Lines()

    static let initialFile = """
        server:
          port: 9000
        models:
          big: openai/gpt-4.1
          opus: openai/o3
        providers:
          openai:
            api_key: sk-file-key-0001
        """

    init() throws {
        directory = try TemporaryDirectory()
        try directory.write("anthropic-proxy.yaml", Self.initialFile)
    }

    /// A reloader whose poll never comes (the tests call `checkNow()`), and whose SIGHUP is `hangups`.
    private func makeReloader(hangups: AsyncStream<UnixSignal> = AsyncStream { $0.finish() }) async throws -> ConfigurationReloader {
        let loader = ConfigurationLoader(environment: [:], workingDirectory: directory.path)
        let logger = Logger(label: "test") { [logs] _ in RecordingLogHandler(lines: logs, logLevel: .info) }
        return await ConfigurationReloader(
            loader: loader, running: try loader.load(), pollInterval: .seconds(3600), hangups: hangups, logger: logger
        ) { [applied] in applied.record($0, $1) }
    }

    @Test func aChangedFileIsAppliedWithTheNamesOfWhatChanged() async throws {
        let reloader = try await makeReloader()
        try directory.write("anthropic-proxy.yaml", Self.initialFile.replacingOccurrences(of: "openai/gpt-4.1", with: "openai/gpt-5") + "\nreliability:\n  max_retries: 5\n")
        await reloader.checkNow()

        let calls = applied.all
        try #require(calls.count == 1)
        #expect(calls[0].changed == ["models.big", "reliability.max_retries"])
        #expect(calls[0].configuration.bigModel == "openai/gpt-5")
        #expect(calls[0].configuration.retryPolicy.maximumRetries == 5)
        #expect(logs.all == ["info The configuration was reloaded: models.big, reliability.max_retries changed"])

        // Nothing changed since: nothing to apply.
        await reloader.checkNow()
        #expect(applied.all.count == 1)
    }

    @Test func aFileThatDoesNotParseChangesNothingAndSaysWhereInOneLine() async throws {
        let reloader = try await makeReloader()
        try directory.write("anthropic-proxy.yaml", Self.initialFile + "\nlimits: [\n")
        await reloader.checkNow()
        #expect(applied.all.isEmpty)
        #expect(logs.all.count == 1)
        let line = try #require(logs.all.first)
        #expect(line.hasPrefix("error "))
        #expect(line.contains("anthropic-proxy.yaml: not valid YAML: line"))
        #expect(!line.contains("sk-file-key-0001"))

        // Polling the same broken file again says nothing more.
        await reloader.checkNow()
        #expect(logs.all.count == 1)
    }

    @Test func aValueThatDoesNotValidateChangesNothingAndNamesFileAndKey() async throws {
        let reloader = try await makeReloader()
        try directory.write("anthropic-proxy.yaml", Self.initialFile.replacingOccurrences(of: "port: 9000", with: "port: x") + "\nreliability:\n  max_retries: 5\n")
        await reloader.checkNow()
        #expect(applied.all.isEmpty)
        #expect(logs.all == ["error The configuration was not reloaded, the running one stays: anthropic-proxy.yaml: server.port: 'x' is not a port number (1-65535)"])

        // The running configuration is still the start-up one: fixing the file applies only what differs from it.
        try directory.write("anthropic-proxy.yaml", Self.initialFile + "\nreliability:\n  max_retries: 5\n")
        await reloader.checkNow()
        #expect(applied.all.map(\.changed) == [["reliability.max_retries"]])
    }

    @Test func hostAndPortNeedARestartAndKeepTheirRunningValues() async throws {
        let reloader = try await makeReloader()
        try directory.write("anthropic-proxy.yaml", Self.initialFile.replacingOccurrences(of: "port: 9000", with: "port: 9001\n  host: 0.0.0.0"))
        await reloader.checkNow()
        #expect(applied.all.isEmpty)
        #expect(logs.all == ["warning server.host, server.port changed, which needs a restart to take effect; the running value stays until then"])

        try directory.write(
            "anthropic-proxy.yaml", Self.initialFile.replacingOccurrences(of: "port: 9000", with: "port: 9001").replacingOccurrences(of: "openai/o3", with: "openai/o4-mini"))
        await reloader.checkNow()
        let calls = applied.all
        try #require(calls.count == 1)
        #expect(calls[0].changed == ["models.opus"])
        #expect(calls[0].configuration.port == 9000)
        #expect(calls[0].configuration.opusModel == "openai/o4-mini")
        #expect(logs.all.last == "info The configuration was reloaded: models.opus changed")
    }

    @Test func aRemovedChannelIsAChange() async throws {
        try directory.write("anthropic-proxy.yaml", Self.initialFile + "\nchannels:\n  lab:\n    base_url: http://127.0.0.1:1/v1\n")
        let reloader = try await makeReloader()
        try directory.write("anthropic-proxy.yaml", Self.initialFile)
        await reloader.checkNow()
        #expect(applied.all.map(\.changed) == [["channels.lab.base_url"]])
        #expect(applied.all.first?.configuration.channels.isEmpty == true)
    }

    /// A stand-in for SIGHUP, not the signal: a real one sent to the test process interrupts
    /// other tests' system calls (the signal path was tried by hand: `kill -HUP` reloads).
    @Test(.timeLimit(.minutes(1))) func sighupReloadsWithoutWaitingForThePoll() async throws {
        let (hangups, hangup) = AsyncStream<UnixSignal>.makeStream()
        let reloader = try await makeReloader(hangups: hangups)
        let service = Task { try await reloader.run() }
        defer { service.cancel() }
        try directory.write("anthropic-proxy.yaml", Self.initialFile.replacingOccurrences(of: "openai/o3", with: "openai/o3-pro"))
        hangup.yield(.sighup)

        var changes = applied.changes.makeAsyncIterator()
        #expect(await changes.next() == ["models.opus"])
    }
}
