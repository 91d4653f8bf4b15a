import Foundation
import ProxyCore
import Testing

/// `anthropic-proxy claude`, the built executable with a stand-in for Claude Code (`CLAUDE_BIN`)
/// that records what it was given, asks the proxy it was pointed at, and exits with a status of
/// its choosing.
@Suite struct ClaudeCommandEndToEndTests {
    /// The stand-in: writes its arguments, its environment and the proxy's `/health` answer into
    /// `$RECORD_DIR`, then exits with `$EXIT_STATUS`.
    static let stub = """
        #!/bin/sh
        printf '%s\\n' "$@" > "$RECORD_DIR/arguments"
        env > "$RECORD_DIR/environment"
        python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1] + "/health").read().decode())' "$ANTHROPIC_BASE_URL" > "$RECORD_DIR/health" 2>&1
        exit "$EXIT_STATUS"
        """

    private func run(_ arguments: [String], environment: [String: String], in directory: TemporaryDirectory) async throws -> (output: String, status: Int32) {
        try await ChildProcess.run(
            ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\" </dev/null", directory.path, ServeCommandEndToEndTests.executable] + arguments,
            environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory.path].merging(environment) { $1 })
    }

    private func stub(in directory: TemporaryDirectory) throws -> String {
        try directory.write("claude-stub", Self.stub)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path + "/claude-stub")
        return directory.path + "/claude-stub"
    }

    @Test func runsClaudeThroughAProxyOfItsOwnAndPassesItsArgumentsAndStatusThrough() async throws {
        let directory = try TemporaryDirectory()
        let environment = [
            "CLAUDE_BIN": try stub(in: directory), "RECORD_DIR": directory.path, "EXIT_STATUS": "7", "OPENAI_API_KEY": "sk-test-0123456789",
            "USAGE_DATABASE": "off", "PORT": "1",
        ]
        let result = try await run(["claude", "-p", "say hi", "--model", "openai/o3"], environment: environment, in: directory)
        #expect(result.status == 7, "Claude Code's exit status: \(result.output)")
        #expect(result.output.contains("anthropic-proxy: log in \(directory.path)/.local/state/anthropic-proxy/claude.log"))
        #expect(try String(contentsOfFile: directory.path + "/arguments", encoding: .utf8) == "-p\nsay hi\n--model\nopenai/o3\n")
        #expect(try String(contentsOfFile: directory.path + "/health", encoding: .utf8).contains(#""status":"ok""#), "the proxy answered while Claude Code ran")
        let variables = try String(contentsOfFile: directory.path + "/environment", encoding: .utf8).split(separator: "\n")
        let baseURL = try #require(variables.first { $0.hasPrefix("ANTHROPIC_BASE_URL=") })
        #expect(baseURL.hasPrefix("ANTHROPIC_BASE_URL=http://127.0.0.1:") && !baseURL.hasSuffix(":1"), "a free port of its own, not the configured one")
        #expect(variables.contains("ANTHROPIC_API_KEY=anthropic-proxy"))
        #expect(variables.contains("CLAUDE_CODE_MAX_CONTEXT_TOKENS=1047576"), "gpt-4.1's window, sonnet's target")
        let log = try String(contentsOfFile: directory.path + "/.local/state/anthropic-proxy/claude.log", encoding: .utf8)
        #expect(log.contains("Client connections: at most"), "the proxy's log is in the file, not on Claude Code's screen")
        #expect(!result.output.contains("Client connections"))
    }

    @Test func keepsWhatTheUserSetAndPrintsTheVariablesForEval() async throws {
        let directory = try TemporaryDirectory()
        let environment = [
            "CLAUDE_BIN": try stub(in: directory), "RECORD_DIR": directory.path, "EXIT_STATUS": "0", "OPENAI_API_KEY": "sk-test-0123456789",
            "USAGE_DATABASE": "off", "PROXY_API_KEY": "team key's", "CLAUDE_CODE_MAX_CONTEXT_TOKENS": "64000",
        ]
        #expect(try await run(["claude"], environment: environment, in: directory).status == 0)
        let variables = try String(contentsOfFile: directory.path + "/environment", encoding: .utf8).split(separator: "\n")
        #expect(variables.contains("ANTHROPIC_API_KEY=team key's"), "the proxy's own key")
        #expect(variables.contains("CLAUDE_CODE_MAX_CONTEXT_TOKENS=64000"), "the user's own setting stays")

        let printed = try await run(["claude", "--print-env"], environment: environment, in: directory)
        #expect(printed.status == 0)
        #expect(printed.output == "export ANTHROPIC_API_KEY='team key'\\''s'\nexport ANTHROPIC_BASE_URL='http://127.0.0.1:8082'\n")
    }

    @Test func saysHowToGetClaudeCodeWhenItIsMissing() async throws {
        let directory = try TemporaryDirectory()
        let result = try await run(["claude"], environment: ["PATH": "/usr/bin:/bin:" + directory.path, "USAGE_DATABASE": "off"], in: directory)
        #expect(result.status != 0)
        #expect(result.output.contains("Claude Code (claude) is not on PATH; install it (npm install -g @anthropic-ai/claude-code) or name it with CLAUDE_BIN."))
    }
}
