import ProxyCore
import Testing

/// From the model a client names to the upstream, endpoint and keys that serve it.
@Suite struct ModelRouterTests {
    private static let openAIRoot = "https://api.openai.com/v1"

    private func router(_ environment: [String: String]) throws -> ModelRouter {
        ModelRouter(configuration: try ProxyConfiguration(environment: environment))
    }

    /// A router whose three Claude mappings are told apart by name.
    private func mappedRouter(_ extra: [String: String] = [:]) throws -> ModelRouter {
        try router(["OPENAI_API_KEY": "sk-test", "BIG_MODEL": "big-x", "SMALL_MODEL": "small-x", "OPUS_MODEL": "opus-x"].merging(extra) { $1 })
    }

    private func routingError(_ router: ModelRouter, _ model: String) -> AnthropicError? {
        do {
            _ = try router.routes(model)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Claude names

    @Test(arguments: [
        ("claude-opus-5-5", "opus-x"),
        ("claude-opus-4-1-20250805", "opus-x"),
        ("claude-3-opus-20240229", "opus-x"),
        ("opus", "opus-x"),
        ("OPUS", "opus-x"),
        ("claude-sonnet-4-6", "big-x"),
        ("claude-3-5-sonnet-20241022", "big-x"),
        ("sonnet", "big-x"),
        ("claude-haiku-4-5", "small-x"),
        ("claude-3-5-haiku-20241022", "small-x"),
        ("Claude-3-Haiku-20240307", "small-x"),
        ("haiku", "small-x"),
        ("claude-instant-1.2", "big-x"),
        ("claude", "big-x"),
        ("  claude-sonnet-4-6  ", "big-x"),
    ])
    func claudeNamesMapToTheConfiguredModels(requested: String, expected: String) throws {
        let target = try mappedRouter().route(requested)
        #expect(target == RouteTarget(provider: .openAI, model: expected, baseURL: Self.openAIRoot, apiKeys: ["sk-test"], keyVariable: "OPENAI_API_KEY"))
    }

    @Test func opusFollowsBigModelWhenOpusModelIsUnset() throws {
        let router = try router(["OPENAI_API_KEY": "k", "BIG_MODEL": "big-x"])
        #expect(try router.route("claude-opus-5-5").model == "big-x")
        #expect(try router.route("claude-haiku-4-5").model == "gpt-4.1-mini")
    }

    @Test func defaultsMapClaudeNamesToGPT41() throws {
        let router = try router(["OPENAI_API_KEY": "k"])
        #expect(try router.route("claude-sonnet-4-6").model == "gpt-4.1")
        #expect(try router.route("claude-opus-5-5").model == "gpt-4.1")
        #expect(try router.route("claude-haiku-4-5").model == "gpt-4.1-mini")
    }

    @Test func namesThatOnlyContainAnAliasAreNotClaudeNames() throws {
        let router = try mappedRouter()
        #expect(try router.route("haiku-3").model == "haiku-3")
        #expect(try router.route("my-sonnet").model == "my-sonnet")
    }

    @Test func aConfiguredClaudeNameGoesToAnthropic() throws {
        let router = try router(["BIG_MODEL": "claude-opus-4-1", "ANTHROPIC_API_KEY": "sk-ant-1"])
        #expect(
            try router.route("claude-sonnet-4-6")
                == RouteTarget(provider: .anthropic, model: "claude-opus-4-1", baseURL: "https://api.anthropic.com", apiKeys: ["sk-ant-1"], keyVariable: "ANTHROPIC_API_KEY"))
    }

    // MARK: - Prefixes and bare names

    @Test func providerPrefixesPickTheProtocolAndAreStripped() throws {
        let router = try router(["OPENAI_API_KEY": "sk-o", "ANTHROPIC_API_KEY": "sk-ant", "GEMINI_API_KEY": "AIza-g"])
        #expect(try router.route("openai/gpt-4o") == RouteTarget(provider: .openAI, model: "gpt-4o", baseURL: Self.openAIRoot, apiKeys: ["sk-o"], keyVariable: "OPENAI_API_KEY"))
        #expect(
            try router.route("anthropic/claude-sonnet-4-6")
                == RouteTarget(provider: .anthropic, model: "claude-sonnet-4-6", baseURL: "https://api.anthropic.com", apiKeys: ["sk-ant"], keyVariable: "ANTHROPIC_API_KEY"))
        #expect(
            try router.route("gemini/gemini-2.5-pro")
                == RouteTarget(
                    provider: .gemini, model: "gemini-2.5-pro", baseURL: "https://generativelanguage.googleapis.com/v1beta", apiKeys: ["AIza-g"], keyVariable: "GEMINI_API_KEY"))
        #expect(try router.route("OpenAI/gpt-4o").provider == .openAI)
        #expect(try router.route("ANTHROPIC/claude-x").provider == .anthropic)
    }

    @Test func anthropicWithoutAKeyRoutesWithNoKeys() throws {
        let target = try router([:]).route("anthropic/claude-opus-4-1")
        #expect(target.provider == .anthropic)
        #expect(target.apiKeys == [])
    }

    @Test func vendorPathsAfterThePrefixReachTheUpstreamWhole() throws {
        let router = try router(["OPENAI_API_KEY": "k"])
        #expect(try router.route("openai/deepseek/deepseek-chat").model == "deepseek/deepseek-chat")
        // A vendor that is not a provider preset (deepseek/ is one: see ProviderPresetRoutingTests).
        let bare = try router.route("meta-llama/llama-3.3-70b-instruct")
        #expect(bare.provider == .openAI)
        #expect(bare.model == "meta-llama/llama-3.3-70b-instruct")
    }

    /// (codex-mini-latest is served by the Responses API only.)
    @Test(arguments: [
        ("gpt-4o", Provider.openAI), ("gpt-5-mini", .openAI), ("o3", .openAI), ("o1-mini", .openAI), ("o4-mini", .openAI),
        ("chatgpt-4o-latest", .openAI), ("codex-mini-latest", .openAIResponses), ("gemini-2.5-pro", .gemini), ("Gemini-2.0-Flash", .gemini),
        ("llama-3.3-70b", .openAI), ("qwen3-coder", .openAI), ("mistral-large", .openAI),
    ])
    func bareNamesGetTheirProvidersPrefixAndUnknownOnesGoToOpenAI(name: String, provider: Provider) throws {
        let target = try router(["OPENAI_API_KEY": "k", "GEMINI_API_KEY": "g"]).route(name)
        #expect(target.provider == provider)
        #expect(target.model == name)
        #expect(target.channel == nil)
    }

    @Test func bareGeminiNamesGoToGeminiWhateverTheProviderPreference() throws {
        #expect(try router(["PREFERRED_PROVIDER": "openai", "OPENAI_API_KEY": "k", "GEMINI_API_KEY": "g"]).route("gemini-2.5-flash").provider == .gemini)
    }

    @Test func emptyModelsAndEmptyNamesAfterAPrefixAreRejected() throws {
        let router = try router(["OPENAI_API_KEY": "k"])
        #expect(routingError(router, "") == .invalidRequest("model: must not be empty"))
        #expect(routingError(router, "  \t") == .invalidRequest("model: must not be empty"))
        #expect(routingError(router, "openai/") == .invalidRequest("model: 'openai/' names no model after its prefix"))
    }

    // MARK: - Channels, BASE_URL and keys

    @Test func channelSuffixPicksTheChannelsURLAndKeys() throws {
        let router = try router(["CHANNEL_LOCAL_BASE_URL": "http://127.0.0.1:11434/v1/", "CHANNEL_LOCAL_API_KEY": "k1, k2", "OPENAI_API_KEY": "sk-o"])
        let expected = RouteTarget(
            provider: .openAI, model: "qwen3-coder", channel: "local", baseURL: "http://127.0.0.1:11434/v1", apiKeys: ["k1", "k2"],
            keyVariable: "CHANNEL_LOCAL_API_KEY")
        #expect(try router.route("openai/qwen3-coder:local") == expected)
        #expect(try router.route("openai/qwen3-coder:LOCAL") == expected)
        #expect(try router.route("qwen3-coder:Local") == expected)
    }

    @Test func onlyTheLastColonStartsTheChannel() throws {
        let router = try router(["CHANNEL_LOCAL_BASE_URL": "http://127.0.0.1:11434/v1"])
        let target = try router.route("openai/qwen3-coder:30b:local")
        #expect(target.model == "qwen3-coder:30b")
        #expect(target.channel == "local")
    }

    @Test func aChannelWithoutAKeySendsNone() throws {
        let target = try router(["CHANNEL_LAN_BASE_URL": "http://10.0.0.2:8000/v1"]).route("openai/m:lan")
        #expect(target.apiKeys == [])
        #expect(target.keyVariable == "CHANNEL_LAN_API_KEY")
        #expect(target.baseURL == "http://10.0.0.2:8000/v1")
    }

    @Test func unknownChannelIsA400NamingTheVariableToDefine() throws {
        let error = try #require(routingError(try router(["OPENAI_API_KEY": "k"]), "openai/gpt-4o:work"))
        #expect(error.status == 400)
        #expect(error.kind == .invalidRequest)
        #expect(
            error.message
                == "model: unknown channel 'work' in 'openai/gpt-4o:work': define CHANNEL_WORK_BASE_URL (and CHANNEL_WORK_API_KEY if it needs a key)")
    }

    @Test func baseURLAndAPIKeyServeOpenAIModelsWithoutAChannel() throws {
        let router = try router([
            "BASE_URL": "https://openrouter.ai/api/v1", "API_KEY": "or-1,or-2", "OPENAI_API_KEY": "sk-o",
            "CHANNEL_DIRECT_BASE_URL": "https://api.openai.com/v1", "CHANNEL_DIRECT_API_KEY": "sk-d",
        ])
        #expect(
            try router.route("openai/deepseek/deepseek-chat")
                == RouteTarget(provider: .openAI, model: "deepseek/deepseek-chat", baseURL: "https://openrouter.ai/api/v1", apiKeys: ["or-1", "or-2"], keyVariable: "API_KEY"))
        #expect(try router.route("gpt-4o").baseURL == "https://openrouter.ai/api/v1")
        let direct = try router.route("gpt-4o:direct")
        #expect(direct.baseURL == "https://api.openai.com/v1")
        #expect(direct.apiKeys == ["sk-d"])
    }

    @Test func baseURLWithoutAPIKeyUsesTheOpenAIKeys() throws {
        let target = try router(["BASE_URL": "http://localhost:8000/v1", "OPENAI_API_KEY": "sk-o"]).route("gpt-4o")
        #expect(target == RouteTarget(provider: .openAI, model: "gpt-4o", baseURL: "http://localhost:8000/v1", apiKeys: ["sk-o"], keyVariable: "OPENAI_API_KEY"))
    }

    @Test func baseURLWithNoKeyAtAllSendsNone() throws {
        let target = try router(["BASE_URL": "http://localhost:8000/v1"]).route("local-model")
        #expect(target == RouteTarget(provider: .openAI, model: "local-model", baseURL: "http://localhost:8000/v1", apiKeys: [], keyVariable: "API_KEY"))
    }

    @Test func openAIBaseURLMovesTheOpenAIEndpoint() throws {
        let target = try router(["OPENAI_API_KEY": "k", "OPENAI_BASE_URL": "https://proxy.example.com/openai/v1/"]).route("gpt-4o")
        #expect(target.baseURL == "https://proxy.example.com/openai/v1")
    }

    @Test func aServerOfTheUsersOwnAtOpenAIBaseURLNeedsNoKey() throws {
        let target = try router(["OPENAI_BASE_URL": "http://127.0.0.1:8000/v1"]).route("openai/smollm2")
        #expect(target == RouteTarget(provider: .openAI, model: "smollm2", baseURL: "http://127.0.0.1:8000/v1", apiKeys: [], keyVariable: "OPENAI_API_KEY"))
    }

    @Test func missingOpenAIKeyIsA401NamingTheVariable() throws {
        let error = try #require(routingError(try router([:]), "gpt-4o"))
        #expect(error.status == 401)
        #expect(error.kind == .authentication)
        #expect(
            error.message
                == "No API key for OpenAI (model 'gpt-4o'): set OPENAI_API_KEY, or BASE_URL and API_KEY for another OpenAI-compatible server.")
    }

    @Test func missingOpenAIKeyAlsoFailsMappedClaudeNames() throws {
        let error = try #require(routingError(try router([:]), "claude-sonnet-4-6"))
        #expect(error.status == 401)
        #expect(error.message.contains("OPENAI_API_KEY"))
        #expect(error.message.contains("'gpt-4.1'"))
    }

    @Test func commaSeparatedKeysBecomeKeyLists() throws {
        let router = try router([
            "OPENAI_API_KEY": " sk-a, sk-b,,sk-c ", "ANTHROPIC_API_KEY": "sk-ant-1,sk-ant-2", "GEMINI_API_KEY": "g1",
        ])
        #expect(try router.route("gpt-4o").apiKeys == ["sk-a", "sk-b", "sk-c"])
        #expect(try router.route("anthropic/claude-x").apiKeys == ["sk-ant-1", "sk-ant-2"])
        #expect(try router.route("gemini-2.5-pro").apiKeys == ["g1"])
    }

    // MARK: - PREFERRED_PROVIDER

    @Test func googlePreferenceSendsClaudeNamesToGeminiDefaults() throws {
        let router = try router(["PREFERRED_PROVIDER": "google", "GEMINI_API_KEY": "g"])
        let gemini = "https://generativelanguage.googleapis.com/v1beta"
        #expect(
            try router.route("claude-sonnet-4-6")
                == RouteTarget(provider: .gemini, model: "gemini-2.5-pro", baseURL: gemini, apiKeys: ["g"], keyVariable: "GEMINI_API_KEY"))
        #expect(try router.route("claude-opus-5-5").model == "gemini-2.5-pro")
        #expect(
            try router.route("claude-haiku-4-5")
                == RouteTarget(provider: .gemini, model: "gemini-2.5-flash", baseURL: gemini, apiKeys: ["g"], keyVariable: "GEMINI_API_KEY"))
    }

    @Test func googlePreferenceKeepsNonGeminiMappingsOnOpenAI() throws {
        let target = try router(["PREFERRED_PROVIDER": "GOOGLE", "BIG_MODEL": "gpt-4.1", "OPENAI_API_KEY": "k"]).route("claude-sonnet-4-6")
        #expect(target.provider == .openAI)
        #expect(target.model == "gpt-4.1")
    }

    @Test func withoutGooglePreferenceAGeminiMappingTakesTheOpenAICompatiblePath() throws {
        let router = try router(["BIG_MODEL": "gemini-2.5-pro", "BASE_URL": "https://generativelanguage.googleapis.com/v1beta/openai", "API_KEY": "g"])
        let target = try router.route("claude-sonnet-4-6")
        #expect(
            target
                == RouteTarget(
                    provider: .openAI, model: "gemini-2.5-pro", baseURL: "https://generativelanguage.googleapis.com/v1beta/openai", apiKeys: ["g"],
                    keyVariable: "API_KEY"))
    }

    @Test func anExplicitPrefixInAMappingWinsOverThePreference() throws {
        let router = try router([
            "PREFERRED_PROVIDER": "openai", "BIG_MODEL": "gemini/gemini-2.5-pro", "SMALL_MODEL": "anthropic/claude-haiku-4-5", "GEMINI_API_KEY": "g",
        ])
        #expect(try router.route("claude-sonnet-4-6").provider == .gemini)
        let small = try router.route("claude-haiku-4-5")
        #expect(small.provider == .anthropic)
        #expect(small.model == "claude-haiku-4-5")
    }

    // MARK: - Fallbacks

    @Test func configuredFallbacksAreRoutedInOrder() throws {
        let router = try router([
            "OPENAI_API_KEY": "sk-o", "CHANNEL_BACKUP_BASE_URL": "http://127.0.0.1:9/v1", "ANTHROPIC_API_KEY": "sk-ant",
            "BIG_MODEL": "openai/gpt-4.1, openai/gpt-4o:backup ,anthropic/claude-sonnet-4-5",
        ])
        let targets = try router.routes("claude-sonnet-4-6")
        #expect(
            targets == [
                RouteTarget(provider: .openAI, model: "gpt-4.1", baseURL: Self.openAIRoot, apiKeys: ["sk-o"], keyVariable: "OPENAI_API_KEY"),
                RouteTarget(
                    provider: .openAI, model: "gpt-4o", channel: "backup", baseURL: "http://127.0.0.1:9/v1", apiKeys: [], keyVariable: "CHANNEL_BACKUP_API_KEY"),
                RouteTarget(provider: .anthropic, model: "claude-sonnet-4-5", baseURL: "https://api.anthropic.com", apiKeys: ["sk-ant"], keyVariable: "ANTHROPIC_API_KEY"),
            ])
        #expect(try router.route("claude-sonnet-4-6") == targets[0])
    }

    @Test func unusableFallbacksAreLeftOut() throws {
        let router = try router([
            "OPENAI_API_KEY": "sk-o", "BIG_MODEL": "openai/gpt-4o:nowhere,gpt-4.1,,  ,openai/x:gone,gpt-4o",
            "SMALL_MODEL": "gpt-4.1-mini,anthropic/claude-haiku-4-5",
        ])
        #expect(try router.routes("claude-sonnet-4-6").map(\.model) == ["gpt-4.1", "gpt-4o"])
        #expect(try router.route("claude-sonnet-4-6").model == "gpt-4.1")
        #expect(try router.routes("haiku").map(\.provider) == [.openAI, .anthropic])
    }

    @Test func aFallbackWithoutAKeyIsLeftOut() throws {
        let router = try router(["BIG_MODEL": "gpt-4.1,anthropic/claude-sonnet-4-5"])
        #expect(try router.routes("claude-sonnet-4-6").map(\.model) == ["claude-sonnet-4-5"])
    }

    @Test func whenNoFallbackIsUsableTheFirstErrorIsThrown() throws {
        let unknownChannelFirst = try router(["BIG_MODEL": "openai/a:nochannel,gpt-4o"])
        let first = try #require(routingError(unknownChannelFirst, "claude-sonnet-4-6"))
        #expect(first.status == 400)
        #expect(first.message.hasPrefix("model: unknown channel 'nochannel'"))

        let missingKeyFirst = try router(["BIG_MODEL": "gpt-4o,openai/a:nochannel"])
        let second = try #require(routingError(missingKeyFirst, "claude-sonnet-4-6"))
        #expect(second.status == 401)
        #expect(second.kind == .authentication)
    }

    @Test func aMappingOfOnlyCommasMapsToNoModel() throws {
        let router = try router(["OPENAI_API_KEY": "k", "BIG_MODEL": " , ,"])
        #expect(routingError(router, "claude-sonnet-4-6") == .invalidRequest("model: 'claude-sonnet-4-6' maps to no model"))
    }

    @Test func explicitlyPrefixedAndBareNamesHaveNoFallbacks() throws {
        let router = try router(["OPENAI_API_KEY": "k", "BIG_MODEL": "gpt-4.1,gpt-4o"])
        #expect(try router.routes("openai/gpt-4.1").count == 1)
        #expect(try router.routes("gpt-4.1").count == 1)
        #expect(try router.routes("anthropic/claude-sonnet-4-6").map(\.provider) == [.anthropic])
    }
}
