@testable import ProxyCore
import Testing

/// Ready-made providers: a prefix (or a channel's CHANNEL_<NAME>_PROVIDER) reaches the provider's
/// URL with its key, in its header; the Responses API is chosen by prefix, channel or model.
@Suite struct ProviderPresetRoutingTests {
    private func router(_ environment: [String: String]) throws -> ModelRouter {
        ModelRouter(configuration: try ProxyConfiguration(environment: environment))
    }

    private func routingError(_ environment: [String: String], _ model: String) -> AnthropicError? {
        do {
            _ = try router(environment).route(model)
            return nil
        } catch {
            return error as? AnthropicError
        }
    }

    // MARK: - The table

    /// (prefix, key variable and value, the URL a Chat Completions request goes to, key header)
    static let hosted: [(String, String, String, String)] = [
        ("openrouter", "OPENROUTER_API_KEY", "https://openrouter.ai/api/v1/chat/completions", "authorization"),
        ("deepseek", "DEEPSEEK_API_KEY", "https://api.deepseek.com/v1/chat/completions", "authorization"),
        ("groq", "GROQ_API_KEY", "https://api.groq.com/openai/v1/chat/completions", "authorization"),
        ("xai", "XAI_API_KEY", "https://api.x.ai/v1/chat/completions", "authorization"),
    ]

    @Test(arguments: hosted)
    func hostedPresetsReachTheirServiceWithTheirOwnKey(prefix: String, keyVariable: String, url: String, header: String) throws {
        let target = try router([keyVariable: "k1,k2"]).route("\(prefix)/some-model")
        #expect(target.provider == .openAI)
        #expect(target.model == "some-model")
        #expect(target.preset?.name == prefix)
        #expect(target.apiKeys == ["k1", "k2"])
        #expect(target.keyVariable == keyVariable)
        #expect(target.chatCompletionsURL == url)
        #expect(target.keyHeader("k1") == (name: header, value: "Bearer k1"))
    }

    @Test(arguments: hosted)
    func hostedPresetsWithoutTheirKeyAre401sNamingIt(prefix: String, keyVariable: String, url: String, header: String) throws {
        let error = routingError(["OPENAI_API_KEY": "not-this-one"], "\(prefix)/some-model")
        #expect(error?.status == 401)
        #expect(error?.message.hasSuffix("set \(keyVariable).") == true)
    }

    @Test func presetBaseURLsCanBeMoved() throws {
        let target = try router(["DEEPSEEK_API_KEY": "k", "DEEPSEEK_BASE_URL": "http://127.0.0.1:9000/v1/"]).route("deepseek/deepseek-chat")
        #expect(target.chatCompletionsURL == "http://127.0.0.1:9000/v1/chat/completions")
    }

    @Test func ollamaNeedsNoKeyAndKeepsTheColonsOfItsTags() throws {
        let target = try router([:]).route("ollama/qwen3-coder:30b")
        #expect(
            target == RouteTarget(
                provider: .openAI, model: "qwen3-coder:30b", baseURL: "http://127.0.0.1:11434/v1", apiKeys: [], keyVariable: "OLLAMA_BASE_URL",
                preset: ProviderPreset.named("ollama")))
        #expect(target.chatCompletionsURL == "http://127.0.0.1:11434/v1/chat/completions")
    }

    @Test(arguments: [("vllm", "VLLM_BASE_URL", "VLLM_API_KEY"), ("lmstudio", "LMSTUDIO_BASE_URL", "LMSTUDIO_API_KEY")])
    func selfHostedPresetsNeedTheirURLAndTakeAKeyWhenGiven(prefix: String, urlVariable: String, keyVariable: String) throws {
        let missing = routingError([:], "\(prefix)/qwen3-coder")
        #expect(missing?.status == 400)
        #expect(missing?.message.hasSuffix("set \(urlVariable).") == true)
        let keyless = try router([urlVariable: "http://10.0.0.5:8000/v1"]).route("\(prefix)/qwen3-coder")
        #expect(keyless.apiKeys == [])
        #expect(keyless.chatCompletionsURL == "http://10.0.0.5:8000/v1/chat/completions")
        #expect(try router([urlVariable: "http://10.0.0.5:8000/v1", keyVariable: "local-key"]).route("\(prefix)/qwen3-coder").apiKeys == ["local-key"])
    }

    @Test func azureNamesTheDeploymentInThePathAndTheKeyInApiKey() throws {
        let target = try router(["AZURE_API_KEY": "az-key", "AZURE_API_BASE": "https://example.openai.azure.com"]).route("azure/my-gpt-4o")
        #expect(target.model == "my-gpt-4o")
        #expect(target.keyVariable == "AZURE_API_KEY")
        #expect(target.chatCompletionsURL == "https://example.openai.azure.com/openai/deployments/my-gpt-4o/chat/completions?api-version=2025-04-01-preview")
        #expect(target.responsesURL == "https://example.openai.azure.com/openai/responses?api-version=2025-04-01-preview")
        #expect(target.keyHeader("az-key") == (name: "api-key", value: "az-key"))
    }

    @Test func azureTakesItsAPIVersionAndABaseThatAlreadyEndsInOpenAI() throws {
        let target = try router(["AZURE_API_KEY": "k", "AZURE_API_BASE": "https://example.openai.azure.com/openai", "AZURE_API_VERSION": "2024-10-21"])
            .route("azure/gpt 4o")
        #expect(target.chatCompletionsURL == "https://example.openai.azure.com/openai/deployments/gpt%204o/chat/completions?api-version=2024-10-21")
    }

    @Test func azureNeedsItsBaseAndKey() {
        #expect(routingError(["AZURE_API_KEY": "k"], "azure/d")?.message == "model: 'azure/d' needs to know where Azure OpenAI runs: set AZURE_API_BASE.")
        #expect(routingError(["AZURE_API_BASE": "https://x.openai.azure.com"], "azure/d")?.message == "No API key for Azure OpenAI (model 'd'): set AZURE_API_KEY.")
    }

    @Test func aPresetInAClaudeMappingAndAsAFallback() throws {
        let targets = try router(["DEEPSEEK_API_KEY": "d", "BIG_MODEL": "deepseek/deepseek-chat,ollama/qwen3:8b"]).routes("claude-sonnet-4-6")
        #expect(targets.map(\.preset?.name) == ["deepseek", "ollama"])
        #expect(targets.map(\.model) == ["deepseek-chat", "qwen3:8b"])
    }

    @Test func otherTargetsHaveNoPresetAndTheDefaultURLsAndHeader() throws {
        let target = try router(["OPENAI_API_KEY": "k"]).route("gpt-4.1")
        #expect(target.preset == nil)
        #expect(target.chatCompletionsURL == "https://api.openai.com/v1/chat/completions")
        #expect(target.responsesURL == "https://api.openai.com/v1/responses")
        #expect(target.keyHeader("k") == (name: "authorization", value: "Bearer k"))
    }

    // MARK: - Channels naming a preset

    @Test func aChannelNamingAPresetTakesItsURLKeyAndQuirks() throws {
        let target = try router(["CHANNEL_WORK_PROVIDER": "OpenRouter", "OPENROUTER_API_KEY": "or-key"]).route("openai/anthropic/claude-sonnet-4:work")
        #expect(target.channel == "work")
        #expect(target.model == "anthropic/claude-sonnet-4")
        #expect(target.preset?.name == "openrouter")
        #expect(target.apiKeys == ["or-key"])
        #expect(target.keyVariable == "OPENROUTER_API_KEY")
        #expect(target.chatCompletionsURL == "https://openrouter.ai/api/v1/chat/completions")
    }

    @Test func aChannelOverridesItsPresetsURLAndKey() throws {
        let target = try router([
            "CHANNEL_WORK_PROVIDER": "openrouter", "CHANNEL_WORK_BASE_URL": "https://gateway.example.com/v1", "CHANNEL_WORK_API_KEY": "own",
            "OPENROUTER_API_KEY": "or-key",
        ]).route("openai/x:work")
        #expect(target.baseURL == "https://gateway.example.com/v1")
        #expect(target.apiKeys == ["own"])
        #expect(target.keyVariable == "CHANNEL_WORK_API_KEY")
        #expect(target.preset?.name == "openrouter")
    }

    @Test func anAzureChannelAddressesDeployments() throws {
        let target = try router(["CHANNEL_AZ_PROVIDER": "azure", "AZURE_API_BASE": "https://x.openai.azure.com", "AZURE_API_KEY": "k"]).route("openai/prod-4o:az")
        #expect(target.chatCompletionsURL == "https://x.openai.azure.com/openai/deployments/prod-4o/chat/completions?api-version=2025-04-01-preview")
        #expect(target.keyHeader("k").name == "api-key")
    }

    // MARK: - The Responses API

    @Test func theResponsesPrefixUsesOpenAIsEndpointAndKey() throws {
        let target = try router(["OPENAI_API_KEY": "sk"]).route("responses/gpt-5")
        #expect(target == RouteTarget(provider: .openAIResponses, model: "gpt-5", baseURL: "https://api.openai.com/v1", apiKeys: ["sk"], keyVariable: "OPENAI_API_KEY"))
    }

    @Test func aChannelSetToTheResponsesAPIServesItsModelsThatWay() throws {
        let environment = ["CHANNEL_LAB_BASE_URL": "https://lab.example.com/v1", "CHANNEL_LAB_API": "responses", "CHANNEL_CHAT_BASE_URL": "http://c/v1", "CHANNEL_CHAT_API": "chat"]
        #expect(try router(environment).route("openai/gpt-5:lab").provider == .openAIResponses)
        #expect(try router(environment).route("gpt-4.1:lab").provider == .openAIResponses)
        // A channel set to Chat Completions keeps even a Responses-only name there; an explicit prefix wins.
        #expect(try router(environment).route("o3-pro:chat").provider == .openAI)
        #expect(try router(environment).route("responses/gpt-5:chat").provider == .openAIResponses)
    }

    @Test(arguments: ["o3-pro", "openai/o1-pro", "gpt-5-pro", "gpt-5-codex", "gpt-5.1-codex-max", "codex-mini-latest", "o3-deep-research"])
    func modelsOnlyTheResponsesAPIServesGoThereByThemselves(model: String) throws {
        let target = try router(["OPENAI_API_KEY": "sk"]).route(model)
        #expect(target.provider == .openAIResponses)
        #expect(target.baseURL == "https://api.openai.com/v1")
    }

    @Test func routersAndPresetsServeResponsesOnlyNamesThemselves() throws {
        let router = try router(["OPENAI_API_KEY": "sk", "OPENROUTER_API_KEY": "or"])
        #expect(try router.route("openrouter/openai/o3-pro").provider == .openAI)
        #expect(try router.route("openai/openai/o3-pro").provider == .openAI)
        #expect(try router.route("o3").provider == .openAI)
    }

    // MARK: - Settings

    @Test func presetKeysAreSecrets() throws {
        let configuration = try ProxyConfiguration(environment: ["DEEPSEEK_API_KEY": "ds-secret", "AZURE_API_KEY": "az-secret"])
        #expect(configuration.secrets.contains("ds-secret"))
        #expect(configuration.secrets.contains("az-secret"))
    }

    @Test func unknownPresetsAndAPIsAndChannelsWithoutAURLAreRefusedAtStartUp() {
        #expect(throws: ConfigurationError(variable: "CHANNEL_X_PROVIDER", problem: "'bedrock' is not a provider; use one of openrouter, deepseek, groq, xai, ollama, lmstudio, vllm, azure, vertex")) {
            try ProxyConfiguration(environment: ["CHANNEL_X_PROVIDER": "bedrock"])
        }
        #expect(throws: ConfigurationError(variable: "CHANNEL_X_API", problem: "'assistants' is not an API; use chat or responses")) {
            try ProxyConfiguration(environment: ["CHANNEL_X_BASE_URL": "http://x", "CHANNEL_X_API": "assistants"])
        }
        #expect(throws: ConfigurationError(variable: "CHANNEL_X_BASE_URL", problem: "required for the channel 'x'")) {
            try ProxyConfiguration(environment: ["CHANNEL_X_API": "responses"])
        }
        #expect(throws: ConfigurationError(variable: "CHANNEL_X_BASE_URL", problem: "required for the channel 'x' (or VLLM_BASE_URL: the vllm provider has no default)")) {
            try ProxyConfiguration(environment: ["CHANNEL_X_PROVIDER": "vllm"])
        }
        #expect(throws: ConfigurationError(variable: "GROQ_BASE_URL", problem: "'groq.com' is not an http:// or https:// URL")) {
            try ProxyConfiguration(environment: ["GROQ_BASE_URL": "groq.com"])
        }
    }

    @Test func responsesOnlyModelsAreKnownByName() {
        for model in ["o1-pro", "o3-pro-2025-06-10", "gpt-5-pro", "gpt-5.2-pro", "gpt-5-codex", "codex-mini-latest", "o4-mini-deep-research", "computer-use-preview"] {
            #expect(ModelCatalog.requiresResponsesAPI(model), "\(model)")
        }
        for model in ["o1", "o3", "o3-mini", "gpt-5", "gpt-4.1", "gpt-4o", "o1-preview", "deepseek-reasoner", "qwen3-coder", "llama-3.3-70b"] {
            #expect(!ModelCatalog.requiresResponsesAPI(model), "\(model)")
        }
    }

    @Test func aPresetsOutputCeilingStandsInForUnknownModelsOnly() {
        let deepseek = ProviderPreset.named("deepseek")
        let catalog = ModelCatalog()
        #expect(catalog.profile(for: "deepseek-v9-preview", preset: deepseek).maxOutputTokens == 8_192)
        // A model the price data lists has the data's ceiling.
        #expect(catalog.profile(for: "deepseek-v4-pro", preset: deepseek).maxOutputTokens == 393_216)
        #expect(catalog.profile(for: "deepseek-reasoner", preset: deepseek).maxOutputTokens == 65_536)
        #expect(catalog.profile(for: "qwen3-coder", preset: ProviderPreset.named("ollama")).maxOutputTokens == 16_384)
        #expect(ModelCatalog(outputLimitOverrides: ["deepseek-v4-pro": 32_000]).profile(for: "deepseek-v4-pro", preset: deepseek).maxOutputTokens == 32_000)
    }
}
