import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import ProxyCore
import ProxyServer
import Testing

/// The built `anthropic-proxy` executable as a user runs it: a configuration file with a `${NAME}`
/// key, changed while the proxy serves (the next request takes the change), broken (nothing
/// changes, one line says why), and reread on SIGHUP; its usage ledger written to the last
/// request when it stops.
@Suite struct ServeCommandEndToEndTests {
    static let request: JSONValue = ["model": "claude-sonnet-4-6", "max_tokens": 100, "messages": [["role": "user", "content": "hi"]]]

    /// The executable beside this test bundle, as `swift build` leaves it.
    static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("anthropic-proxy").path
    }

    private static func file(port: Int, upstream: String, bigModel: String) -> String {
        """
        server:
          port: \(port)
        models:
          big: \(bigModel)
          small: openai/gpt-4.1-mini
        providers:
          openai:
            base_url: \(upstream)/v1
            api_key: ${FAKE_UPSTREAM_KEY}
        """
    }

    @Test(.timeLimit(.minutes(1))) func aFileChangeAppliesToTheNextRequestABrokenOneChangesNothingAndSIGHUPRereads() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.executable), "build the executable first: swift build")
        try await withFakeOpenAIUpstream { _, upstream in
            let directory = try TemporaryDirectory()
            let port = try freeLoopbackPort()
            try directory.write("anthropic-proxy.yaml", Self.file(port: port, upstream: upstream, bigModel: "openai/gpt-4.1"))
            let proxy = try await Self.startProxy(
                arguments: ["--config", "\(directory.path)/anthropic-proxy.yaml"], workingDirectory: directory.path,
                environment: ["FAKE_UPSTREAM_KEY": FakeOpenAIUpstream.apiKey, "PATH": "/usr/bin:/bin"])
            defer { proxy.stop() }
            let proxyURL = "http://127.0.0.1:\(port)"
            try await Self.waitUntilServing(proxyURL)
            #expect(try await Self.upstreamModel(proxyURL) == "openai/gpt-4.1")
            #expect(
                proxy.output.contains(
                    "Ready on \(proxyURL): opus → openai/gpt-4.1, sonnet → openai/gpt-4.1, haiku → openai/gpt-4.1-mini. Claude Code: ANTHROPIC_BASE_URL=\(proxyURL) claude, or anthropic-proxy claude"
                ), "one ready line: the address, the mapping, the claude command")
            // Start-up raised the open-files limit and says, once, what it and the connection cap are.
            #expect(proxy.output.components(separatedBy: "Client connections: at most ").count == 2)
            #expect(proxy.output.contains("(MAX_CONNECTIONS") && proxy.output.contains("open files: at most "))

            try directory.write("anthropic-proxy.yaml", Self.file(port: port, upstream: upstream, bigModel: "openai/gpt-4o"))
            #expect(try await Self.eventually { try await Self.upstreamModel(proxyURL) == "openai/gpt-4o" }, "the change is noticed within 2 s")
            #expect(proxy.output.contains("The configuration was reloaded: models.big, models.opus changed"), "opus follows big")

            try directory.write("anthropic-proxy.yaml", "server:\n  port: [oops\n")
            #expect(try await Self.eventually { proxy.output.contains("The configuration was not reloaded, the running one stays: ") })
            #expect(try await Self.upstreamModel(proxyURL) == "openai/gpt-4o")

            try directory.write("anthropic-proxy.yaml", Self.file(port: port, upstream: upstream, bigModel: "openai/gpt-4.1-mini"))
            #expect(try await Self.eventually { try await Self.upstreamModel(proxyURL) == "openai/gpt-4.1-mini" }, "a fixed file applies")

            // Only SIGHUP rereads an unchanged file (the poll looks for changes), and says so.
            kill(proxy.pid, SIGHUP)
            #expect(try await Self.eventually { proxy.output.contains("The configuration was reread: nothing changed") })
            #expect(proxy.isRunning, "SIGHUP rereads, it does not stop the proxy")
            #expect(!proxy.output.contains(FakeOpenAIUpstream.apiKey))
        }
    }

    @Test(.timeLimit(.minutes(1))) func theLedgerHoldsEveryRequestOnceTheProxyHasStopped() async throws {
        try await withFakeOpenAIUpstream { _, upstream in
            let directory = try TemporaryDirectory()
            let port = try freeLoopbackPort()
            try directory.write("anthropic-proxy.yaml", Self.file(port: port, upstream: upstream, bigModel: "openai/gpt-4.1"))
            let ledgerPath = directory.path + "/ledger/usage.sqlite"
            let proxy = try await Self.startProxy(
                arguments: ["--config", "\(directory.path)/anthropic-proxy.yaml"], workingDirectory: directory.path,
                environment: ["FAKE_UPSTREAM_KEY": FakeOpenAIUpstream.apiKey, "PATH": "/usr/bin:/bin", "USAGE_DATABASE": ledgerPath])
            defer { proxy.stop() }
            let proxyURL = "http://127.0.0.1:\(port)"
            try await Self.waitUntilServing(proxyURL)
            for _ in 0..<2 { #expect(try await Self.upstreamModel(proxyURL) == "openai/gpt-4.1") }
            // SIGTERM: the server stops first, then the ledger writes what it holds.
            proxy.stop()
            let store = try await SQLiteUsageStore(path: ledgerPath, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            let today = UTCTime.now.day
            let summaries = try await store.summaries(UsageQuery(fromDay: today, toDay: today, grouping: .model))
            try await store.close()
            #expect(summaries.map(\.key) == ["openai/gpt-4.1"])
            #expect(summaries.first?.requests == 2)
        }
    }

    /// 192.0.2.1 is a documentation address no machine has: were start-up not refused, binding it
    /// would fail too, without the proxy ever listening beyond this machine.
    @Test(.timeLimit(.minutes(1))) func anExposedAddressWithoutAnyKeyStopsStartUpWithOneLineNamingBothKeys() async throws {
        let directory = try TemporaryDirectory()
        let proxy = try await Self.startProxy(
            arguments: ["--host", "192.0.2.1"], workingDirectory: directory.path,
            environment: ["PATH": "/usr/bin:/bin", "OPENAI_API_KEY": "sk-test", "USAGE_DATABASE": directory.path + "/usage.sqlite"])
        defer { proxy.stop() }
        for _ in 0..<600 where proxy.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!proxy.isRunning)
        #expect(proxy.exitStatus == 2)
        let lines = proxy.output.split(separator: "\n").filter { $0.contains("PROXY_API_KEY") }
        #expect(lines.count == 1, "\(proxy.output)")
        #expect(lines.first?.contains("`anthropic-proxy keys create NAME`") == true)
        #expect(lines.first?.contains("--allow-unauthenticated") == true)
        #expect(!proxy.output.contains("listening"), "it never served")
    }

    /// The built executable running as a child process, its standard error kept (standard output
    /// goes nowhere), watched so that it stops if the test process goes first.
    private static func startProxy(arguments: [String], workingDirectory: String, environment: [String: String]) async throws -> ChildProcess.Running {
        let proxy = try ChildProcess.start(
            [executable] + arguments, environment: environment, workingDirectory: workingDirectory, discarding: .standardOutput)
        try await BackgroundServer.watch(proxy.pid)
        return proxy
    }

    private static func upstreamModel(_ proxyURL: String) async throws -> String? {
        var request = HTTPClientRequest(url: proxyURL + "/v1/messages")
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: JSONWriter.encode(Self.request)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return response.headers.first(name: "x-proxy-upstream-model")
    }

    private static func waitUntilServing(_ proxyURL: String) async throws {
        for _ in 0..<500 {
            if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: proxyURL + "/health"), timeout: .seconds(1)), response.status == .ok { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the proxy did not start")
    }

    /// Whether `condition` holds within 5 s.
    private static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<100 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
