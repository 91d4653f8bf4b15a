import ProxyCore
import Testing

/// OpenAI's `prompt_cache_key`: one per Claude Code session and model, sent where the server
/// routes its cache by it, with a day's retention where the model offers it.
@Suite struct PromptCacheKeyTests {
    private static func userID(session: String) -> String {
        #"{"device_id": "d", "account_uuid": "", "session_id": "\#(session)"}"#
    }

    private func request(_ fixture: ClaudeCodeFixture, session: String? = nil) throws -> MessagesRequest {
        var json = try #require(try loadClaudeCodeFixture(fixture).objectValue)
        if let session { json["metadata"] = ["user_id": .string(Self.userID(session: session))] }
        return try MessagesRequest(json: .object(json))
    }

    @Test func everyTurnOfASessionHasOneKeyPerModel() throws {
        let keys = try ClaudeCodeFixture.allCases.map { try PromptCacheKey.make(for: request($0), model: "gpt-4.1") }
        #expect(Set(keys).count == 1, "\(keys)")
        let key = try #require(keys.first)
        #expect(key.hasPrefix("claude-") && key.count == 39, "\(key)")
        #expect(try PromptCacheKey.make(for: request(.firstTurn), model: "gpt-5") != key)
    }

    @Test func sessionsHaveKeysOfTheirOwnThatDoNotShowTheSession() throws {
        let first = try PromptCacheKey.make(for: request(.firstTurn, session: "11111111-aaaa"), model: "gpt-4.1")
        let second = try PromptCacheKey.make(for: request(.firstTurn, session: "22222222-bbbb"), model: "gpt-4.1")
        #expect(first != second)
        #expect(!first.contains("11111111") && !second.contains("22222222"))
        // Only the session counts: the conversation growing changes nothing.
        #expect(try PromptCacheKey.make(for: request(.toolResultTurn, session: "11111111-aaaa"), model: "gpt-4.1") == first)
    }

    @Test func withoutASessionTheSystemPromptAndToolsMakeTheKey() throws {
        let plain = MessagesRequest(model: "m", maxTokens: 10, messages: [], system: ["Be brief."])
        var laterTurn = plain
        laterTurn.messages = [MessagesRequest.Message(role: .user, content: [.text("next")])]
        var otherSystem = plain
        otherSystem.system = ["Be thorough."]
        var withTool = plain
        withTool.tools = [MessagesRequest.Tool(name: "Read", description: nil, inputSchema: ["type": "object"])]
        let key = PromptCacheKey.make(for: plain, model: "gpt-4.1")
        #expect(PromptCacheKey.make(for: laterTurn, model: "gpt-4.1") == key)
        #expect(PromptCacheKey.make(for: otherSystem, model: "gpt-4.1") != key)
        #expect(PromptCacheKey.make(for: withTool, model: "gpt-4.1") != key)
        // The older `…_session_<id>` user id counts as a session too.
        var older = plain
        older.userID = "user_abc_account__session_42"
        #expect(PromptCacheKey.make(for: older, model: "gpt-4.1") != key)
    }

    @Test(arguments: [
        ("gpt-4.1", true), ("gpt-4.1-2025-04-14", true), ("gpt-4.1-mini", false), ("gpt-5", true), ("gpt-5.1", true), ("gpt-5-codex", true),
        ("gpt-5.1-codex-mini", true), ("gpt-5-mini", false), ("gpt-5-nano", false), ("gpt-4o", false), ("o3", false),
    ])
    func aDaysRetentionIsAskedOnlyOfTheModelsThatOfferIt(model: String, offered: Bool) {
        #expect(ModelCatalog.keepsPromptCacheForADay(model) == offered)
    }

    @Test func chatCompletionsCarriesTheKeyAndTheRetentionWhereOffered() throws {
        let request = MessagesRequest(model: "claude-sonnet-4-6", maxTokens: 100, messages: [MessagesRequest.Message(role: .user, content: [.text("hi")])])
        let day = try OpenAIChatRequestTranslator(model: "gpt-4.1", profile: ModelCatalog().profile(for: "gpt-4.1"), promptCacheKey: "claude-k")
            .translate(request)
        #expect(day["prompt_cache_key"] == "claude-k")
        #expect(day["prompt_cache_retention"] == "24h")
        let memory = try OpenAIChatRequestTranslator(model: "gpt-4o", profile: ModelCatalog().profile(for: "gpt-4o"), promptCacheKey: "claude-k")
            .translate(request)
        #expect(memory["prompt_cache_key"] == "claude-k")
        #expect(memory["prompt_cache_retention"] == nil)
        let none = try OpenAIChatRequestTranslator(model: "gpt-4.1", profile: ModelCatalog().profile(for: "gpt-4.1")).translate(request)
        #expect(none["prompt_cache_key"] == nil && none["prompt_cache_retention"] == nil)
    }

    @Test func theResponsesAPICarriesThemToo() throws {
        let request = MessagesRequest(model: "claude-sonnet-4-6", maxTokens: 100, messages: [MessagesRequest.Message(role: .user, content: [.text("hi")])])
        let body = try OpenAIResponsesRequestTranslator(model: "gpt-5", profile: ModelCatalog().profile(for: "gpt-5"), promptCacheKey: "claude-k")
            .translate(request)
        #expect(body["prompt_cache_key"] == "claude-k")
        #expect(body["prompt_cache_retention"] == "24h")
    }

    @Test func onlyServersThatRouteByTheKeyAreSentOne() throws {
        let configuration = try ProxyConfiguration(environment: [
            "OPENAI_API_KEY": "sk", "DEEPSEEK_API_KEY": "ds", "AZURE_API_KEY": "az", "AZURE_API_BASE": "https://x.openai.azure.com",
            "VLLM_BASE_URL": "http://127.0.0.1:8000/v1",
        ])
        let router = ModelRouter(configuration: configuration)
        let catalog = ModelCatalog(configuration: configuration)
        let request = try request(.firstTurn)
        func body(_ model: String) throws -> JSONValue {
            try JSONParser.parse(OpenAIChatAdapter(request: request, target: try router.route(model), catalog: catalog).requestBody())
        }
        #expect(try body("openai/gpt-4.1")["prompt_cache_key"] == .string(PromptCacheKey.make(for: request, model: "gpt-4.1")))
        #expect(try body("azure/my-deployment")["prompt_cache_key"] != nil)
        #expect(try body("deepseek/deepseek-chat")["prompt_cache_key"] == nil, "DeepSeek caches by prefix on its own")
        #expect(try body("vllm/qwen3")["prompt_cache_key"] == nil)
        let responses = try JSONParser.parse(
            OpenAIResponsesAdapter(request: request, target: try router.route("responses/gpt-5"), catalog: catalog).requestBody())
        #expect(responses["prompt_cache_key"] == .string(PromptCacheKey.make(for: request, model: "gpt-5")))
    }
}
