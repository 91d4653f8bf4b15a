import Foundation
import Logging
import ProxyCore
import ProxyServer
import Testing

/// `anthropic-proxy usage` and `anthropic-proxy statusline`, the built executable reading a real
/// ledger: an SQLite file, or a PostgreSQL database.
@Suite(.postgres) struct UsageCommandsEndToEndTests {
    /// Runs the executable with `arguments`, `input` on its standard input, in `directory` (its
    /// standard error, where it logs, left out).
    private func run(_ arguments: [String], input: String = "", environment: [String: String], in directory: TemporaryDirectory) async throws -> (output: String, status: Int32) {
        try await ChildProcess.run(
            [ServeCommandEndToEndTests.executable] + arguments, environment: environment.merging(["PATH": "/usr/bin:/bin", "HOME": directory.path]) { $1 },
            workingDirectory: directory.path, input: input, discarding: .standardError)
    }

    /// A ledger holding two requests of one session today (one priced, one not) and one of another session.
    private func ledger(_ kind: LedgerDatabaseKind) async throws -> TestLedgerDatabase {
        let database = try await TestLedgerDatabase(kind)
        let store = try await database.store()
        try await store.migrate()
        func row(_ id: String, session: String, model: String, input: Int, output: Int, cost: Double?) -> LedgerRow {
            var record = RequestRecord(id: id, receivedAt: .now, method: "POST", path: "/v1/messages")
            record.sessionID = session
            record.targets = [AttemptedTarget(RouteTarget(provider: .openAI, model: model, baseURL: "https://x", apiKeys: [], keyVariable: "K"))]
            record.usage = Usage(inputTokens: input, outputTokens: output, cacheReadInputTokens: 1_000)
            record.costUSD = cost
            return LedgerRow(record)
        }
        try await store.insert([
            row("req_1", session: "s-1", model: "gpt-4.1", input: 11_000, output: 300, cost: 0.25),
            row("req_2", session: "s-1", model: "qwen3", input: 500, output: 20, cost: nil),
            row("req_3", session: "s-2", model: "gpt-4.1", input: 100, output: 10, cost: 0.5),
        ])
        try await store.close()
        return database
    }

    @Test(arguments: LedgerDatabaseKind.allCases) func usagePrintsATableByModel(_ kind: LedgerDatabaseKind) async throws {
        let database = try await ledger(kind)
        let (output, status) = try await run(
            ["usage", "--by", "model", "--since", "0d"], environment: ["USAGE_DATABASE": database.setting], in: database.directory)
        #expect(status == 0)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.first == "\(UTCTime.now.day) to \(UTCTime.now.day), UTC")
        #expect(lines[1].hasPrefix("model") && lines[1].hasSuffix("cost"))
        #expect(lines[2].hasPrefix("openai/gpt-4.1") && lines[2].hasSuffix("$0.75"))
        #expect(lines[3].hasPrefix("openai/qwen3") && lines[3].hasSuffix("unknown price"))
        #expect(lines[4].hasPrefix("total") && lines[4].contains(" 3 ") && lines[4].hasSuffix("$0.75 + 1 unpriced"))
    }

    @Test func usageSaysWhenNothingIsRecordedAndRefusesABadGrouping() async throws {
        let directory = try TemporaryDirectory()
        let empty = try await run(["usage"], environment: ["USAGE_DATABASE": directory.path + "/none.sqlite"], in: directory)
        #expect(empty.status == 0)
        #expect(empty.output == "No usage recorded yet (USAGE_DATABASE: \(directory.path)/none.sqlite).\n")
        let bad = try await run(["usage", "--by", "week"], environment: ["USAGE_DATABASE": directory.path + "/none.sqlite"], in: directory)
        #expect(bad.status != 0)
    }

    @Test(arguments: LedgerDatabaseKind.allCases) func statusLineReadsClaudeCodesJSON(_ kind: LedgerDatabaseKind) async throws {
        let database = try await ledger(kind)
        let claudeCode = #"{"session_id":"s-1","model":{"id":"claude-sonnet-4-6","display_name":"Sonnet 4.6"},"workspace":{"current_dir":"/tmp"}}"#
        let environment = ["USAGE_DATABASE": database.setting, "OPENAI_API_KEY": "sk-test", "BIG_MODEL": "gpt-4.1"]
        let (output, status) = try await run(["statusline"], input: claudeCode, environment: environment, in: database.directory)
        #expect(status == 0)
        // Session s-1: 11,500 input + 320 output + 2,000 cache read tokens.
        #expect(output == "openai/gpt-4.1 · session 13.8k tokens $0.25 + 1 unpriced · today $0.75 + 1 unpriced\n")
    }

    @Test func statusLineNeverFailsLoudly() async throws {
        let directory = try TemporaryDirectory()
        let garbage = try await run(["statusline"], input: "not json", environment: ["USAGE_DATABASE": "off"], in: directory)
        #expect(garbage.status == 0)
        #expect(garbage.output == "anthropic-proxy\n")
        let noLedger = try await run(
            ["statusline"], input: #"{"session_id":"x","model":{"id":"claude-haiku-4-5","display_name":"Haiku 4.5"}}"#,
            environment: ["USAGE_DATABASE": "off", "PORT": "not-a-port"], in: directory)
        #expect(noLedger.status == 0)
        #expect(noLedger.output == "Haiku 4.5\n", "a configuration that does not load still leaves the model's name")
    }
}

/// `anthropic-proxy init`, the built executable in an empty folder.
@Suite struct InitCommandEndToEndTests {
    private func run(_ arguments: [String], in directory: TemporaryDirectory, environment: [String: String] = [:]) async throws -> (output: String, status: Int32) {
        try await ChildProcess.run(
            ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\" </dev/null", directory.path, ServeCommandEndToEndTests.executable] + arguments,
            environment: environment.merging(["PATH": "/usr/bin:/bin", "HOME": directory.path]) { $1 })
    }

    @Test func writesAFileConfigCheckAcceptsAndRefusesToOverwriteIt() async throws {
        let directory = try TemporaryDirectory()
        let made = try await run(["init", "--provider", "gemini"], in: directory)
        #expect(made.status == 0)
        #expect(made.output.hasPrefix("Wrote anthropic-proxy.yaml for Google Gemini: sonnet → gemini/gemini-2.5-pro, haiku → gemini/gemini-2.5-flash"))
        #expect(made.output.contains("Set GEMINI_API_KEY in your environment or in .env"))
        let written = try String(contentsOfFile: directory.path + "/anthropic-proxy.yaml", encoding: .utf8)
        #expect(written == StarterConfiguration.named("gemini")?.yaml)

        let checked = try await run(["config", "check"], in: directory, environment: ["GEMINI_API_KEY": "AIza-test-0123456789"])
        #expect(checked.status == 0, "\(checked.output)")
        #expect(checked.output.contains("gemini/gemini-2.5-pro") && !checked.output.contains("AIza-test"))

        let again = try await run(["init", "--provider", "openai"], in: directory)
        #expect(again.status != 0)
        #expect(again.output.contains("anthropic-proxy.yaml exists already; pass --force to replace it"))
        #expect(try String(contentsOfFile: directory.path + "/anthropic-proxy.yaml", encoding: .utf8) == written, "left as it was")
        #expect(try await run(["init", "--provider", "openai", "--force"], in: directory).status == 0)
        #expect(try String(contentsOfFile: directory.path + "/anthropic-proxy.yaml", encoding: .utf8).contains("${OPENAI_API_KEY}"))

        let unknown = try await run(["init", "--provider", "bedrock"], in: directory)
        #expect(unknown.status != 0 && unknown.output.contains("--provider: 'bedrock' is not one of openai, gemini, anthropic"))
        let unasked = try await run(["init", "--output", "other.yaml"], in: directory)
        #expect(unasked.status != 0 && unasked.output.contains("Name a provider with --provider"), "no terminal to ask on")
    }
}
