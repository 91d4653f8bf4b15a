import ProxyCore
import Testing

/// What `doctor` probes for a configuration, and what the answers mean: each line's status, what it
/// says and the setting it names.
@Suite struct DoctorPlanTests {
    static let openAIKey = "sk-doctor-test-0123456789abcdef"

    private func plan(_ environment: [String: String]) throws -> DoctorPlan {
        DoctorPlan(configuration: try ProxyConfiguration(environment: environment))
    }

    private func list(_ ids: [String], extra: [String: JSONValue] = [:]) -> UpstreamProbe.Answer {
        let data = ids.map { id -> JSONValue in
            var entry: JSONObject = ["id": .string(id), "object": "model"]
            for (key, value) in extra { entry[key] = value }
            return .object(entry)
        }
        return .answered(status: 200, body: JSONWriter.encode(["object": "list", "data": .array(data)]))
    }

    private func findings(
        _ plan: DoctorPlan, _ answers: [DoctorFindings.UpstreamAnswers], host: DoctorFindings.Port = .free
    ) -> DoctorReport {
        plan.report(
            configurationCheck: DoctorCheck(.ok, "Configuration", "valid"),
            DoctorFindings(port: host, usageDatabase: .off, upstreams: answers, claudeCode: .runs(path: "/bin/claude", version: "2.1.332 (Claude Code)")))
    }

    private func check(_ report: DoctorReport, _ name: String) -> DoctorCheck? {
        report.checks.first { $0.name == name }
    }

    // MARK: - What is probed

    @Test func oneProbeAnEndpointWithEveryModelMappedToItAndTheSettingsThatMapIt() throws {
        let plan = try plan(["OPENAI_API_KEY": Self.openAIKey])
        #expect(plan.probes.count == 1)
        let probe = try #require(plan.probes.first)
        #expect(probe.label == "openai (https://api.openai.com/v1)")
        #expect(probe.listURL == "https://api.openai.com/v1/models")
        #expect(probe.headers == ["authorization": "Bearer \(Self.openAIKey)"])
        #expect(probe.propertiesURL == nil, "OpenAI itself has no /props")
        #expect(probe.models.map(\.name) == ["gpt-4.1", "gpt-4.1-mini"])
        #expect(probe.models.map(\.settings) == [["BIG_MODEL", "OPUS_MODEL"], ["SMALL_MODEL"]])
        #expect(plan.routes.map(\.name) == ["opus", "sonnet", "haiku"])
    }

    @Test func everyRouteByNeedThatIsSetIsCheckedWithItsFallbacks() throws {
        let plan = try plan([
            "OPENAI_API_KEY": Self.openAIKey, "GEMINI_API_KEY": "AIza-test-key", "THINK_MODEL": "openai/o3, gemini/gemini-2.5-pro",
            "IMAGE_MODEL": "openai/gpt-4o", "WEB_SEARCH_MODEL": "gemini/gemini-2.5-flash",
        ])
        #expect(plan.routes.map(\.name) == ["opus", "sonnet", "haiku", "web search", "think", "image"])
        #expect(try plan.routes[4].targets.get().map(\.qualifiedModel) == ["openai/o3", "gemini/gemini-2.5-pro"])
        #expect(plan.probes.flatMap(\.models).map(\.name).sorted() == ["gemini-2.5-flash", "gemini-2.5-pro", "gpt-4.1", "gpt-4.1-mini", "gpt-4o", "o3"])
        #expect(plan.probes.flatMap(\.models).first { $0.name == "o3" }?.settings == ["THINK_MODEL"])
    }

    @Test func vertexCredentialsAreAskedForATokenOnceEachAndSayWhyNot() throws {
        let plan = try plan([
            "OPENAI_API_KEY": Self.openAIKey, "VERTEX_PROJECT": "p", "BIG_MODEL": "vertex/gemini-2.5-pro", "SMALL_MODEL": "vertex/gemini-2.5-flash",
            "THINK_MODEL": "vertex/claude-sonnet-4-5@20250929:eu", "CHANNEL_EU_PROVIDER": "vertex", "CHANNEL_EU_CREDENTIALS": "/keys/eu.json",
        ])
        #expect(plan.googleCredentials == [nil, "/keys/eu.json"])
        #expect(plan.probes.isEmpty, "Vertex lists no models the others' way")
        let refused = AnthropicError(.authentication, "Could not get a Google Cloud access token with GOOGLE_APPLICATION_CREDENTIALS (/keys/eu.json): invalid_grant.")
        let report = plan.report(
            configurationCheck: DoctorCheck(.ok, "Configuration", "valid"),
            DoctorFindings(
                port: .free, usageDatabase: .off, upstreams: [], claudeCode: .notFound,
                googleCredentials: [.init(file: nil, problem: nil), .init(file: "/keys/eu.json", problem: refused)]))
        #expect(check(report, "Google Cloud credentials (Application Default Credentials)")?.line == "✓ Google Cloud credentials (Application Default Credentials): an access token was issued")
        #expect(check(report, "Google Cloud credentials (/keys/eu.json)")?.status == .failure)
        #expect(check(report, "Google Cloud credentials (/keys/eu.json)")?.detail == refused.message)
        #expect(!report.ok)
    }

    @Test func eachProviderIsAskedForItsListTheWayItsAPITakesTheKey() throws {
        let gemini = try plan(["PREFERRED_PROVIDER": "google", "GEMINI_API_KEY": "AIza-test-key"]).probes
        #expect(gemini.map(\.listURL) == ["https://generativelanguage.googleapis.com/v1beta/models?pageSize=1000"])
        #expect(gemini.first?.headers == ["x-goog-api-key": "AIza-test-key"])
        #expect(gemini.first?.baseURLSetting == "GEMINI_BASE_URL")

        let anthropic = try plan(["BIG_MODEL": "anthropic/claude-sonnet-4-5", "SMALL_MODEL": "anthropic/claude-haiku-4-5", "ANTHROPIC_API_KEY": "sk-ant-test"]).probes
        #expect(anthropic.map(\.listURL) == ["https://api.anthropic.com/v1/models?limit=1000"])
        #expect(anthropic.first?.headers == ["x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01"])

        let azure = try plan(["BIG_MODEL": "azure/my-deployment", "SMALL_MODEL": "azure/my-deployment", "AZURE_API_BASE": "https://x.openai.azure.com", "AZURE_API_KEY": "az"]).probes
        #expect(azure.map(\.listURL) == ["https://x.openai.azure.com/openai/models?api-version=2025-04-01-preview"])
        #expect(azure.first?.headers == ["api-key": "az"])
    }

    @Test func aChannelAndALocalServerAreProbesOfTheirOwnAndLocalServersAreAskedTheirProperties() throws {
        let plan = try plan([
            "OPENAI_API_KEY": Self.openAIKey, "BIG_MODEL": "gpt-4.1, openai/gpt-4o:backup", "CHANNEL_BACKUP_BASE_URL": "http://10.0.0.5:8000/v1",
            "SMALL_MODEL": "ollama/qwen3:30b",
        ])
        #expect(plan.probes.map(\.label) == ["openai (https://api.openai.com/v1)", "channel backup (http://10.0.0.5:8000/v1)", "ollama (http://127.0.0.1:11434/v1)"])
        #expect(plan.probes.map(\.baseURLSetting) == ["OPENAI_BASE_URL", "CHANNEL_BACKUP_BASE_URL", "OLLAMA_BASE_URL"])
        #expect(plan.probes.map(\.propertiesURL) == [nil, "http://10.0.0.5:8000/props", "http://127.0.0.1:11434/props"])
        #expect(plan.probes[1].headers.isEmpty, "a channel without a key sends none")
    }

    // MARK: - What the answers mean

    @Test func aHealthyUpstreamIsOneLineAndEveryNameIsServed() throws {
        let report = findings(try plan(["OPENAI_API_KEY": Self.openAIKey]), [.init(list: list(["gpt-4.1", "gpt-4.1-mini", "gpt-4o"]))])
        #expect(report.ok && report.exitStatus == 0)
        #expect(check(report, "openai (https://api.openai.com/v1)")?.line == "✓ openai (https://api.openai.com/v1): answers, key accepted, lists 3 models with gpt-4.1, gpt-4.1-mini")
        #expect(check(report, "sonnet")?.line == "✓ sonnet: served by openai/gpt-4.1")
        #expect(report.summary == "All \(report.checks.count) checks passed.")
    }

    @Test(arguments: [401, 403])
    func aRefusedKeyFailsNamingTheKeySettingAndEveryNameItServes(status: Int) throws {
        let refusal = JSONWriter.encode(["error": ["message": "Incorrect API key provided: sk-doct***cdef.", "type": "invalid_request_error", "code": "invalid_api_key"]])
        let report = findings(try plan(["OPENAI_API_KEY": Self.openAIKey]), [.init(list: .answered(status: status, body: refusal))])
        #expect(!report.ok && report.exitStatus == 1)
        let line = try #require(check(report, "openai (https://api.openai.com/v1)")?.line)
        #expect(line.hasPrefix("✗ openai (https://api.openai.com/v1): key refused (\(status): Incorrect API key provided"))
        #expect(line.hasSuffix(". Check OPENAI_API_KEY."))
        #expect(check(report, "haiku")?.status == .failure)
        #expect(check(report, "haiku")?.line == "✗ haiku: openai/gpt-4.1-mini failed its check above, and nothing else serves it. Fix that, or map haiku to another model with SMALL_MODEL.")
    }

    @Test func geminiSaysABadKeyWith400() throws {
        let body = JSONWriter.encode([
            "error": ["code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT", "details": [["reason": "API_KEY_INVALID"]]]
        ])
        let report = findings(try plan(["PREFERRED_PROVIDER": "google", "GEMINI_API_KEY": "AIza-test-key"]), [.init(list: .answered(status: 400, body: body))])
        let line = try #require(report.checks.first { $0.name.hasPrefix("gemini") })
        #expect(line.status == .failure)
        #expect(line.detail.hasPrefix("key refused (400"))
        #expect(line.fix == "Check GEMINI_API_KEY.")
    }

    @Test func anUpstreamThatDoesNotAnswerFailsNamingTheURLSetting() throws {
        let plan = try plan(["BASE_URL": "http://127.0.0.1:9/v1", "BIG_MODEL": "local-model", "SMALL_MODEL": "local-model"])
        for answer in [UpstreamProbe.Answer.unreachable("connection refused"), .timedOut(.milliseconds(1500))] {
            let report = findings(plan, [.init(list: answer, properties: answer)])
            let line = try #require(check(report, "openai (http://127.0.0.1:9/v1)"))
            #expect(line.status == .failure)
            #expect(line.fix?.contains("BASE_URL") == true)
            #expect(line.detail == (answer == .timedOut(.milliseconds(1500)) ? "does not answer within 1500 ms" : "does not answer (connection refused)"))
            #expect(check(report, "sonnet")?.status == .failure)
        }
    }

    @Test func aMappedModelTheListLacksFailsNamingTheSettingAndCloseNames() throws {
        let plan = try plan(["OPENAI_API_KEY": Self.openAIKey, "BIG_MODEL": "gpt-4.2", "SMALL_MODEL": "gpt-4.1-mini"])
        let report = findings(plan, [.init(list: list(["gpt-4.1", "gpt-4.1-mini", "gpt-4o", "o3", "text-embedding-3-large"]))])
        let missing = try #require(report.checks.first { $0.detail.hasPrefix("no model") })
        #expect(missing.line == "✗ openai (https://api.openai.com/v1): no model 'gpt-4.2' among its 5 models (BIG_MODEL, OPUS_MODEL); close: gpt-4.1, gpt-4o. Check BIG_MODEL.")
        #expect(check(report, "sonnet")?.status == .failure)
        #expect(check(report, "haiku")?.status == .ok)
    }

    @Test func aFallbackStandingInIsAWarning() throws {
        let plan = try plan([
            "OPENAI_API_KEY": Self.openAIKey, "BIG_MODEL": "gpt-4.1, openai/gpt-4o:backup", "CHANNEL_BACKUP_BASE_URL": "http://10.0.0.5:8000/v1",
        ])
        let report = findings(plan, [.init(list: .unreachable("connection refused")), .init(list: list(["gpt-4o"]), properties: .answered(status: 404, body: []))])
        #expect(check(report, "sonnet")?.line == "! sonnet: openai/gpt-4.1 failed its check above; openai/gpt-4o:backup stands in for it. Fix that, or change BIG_MODEL.")
    }

    @Test(arguments: [404, 405, 501])
    func aListThatCannotBeHadIsAWarningNotAFailure(status: Int) throws {
        let report = findings(try plan(["OPENAI_API_KEY": Self.openAIKey]), [.init(list: .answered(status: status, body: Array("Not Found".utf8)))])
        #expect(report.ok)
        #expect(check(report, "openai (https://api.openai.com/v1)")?.status == .warning)
        #expect(check(report, "openai (https://api.openai.com/v1)")?.detail.contains("cannot list models (\(status))") == true)
    }

    @Test func anErrorPageIsOneLine() throws {
        let page = "<!DOCTYPE HTML>\n<html>\n<head><title>Error response</title></head>\n<body><p>Error code: 500</p></body>\n</html>\n"
        let report = findings(try plan(["OPENAI_API_KEY": Self.openAIKey]), [.init(list: .answered(status: 500, body: Array(page.utf8)))])
        let line = try #require(check(report, "openai (https://api.openai.com/v1)")?.line)
        #expect(line == "✗ openai (https://api.openai.com/v1): answered 500 to its model list: an HTML page titled 'Error response'. Check OPENAI_BASE_URL.")
    }

    @Test func aRouteTheRouterRefusesFailsWithItsExplanation() throws {
        let report = findings(try plan([:]), [])
        #expect(report.checks.filter { $0.status == .failure }.map(\.name) == ["opus", "sonnet", "haiku"])
        #expect(check(report, "sonnet")?.detail.contains("set OPENAI_API_KEY") == true)
    }

    @Test func anthropicWithoutAKeyOfItsOwnPassesTheClientsOn() throws {
        let plan = try plan(["BIG_MODEL": "anthropic/claude-sonnet-4-5", "SMALL_MODEL": "anthropic/claude-haiku-4-5"])
        let body = JSONWriter.encode(["type": "error", "error": ["type": "authentication_error", "message": "x-api-key header is required"]])
        let report = findings(plan, [.init(list: .answered(status: 401, body: body))])
        #expect(report.ok)
        #expect(report.checks.first { $0.name.hasPrefix("anthropic") }?.status == .warning)
    }

    // MARK: - Context windows servers tell

    @Test func aWindowTheCatalogDoesNotKnowIsAWarningThatSaysWhatToSet() throws {
        let environment = ["BASE_URL": "http://127.0.0.1:8080/v1", "BIG_MODEL": "smollm2", "SMALL_MODEL": "smollm2"]
        let props = UpstreamProbe.Answer.answered(status: 200, body: JSONWriter.encode(["default_generation_settings": ["n_ctx": 4096]]))
        let report = findings(try plan(environment), [.init(list: list(["smollm2"]), properties: props)])
        let window = try #require(check(report, "openai/smollm2"))
        #expect(window.line == "! openai/smollm2: the server says its context window is 4096 tokens; the catalog doesn't know it. Set MODEL_CONTEXT_WINDOWS=smollm2=4096 so that Claude Code compacts before it fills")

        let agreed = findings(try plan(environment.merging(["MODEL_CONTEXT_WINDOWS": "smollm2=4096"]) { $1 }), [.init(list: list(["smollm2"]), properties: props)])
        #expect(check(agreed, "openai/smollm2")?.line == "✓ openai/smollm2: context window 4096 tokens, as the server says, from MODEL_CONTEXT_WINDOWS")

        let larger = findings(try plan(environment.merging(["MODEL_CONTEXT_WINDOWS": "smollm2=32768"]) { $1 }), [.init(list: list(["smollm2"]), properties: props)])
        #expect(check(larger, "openai/smollm2")?.status == .warning)
        #expect(check(larger, "openai/smollm2")?.detail.contains("MODEL_CONTEXT_WINDOWS says 32768") == true)
    }

    @Test func aWindowInTheListItselfCountsAndOneTheCatalogKnowsAlikeSaysNothing() throws {
        let vllm = findings(
            try plan(["BASE_URL": "http://127.0.0.1:8000/v1", "BIG_MODEL": "qwen3-coder", "SMALL_MODEL": "qwen3-coder"]),
            [.init(list: list(["qwen3-coder"], extra: ["max_model_len": 65536]), properties: .answered(status: 404, body: []))])
        #expect(check(vllm, "openai/qwen3-coder")?.detail.hasPrefix("the server says its context window is 65536 tokens") == true)

        let gemini = JSONWriter.encode(["models": [["name": "models/gemini-2.5-pro", "inputTokenLimit": 1_048_576], ["name": "models/gemini-2.5-flash", "inputTokenLimit": 1_048_576]]])
        let report = findings(try plan(["PREFERRED_PROVIDER": "google", "GEMINI_API_KEY": "AIza-test-key"]), [.init(list: .answered(status: 200, body: gemini))])
        #expect(report.checks.count { $0.name.hasPrefix("gemini") } == 1, "one line: the windows agree with the catalog")
        #expect(report.checks.first { $0.name.hasPrefix("gemini") }?.detail == "answers, key accepted, lists 2 models with gemini-2.5-pro, gemini-2.5-flash")
    }

    // MARK: - The rest

    @Test func anExposedAddressFailsAsStartUpWouldAndAnAllowedOneWarns() throws {
        let exposed = try ProxyConfiguration(environment: ["HOST": "0.0.0.0", "OPENAI_API_KEY": Self.openAIKey])
        let found = DoctorFindings(port: .free, usageDatabase: .off, upstreams: [], claudeCode: .notFound)
        #expect(found.addressCheck(exposed).status == .failure)
        #expect(found.addressCheck(exposed).detail.contains("PROXY_API_KEY"))
        let allowed = try ProxyConfiguration(environment: ["HOST": "0.0.0.0", "ALLOW_UNAUTHENTICATED": "true"])
        #expect(found.addressCheck(allowed).status == .warning)
        var withKeys = found
        withKeys.hasClientKeys = true
        #expect(withKeys.addressCheck(exposed).status == .ok)
        #expect(found.addressCheck(try ProxyConfiguration(environment: [:])).line == "✓ Address 127.0.0.1: answers this machine only")
    }

    @Test func theConfigurationLineSaysWhereTheValuesCameFrom() {
        let settings = LayeredSettings(environment: ["OPENAI_API_KEY": Self.openAIKey, "PORT": "9000"], dotEnv: ["BIG_MODEL": "gpt-4o"], dotEnvPath: ".env")
        #expect(DoctorCheck.configuration(settings).line == "✓ Configuration: valid (environment: 2, .env: 1; the rest defaults; `anthropic-proxy config check` lists each)")
        let invalid = DoctorCheck.configuration(ConfigurationError(variable: "PORT", problem: "'x' is not a port number (1-65535)"))
        #expect(invalid.line == "✗ Configuration: invalid setting PORT: 'x' is not a port number (1-65535). Fix it: start-up refuses it too.")
    }

    @Test func thePortTheDatabaseAndClaudeCodeEachHaveALine() throws {
        let configuration = try ProxyConfiguration(environment: [:])
        #expect(DoctorFindings.Port.thisProxy(version: "0.1.0").check(configuration).line == "✓ Port 8082: anthropic-proxy 0.1.0 is serving there already")
        #expect(DoctorFindings.Port.unavailable("Address already in use").check(configuration).status == .failure)
        #expect(DoctorFindings.UsageDatabase.fails("/nope/usage.sqlite", reason: "unable to open").check.fix == "Check USAGE_DATABASE.")
        #expect(DoctorFindings.ClaudeCode.notFound.check.status == .warning)
        #expect(DoctorFindings.ClaudeCode.notFound.check.fix?.contains("CLAUDE_BIN") == true)
        #expect(DoctorFindings.ClaudeCode.runs(path: "/usr/bin/claude", version: "2.1.332 (Claude Code)").check.line == "✓ Claude Code: 2.1.332 (Claude Code) (/usr/bin/claude)")
    }
}
