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

    /// What `anthropic-proxy claude ARGUMENTS` did, the proxy's settings in `environment`: Claude
    /// Code's exit status and standard output (its answer), its standard error, and the proxy's log.
    struct Run {
        var status: Int32
        var output: String
        var standardError: String
        var proxyLog: String
    }

    /// Runs `anthropic-proxy claude` with `arguments`, in a new home and working directory, the
    /// proxy's usage database off and Claude Code's non-essential traffic off.
    static func claude(_ arguments: [String], claudeCode: String, environment: [String: String]) async throws -> Run {
        let directory = try TemporaryDirectory()
        let settings = environment.merging([
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory.path, "CLAUDE_BIN": claudeCode,
            "USAGE_DATABASE": "off", "PORT": "1",
            "DISABLE_TELEMETRY": "1", "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "DISABLE_AUTOUPDATER": "1",
        ]) { $1 }
        // Standard error (the proxy's one line, Claude Code's own) apart: standard output is Claude Code's answer.
        let result = try await ChildProcess.run(
            ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\" </dev/null 2>\"$0/stderr\"", directory.path, ServeCommandEndToEndTests.executable, "claude"]
                + arguments,
            environment: settings)
        func read(_ path: String) -> String { (try? String(contentsOfFile: directory.path + path, encoding: .utf8)) ?? "" }
        return Run(
            status: result.status, output: result.output, standardError: read("/stderr"), proxyLog: read("/.local/state/anthropic-proxy/claude.log"))
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
            let run = try await Self.claude(
                ["-p", "Say hello"], claudeCode: claude,
                environment: ["OPENAI_API_KEY": FakeOpenAIUpstream.apiKey, "OPENAI_BASE_URL": upstream + "/v1"])
            #expect(run.status == 0, "stdout: \(run.output)\nstderr: \(run.standardError)")
            #expect(run.output.contains(scripted), "stdout: \(run.output)\nstderr: \(run.standardError)")
            #expect(!fake.receivedRequests.isEmpty, "Claude Code's requests reached the upstream")
            #expect(!run.output.contains(FakeOpenAIUpstream.apiKey) && !run.standardError.contains(FakeOpenAIUpstream.apiKey))
        }
    }
}
