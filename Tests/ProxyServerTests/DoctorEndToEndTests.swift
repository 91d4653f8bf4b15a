import Foundation
import ProxyCore
import Testing

/// `anthropic-proxy doctor`, the built executable, against the strict fakes: a healthy
/// configuration (every line ✓, exit 0), a refused key, an upstream that does not answer, a
/// mapped model the upstream lacks, an exposed address; `--json` with the same statuses; never a key.
@Suite struct DoctorEndToEndTests {
    /// Claude Code itself when scripts/test fetched it, else a stand-in that answers `--version`.
    private static func claudeCode(in directory: TemporaryDirectory) throws -> String {
        if let real = ProcessInfo.processInfo.environment["CLAUDE_CODE_BIN"], FileManager.default.isExecutableFile(atPath: real) { return real }
        try directory.write("claude", "#!/bin/sh\necho '9.9.9 (Claude Code)'\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path + "/claude")
        return directory.path + "/claude"
    }

    /// Every provider kind at once: sonnet on OpenAI, haiku on Gemini, opus on Anthropic.
    private static func environment(_ harness: ProxyHarness, directory: TemporaryDirectory) throws -> [String: String] {
        [
            "OPENAI_API_KEY": FakeOpenAIUpstream.apiKey, "OPENAI_BASE_URL": harness.upstreamURL + "/v1", "BIG_MODEL": "gpt-4.1",
            "GEMINI_API_KEY": FakeGeminiUpstream.apiKey, "GEMINI_BASE_URL": harness.upstreamURL + "/v1beta", "SMALL_MODEL": "gemini/gemini-2.5-flash",
            "ANTHROPIC_API_KEY": FakeAnthropicUpstream.apiKey, "ANTHROPIC_BASE_URL": harness.upstreamURL, "OPUS_MODEL": "anthropic/claude-opus-4-1-20250805",
            "USAGE_DATABASE": directory.path + "/usage.sqlite", "PORT": String(try freeLoopbackPort()), "CLAUDE_BIN": try claudeCode(in: directory),
        ]
    }

    /// Runs doctor; unless `arguments` say otherwise, with a time limit no fake that answers reaches
    /// even on a machine busy with the whole suite (the limit is only waited out by what never answers).
    private func doctor(_ arguments: [String] = [], environment: [String: String], in directory: TemporaryDirectory) async throws -> (output: String, status: Int32) {
        let limit = arguments.contains("--timeout") ? [] : ["--timeout", "30"]
        return try await ChildProcess.run(
            ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\" </dev/null", directory.path, ServeCommandEndToEndTests.executable, "doctor"] + limit + arguments,
            environment: ["PATH": "/usr/bin:/bin", "HOME": directory.path].merging(environment) { $1 })
    }

    private func line(_ output: String, _ prefix: String) -> String? {
        output.split(separator: "\n").map(String.init).first { $0.dropFirst(2).hasPrefix(prefix) }
    }

    @Test(.timeLimit(.minutes(1))) func aHealthyConfigurationIsAllChecksPassedAndExitsZero() async throws {
        try await ProxyHarness.run { harness in
            let directory = try TemporaryDirectory()
            let environment = try Self.environment(harness, directory: directory)
            let result = try await doctor(environment: environment, in: directory)
            #expect(result.status == 0, "\(result.output)")
            let lines = result.output.split(separator: "\n").map(String.init)
            #expect(lines.dropLast().allSatisfy { $0.hasPrefix("✓ ") }, "\(result.output)")
            #expect(lines.last == "All \(lines.count - 1) checks passed.")
            let upstream = harness.upstreamURL
            #expect(line(result.output, "openai (\(upstream)/v1)")?.contains("answers, key accepted, lists") == true)
            #expect(line(result.output, "gemini (\(upstream)/v1beta)")?.contains("with gemini-2.5-flash") == true)
            #expect(line(result.output, "anthropic (\(upstream))")?.contains("with claude-opus-4-1-20250805") == true)
            #expect(line(result.output, "sonnet") == "✓ sonnet: served by openai/gpt-4.1")
            #expect(line(result.output, "Claude Code")?.contains("(Claude Code) (") == true, "its version and where it is")
            #expect(line(result.output, "Usage database")?.hasSuffix("will be created when the proxy starts") == true)
            for key in [FakeOpenAIUpstream.apiKey, FakeGeminiUpstream.apiKey, FakeAnthropicUpstream.apiKey] { #expect(!result.output.contains(key)) }

            // The port is the harness's own proxy: held by this proxy is fine.
            var held = environment
            held["PORT"] = String(harness.proxyURL.split(separator: ":").last ?? "")
            let again = try await doctor(environment: held, in: directory)
            #expect(line(again.output, "Port") == "✓ Port \(held["PORT"] ?? ""): anthropic-proxy \(ProxyVersion.current) is serving there already")
        }
    }

    @Test(.timeLimit(.minutes(1))) func aRefusedKeyFailsNamingItsSettingAndNeverShowsTheKey() async throws {
        try await ProxyHarness.run { harness in
            let directory = try TemporaryDirectory()
            var environment = try Self.environment(harness, directory: directory)
            environment["OPENAI_API_KEY"] = "sk-wrong-doctor-key-0123456789abcdef"
            environment["GEMINI_API_KEY"] = "wrong-gemini-key-value"
            let result = try await doctor(environment: environment, in: directory)
            #expect(result.status == 1)
            #expect(line(result.output, "openai (") == "✗ openai (\(harness.upstreamURL)/v1): key refused (401: Incorrect API key provided.). Check OPENAI_API_KEY.")
            #expect(line(result.output, "gemini (")?.hasPrefix("✗ gemini (\(harness.upstreamURL)/v1beta): key refused (400: API key not valid.") == true)
            #expect(line(result.output, "gemini (")?.hasSuffix("Check GEMINI_API_KEY.") == true)
            #expect(line(result.output, "sonnet")?.hasPrefix("✗ sonnet: openai/gpt-4.1 failed its check above") == true)
            #expect(line(result.output, "opus")?.hasPrefix("✓") == true, "Anthropic's key is fine")
            #expect(!result.output.contains("sk-wrong-doctor-key-0123456789abcdef") && !result.output.contains("wrong-gemini-key-value"))
            #expect(result.output.hasSuffix("4 of 11 checks failed: fix the ✗ lines above.\n"), "\(result.output)")
        }
    }

    @Test(.timeLimit(.minutes(1))) func anUpstreamThatNeverAnswersOrIsNotThereFailsWithinTheTimeout() async throws {
        try await ProxyHarness.run { harness in
            let directory = try TemporaryDirectory()
            let silent = try SilentListener()
            var environment = try Self.environment(harness, directory: directory)
            environment["OPENAI_BASE_URL"] = "http://127.0.0.1:\(silent.port)/v1"
            let closed = try SilentListener(listening: false)
            environment["GEMINI_BASE_URL"] = "http://127.0.0.1:\(closed.port)/v1beta"
            let result = try await doctor(["--timeout", "2"], environment: environment, in: directory)
            #expect(result.status == 1)
            #expect(line(result.output, "openai (") == "✗ openai (http://127.0.0.1:\(silent.port)/v1): does not answer within 2 s. Is the server up and OPENAI_BASE_URL right?")
            #expect(line(result.output, "gemini (")?.hasSuffix("does not answer (connection refused). Is the server running? Check GEMINI_BASE_URL.") == true, "\(result.output)")
            #expect(line(result.output, "haiku")?.hasPrefix("✗") == true)
            // Both ports stay held until doctor is done: no other test's server may take them meanwhile.
            withExtendedLifetime((silent, closed)) {}
        }
    }

    @Test(.timeLimit(.minutes(1))) func aMappedModelTheUpstreamLacksFailsWithCloseNames() async throws {
        try await ProxyHarness.run { harness in
            let directory = try TemporaryDirectory()
            var environment = try Self.environment(harness, directory: directory)
            environment["BIG_MODEL"] = "gpt-4.2"
            environment["SMALL_MODEL"] = "gemini/gemini-2.5-flsh"
            let text = try await doctor(environment: environment, in: directory)
            #expect(text.status == 1)
            #expect(line(text.output, "openai (")?.hasPrefix("✓") == true, "the endpoint itself is fine")
            let missing = text.output.split(separator: "\n").filter { $0.contains("no model") }
            #expect(missing.contains { $0.hasSuffix("no model 'gpt-4.2' among its 8 models (BIG_MODEL); close: gpt-4.1, gpt-4o, gpt-5. Check BIG_MODEL.") }, "\(text.output)")
            #expect(missing.contains { $0.contains("no model 'gemini-2.5-flsh'") && $0.contains("close: gemini-2.5-flash") && $0.hasSuffix("Check SMALL_MODEL.") })
            #expect(line(text.output, "sonnet")?.hasPrefix("✗") == true)

            // The JSON document carries the same checks and statuses.
            let json = try await doctor(["--json"], environment: environment, in: directory)
            #expect(json.status == 1)
            let document = try JSONParser.parse(Array(json.output.utf8))
            #expect(document["ok"] == false)
            let checks = try #require(document["checks"]?.arrayValue)
            let symbols = ["ok": "✓", "warning": "!", "failure": "✗"]
            let fromJSON = checks.map { "\(symbols[$0["status"]?.stringValue ?? ""] ?? "?") \($0["name"]?.stringValue ?? "")" }
            let fromText = text.output.split(separator: "\n").dropLast().map { line in line.range(of: ": ").map { String(line[..<$0.lowerBound]) } ?? "" }
            #expect(fromJSON == fromText)
        }
    }

    /// 192.0.2.1 is a documentation address no machine has: nothing can listen there either.
    @Test(.timeLimit(.minutes(1))) func anExposedAddressWithoutKeysFailsAsStartUpWouldAndAnAllowedOneWarns() async throws {
        try await ProxyHarness.run { harness in
            let directory = try TemporaryDirectory()
            var environment = try Self.environment(harness, directory: directory)
            environment["HOST"] = "192.0.2.1"
            // What answers there is only looked for (nothing does): a short limit.
            let refused = try await doctor(["--timeout", "3"], environment: environment, in: directory)
            #expect(refused.status == 1)
            let address = try #require(line(refused.output, "Address 192.0.2.1"))
            #expect(address.hasPrefix("✗ Address 192.0.2.1: HOST 192.0.2.1 can be reached from other machines and no key protects the proxy"))
            #expect(line(refused.output, "Port")?.hasPrefix("✗") == true, "nothing can listen there")

            environment["ALLOW_UNAUTHENTICATED"] = "true"
            let allowed = try await doctor(["--timeout", "3"], environment: environment, in: directory)
            #expect(line(allowed.output, "Address 192.0.2.1")?.hasPrefix("! Address 192.0.2.1: other machines can reach it with no key") == true)
        }
    }

    @Test func anInvalidConfigurationIsOneFailedLine() async throws {
        let directory = try TemporaryDirectory()
        let result = try await doctor(environment: ["PORT": "eighty", "USAGE_DATABASE": "off"], in: directory)
        #expect(result.status == 1)
        #expect(result.output.hasPrefix("✗ Configuration: invalid setting PORT: 'eighty' is not a port number (1-65535). Fix it: start-up refuses it too.\n"))
    }
}
