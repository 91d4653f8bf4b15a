import Foundation
import ProxyCore
import Testing

/// The real Claude Code CLI (`CLAUDE_CODE_BIN`, fetched by scripts/test from the claude-agent-sdk
/// wheel) through `anthropic-proxy claude`, against the scripted fake OpenAI upstream. Under CI
/// (`CI=true`) a missing CLI fails the test; elsewhere it is skipped.
@Suite struct RealClaudeCodeEndToEndTests {
    /// The CLI, when scripts/test (or the developer) named it.
    static var claudeCode: String? {
        ProcessInfo.processInfo.environment["CLAUDE_CODE_BIN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var underCI: Bool {
        ProcessInfo.processInfo.environment["CI"] == "true"
    }

    @Test(
        .enabled(if: claudeCode != nil || underCI, "CLAUDE_CODE_BIN is not set: scripts/test fetches Claude Code and sets it"),
        .timeLimit(.minutes(2)))
    func claudeCodeSaysWhatTheUpstreamWasScriptedToSay() async throws {
        let claude = try #require(Self.claudeCode, "CLAUDE_CODE_BIN is not set: scripts/test fetches Claude Code and sets it")
        #expect(FileManager.default.isExecutableFile(atPath: claude), "CLAUDE_CODE_BIN (\(claude)) is not an executable")
        let scripted = "Hello from the scripted upstream, through the proxy."
        try await withFakeOpenAIUpstream { fake, upstream in
            // Whatever Claude Code asks first (a title, the answer), the answer is the scripted text.
            fake.enqueue(contentsOf: Array(repeating: FakeReply(text: scripted), count: 8))
            let directory = try TemporaryDirectory()
            let environment = [
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory.path, "CLAUDE_BIN": claude,
                "OPENAI_API_KEY": FakeOpenAIUpstream.apiKey, "OPENAI_BASE_URL": upstream + "/v1", "USAGE_DATABASE": "off", "PORT": "1",
                "DISABLE_TELEMETRY": "1", "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "DISABLE_AUTOUPDATER": "1",
            ]
            // Standard error (the proxy's one line, Claude Code's own) apart: standard output is Claude Code's answer.
            let result = try await ChildProcess.run(
                ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\" </dev/null 2>\"$0/stderr\"", directory.path, ServeCommandEndToEndTests.executable, "claude", "-p", "Say hello"],
                environment: environment)
            let standardError = (try? String(contentsOfFile: directory.path + "/stderr", encoding: .utf8)) ?? ""
            #expect(result.status == 0, "stdout: \(result.output)\nstderr: \(standardError)")
            #expect(result.output.contains(scripted), "stdout: \(result.output)\nstderr: \(standardError)")
            #expect(!fake.receivedRequests.isEmpty, "Claude Code's requests reached the upstream")
            #expect(!result.output.contains(FakeOpenAIUpstream.apiKey) && !standardError.contains(FakeOpenAIUpstream.apiKey))
        }
    }
}
