import Foundation
import ProxyCore
import Testing

/// The proxy in front of a real llama.cpp server (`LocalModelServer`: llama-cpp-python with
/// SmolLM2-135M), set up as a user runs Claude Code on a local model: `OPENAI_BASE_URL` at the
/// server, no key, both Claude names on its model. Claude Code's recorded requests whole and
/// streamed, the official SDK, and Claude Code itself get the model's text; the server answers one
/// request at a time, so the tests take turns.
@Suite(
    .enabled(if: LocalModelServer.shouldRun, Comment(rawValue: LocalModelServer.missing)), .localModelServer(contextTokens: 16384), .serialized,
    .timeLimit(.minutes(10)))
struct LocalModelServerEndToEndTests {
    /// The settings of a user whose Claude names all go to the local server's model.
    static func environment(_ server: LocalModelServer) -> [String: String] {
        [
            "OPENAI_BASE_URL": server.baseURL, "OPENAI_API_KEY": "", "BIG_MODEL": "openai/\(LocalModelServer.model)",
            "SMALL_MODEL": "openai/\(LocalModelServer.model)", "MODEL_CONTEXT_WINDOWS": "\(LocalModelServer.model)=\(server.contextTokens)",
        ]
    }

    @Test(arguments: ["first-turn", "tool-result-turn", "parallel-tool-results-turn"], [false, true])
    func claudeCodesRequestsGetTheModelsText(fixture: String, stream: Bool) async throws {
        let server = try #require(LocalModelServer.current)
        var request = try #require(try claudeCodeFixture(fixture).objectValue)
        request["stream"] = .bool(stream)
        request["max_tokens"] = 32
        // Greedy: at the server's default temperature (0.8) this model now and then ends at once.
        request["temperature"] = 0
        try await ProxyHarness.run(environment: Self.environment(server)) { harness in
            let reply = try await harness.post("/v1/messages?beta=true", json: .object(request), timeout: .minutes(3))
            #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))\n\(server.output.suffix(2000))")
            #expect(reply.headers["content-type"]?.hasPrefix(stream ? "text/event-stream" : "application/json") == true)
            let message = try reply.message
            let text = message.content.map { block in
                guard case .text(let text) = block else { return "" }
                return text
            }.joined()
            #expect(text.contains { !$0.isWhitespace }, "the model's text: \(message.content)")
            #expect(message.stopReason == .endTurn || message.stopReason == .maxTokens)
            // What the server counted: the whole prompt (Claude Code's system prompt and tools,
            // about 5,600 tokens by SmolLM2's tokenizer, and the conversation), and at most the 32
            // tokens allowed.
            #expect((4_000..<server.contextTokens).contains(message.usage.inputTokens), "\(message.usage)")
            #expect((1...32).contains(message.usage.outputTokens), "\(message.usage)")
            let record = try #require(await harness.records.waitFor(1).first)
            #expect(record.usage == message.usage)
        }
    }

    @Test func theOfficialSDKsTextStreamingStopSequencesAndMaxTokens() async throws {
        let server = try #require(LocalModelServer.current)
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("local-model")
        try await ProxyHarness.run(environment: Self.environment(server)) { harness in
            var environment = ProcessInfo.processInfo.environment
            environment["PROXY_URL"] = harness.proxyURL
            let (report, status) = try await ChildProcess.run(["python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", tests.path], environment: environment)
            print(report)
            #expect(status == 0, "pytest failed:\n\(report)\n\(server.output.suffix(2000))")
            #expect(report.contains("6 passed"), "pytest did not run every test:\n\(report)")
        }
    }

    /// Claude Code's own system prompt and tools (11,000 tokens) lead a model this small to ramble
    /// past any output limit now and then (a run in three, at the server's temperature of 0.8), and
    /// Claude Code takes a reply cut at its limit for an error: this run asks with a short prompt
    /// and no tools (the recorded requests above carry the whole of them).
    static let shortSystemPrompt = "You are a helpful assistant. Answer in a few words."

    @Test(.enabled(if: RealClaudeCodeEndToEndTests.claudeCode != nil || RealClaudeCodeEndToEndTests.underCI))
    func claudeCodeAnswersWithTheLocalModelsText() async throws {
        let server = try #require(LocalModelServer.current)
        let claude = try #require(RealClaudeCodeEndToEndTests.claudeCode, "CLAUDE_CODE_BIN is not set: scripts/test fetches Claude Code and sets it")
        var environment = Self.environment(server).filter { !$0.value.isEmpty }
        environment["CLAUDE_CODE_MAX_OUTPUT_TOKENS"] = "4096"
        let run = try await RealClaudeCodeEndToEndTests.claude(
            ["-p", "--tools", "", "--system-prompt", Self.shortSystemPrompt, "Say hello"], claudeCode: claude, environment: environment)
        #expect(run.status == 0, "stdout: \(run.output)\nstderr: \(run.standardError)\nproxy: \(run.proxyLog)")
        #expect(run.output.contains { !$0.isWhitespace }, "Claude Code printed the model's answer; stderr: \(run.standardError)\nproxy: \(run.proxyLog)")
    }
}

/// The same server with a context too small for Claude Code's first request: the overflow comes
/// back as the `prompt is too long` error Claude Code compacts on, whole (the server's OpenAI-worded
/// 400) and streamed (the server's empty 200, judged by the configured window).
@Suite(
    .enabled(if: LocalModelServer.shouldRun, Comment(rawValue: LocalModelServer.missing)), .localModelServer(contextTokens: 2048), .serialized,
    .timeLimit(.minutes(5)))
struct LocalModelServerOverflowEndToEndTests {
    @Test(arguments: [false, true])
    func aRequestLargerThanTheContextIsPromptTooLong(stream: Bool) async throws {
        let server = try #require(LocalModelServer.current)
        var request = try #require(try claudeCodeFixture("first-turn").objectValue)
        request["stream"] = .bool(stream)
        try await ProxyHarness.run(environment: LocalModelServerEndToEndTests.environment(server)) { harness in
            let reply = try await harness.post("/v1/messages?beta=true", json: .object(request), timeout: .minutes(3))
            let body = String(decoding: reply.body, as: UTF8.self)
            let (kind, said): (AnthropicError.Kind?, String?)
            if stream {
                // The server answers 200 and an empty body: the stream, begun, ends with the error.
                #expect(reply.status == 200, "\(body)")
                guard case .error(let error)? = try reply.events.last else {
                    Issue.record("the stream must end with an error event: \(body)")
                    return
                }
                (kind, said) = (error.kind, error.message)
            } else {
                #expect(reply.status == 400, "\(body)")
                #expect(try reply.json["type"] == "error")
                (kind, said) = (AnthropicError.Kind(rawValue: try reply.json["error"]?["type"]?.stringValue ?? ""), try reply.json["error"]?["message"]?.stringValue)
            }
            #expect(kind == .invalidRequest, "\(body)")
            let message = try #require(said)
            #expect(message.hasPrefix("prompt is too long: "), "\(message)")
            #expect(message.hasSuffix(" > 2048 maximum"), "\(message)")
        }
    }
}
