import ProxyCore
import Testing

/// Output ceilings, context windows and reasoning flags by model name.
@Suite struct ModelCatalogTests {
    private let catalog = ModelCatalog()

    @Test(arguments: [
        // (model, max output, context window, reasoning, reads images)
        ("gpt-5", 128_000, 400_000, true, true),
        ("gpt-5-mini", 128_000, 400_000, true, true),
        ("gpt-5-chat", 16_384, 128_000, false, true),
        ("gpt-5-chat-latest", 16_384, 128_000, false, true),
        ("gpt-4.1", 32_768, 1_047_576, false, true),
        ("gpt-4.1-mini", 32_768, 1_047_576, false, true),
        ("gpt-4o", 16_384, 128_000, false, true),
        ("gpt-4o-mini", 16_384, 128_000, false, true),
        ("chatgpt-4o-latest", 16_384, 128_000, false, true),
        ("gpt-4-turbo-2024-04-09", 4_096, 128_000, false, true),
        ("gpt-4-0613", 8_192, 8_192, false, false),
        ("gpt-3.5-turbo-0125", 4_096, 16_385, false, false),
        ("o1", 100_000, 200_000, true, true),
        ("o1-preview", 100_000, 200_000, true, true),
        ("o1-mini", 65_536, 128_000, true, false),
        ("o3", 100_000, 200_000, true, true),
        ("o3-mini", 100_000, 200_000, true, false),
        ("o4-mini", 100_000, 200_000, true, true),
        ("deepseek-chat", 8_192, 131_072, false, false),
        ("deepseek-reasoner", 65_536, 131_072, false, false),
        ("gemini-1.5-pro", 8_192, 1_048_576, false, true),
        ("gemini-2.0-flash", 8_192, 1_048_576, false, true),
        ("gemini-2.5-pro", 65_536, 1_048_576, false, true),
        ("gemini-3-pro-preview", 65_536, 1_048_576, false, true),
    ])
    func knownModelsGetTheirLongestPrefixesProfile(model: String, maxOutput: Int, window: Int, reasoning: Bool, readsImages: Bool) {
        #expect(
            catalog.profile(for: model)
                == ModelProfile(maxOutputTokens: maxOutput, contextWindow: window, isOpenAIReasoningModel: reasoning, readsImages: readsImages))
    }

    @Test func longerPrefixesWinOverShorterOnes() {
        // gpt-5-chat is not a reasoning model although gpt-5 is; gpt-4o is not gpt-4; o1-mini is not o1.
        #expect(catalog.profile(for: "gpt-5-chat").isOpenAIReasoningModel == false)
        #expect(catalog.profile(for: "gpt-5-nano").isOpenAIReasoningModel == true)
        #expect(catalog.profile(for: "gpt-4o").maxOutputTokens == 16_384)
        #expect(catalog.profile(for: "gpt-4").maxOutputTokens == 8_192)
        #expect(catalog.profile(for: "o1-mini").maxOutputTokens == 65_536)
        #expect(catalog.profile(for: "o1").maxOutputTokens == 100_000)
    }

    @Test func namesMatchCaseInsensitively() {
        #expect(catalog.profile(for: "GPT-4o") == catalog.profile(for: "gpt-4o"))
        #expect(catalog.profile(for: "O3-Mini").isOpenAIReasoningModel == true)
    }

    @Test func vendorPathsAreMatchedByTheirBareName() {
        #expect(catalog.profile(for: "deepseek/deepseek-chat") == ModelProfile(maxOutputTokens: 8_192, contextWindow: 131_072, readsImages: false))
        #expect(catalog.profile(for: "openai/gpt-5-mini").isOpenAIReasoningModel == true)
        #expect(catalog.profile(for: "openrouter/openai/gpt-4o") == catalog.profile(for: "gpt-4o"))
        #expect(catalog.profile(for: "google/gemini-2.5-flash").maxOutputTokens == 65_536)
    }

    @Test func namesThatOnlyContainAKnownNameAreUnknown() {
        #expect(catalog.profile(for: "my-gpt-4o") == ModelProfile(maxOutputTokens: 16_384))
        #expect(catalog.profile(for: "gpt-4o/custom") == ModelProfile(maxOutputTokens: 16_384))
    }

    @Test func whetherAModelReadsImagesIsUnknownOutsideTheTableAndTheData() {
        #expect(catalog.profile(for: "llama-3.3-70b-instruct").readsImages == nil)
        #expect(catalog.profile(for: "smollm2", preset: ProviderPreset.named("ollama")).readsImages == nil)
        #expect(catalog.profile(for: "gpt-3.5-turbo").readsImages == false)
        #expect(catalog.profile(for: "gemini/gemini-2.5-flash").readsImages == true)
    }

    @Test func unknownModelsGetTheDefaultCeilingAndNoWindow() {
        let profile = catalog.profile(for: "llama-3.3-70b-instruct")
        #expect(profile == ModelProfile(maxOutputTokens: 16_384, contextWindow: nil, isOpenAIReasoningModel: false))
        #expect(ModelCatalog(defaultMaxOutputTokens: 4_096).profile(for: "qwen3-coder").maxOutputTokens == 4_096)
        // The default applies only to unknown models.
        #expect(ModelCatalog(defaultMaxOutputTokens: 4_096).profile(for: "gpt-4.1").maxOutputTokens == 32_768)
    }

    @Test func modelsTheTableDoesNotKnowGetThePriceDatasLimits() {
        #expect(catalog.profile(for: "claude-sonnet-4-5") == ModelProfile(maxOutputTokens: 64_000, contextWindow: 200_000, readsImages: true))
        #expect(catalog.profile(for: "anthropic/claude-sonnet-4.5") == ModelProfile(maxOutputTokens: 64_000, contextWindow: 200_000, readsImages: true))
        let mistral = catalog.profile(for: "mistral-large-latest")
        #expect(mistral == ModelProfile(maxOutputTokens: 262_144, contextWindow: 262_144, readsImages: mistral.readsImages))
        // A model the data lists without vision does not read images.
        let groq = ProviderPreset.named("groq")
        #expect(catalog.profile(for: "openai/gpt-oss-120b", preset: groq) == ModelProfile(maxOutputTokens: 65_536, contextWindow: 131_072, readsImages: false))
        // The table's own entries stay as they are (the data says 65535 for Vertex's gemini-2.5-pro).
        #expect(catalog.profile(for: "gemini-2.5-pro").maxOutputTokens == 65_536)
    }

    @Test func theDatasLimitsGoUnderTheOverrides() {
        let catalog = ModelCatalog(outputLimitOverrides: ["claude-sonnet-4-5": 8_000], contextWindowOverrides: ["claude-sonnet-4-5": 100_000])
        #expect(catalog.profile(for: "claude-sonnet-4-5") == ModelProfile(maxOutputTokens: 8_000, contextWindow: 100_000, readsImages: true))
    }

    @Test func selfHostedModelsKeepThePresetsCeilingOrTheDefault() {
        // Ollama's deepseek-r1 is not DeepSeek's API, whose data it would otherwise find.
        #expect(catalog.profile(for: "deepseek-r1", preset: ProviderPreset.named("ollama")) == ModelProfile(maxOutputTokens: 16_384))
        #expect(catalog.profile(for: "deepseek-r1").maxOutputTokens == 8_192)
        #expect(catalog.profile(for: "qwen3-coder", preset: ProviderPreset.named("deepseek")) == ModelProfile(maxOutputTokens: 8_192))
    }

    @Test func outputLimitOverridesReplaceTheCeilingOnly() {
        let catalog = ModelCatalog(outputLimitOverrides: ["gpt-4o": 4_000, "qwen3-coder": 2_000, "deepseek/deepseek-reasoner": 9_000])
        #expect(catalog.profile(for: "gpt-4o") == ModelProfile(maxOutputTokens: 4_000, contextWindow: 128_000, readsImages: true))
        #expect(catalog.profile(for: "GPT-4o").maxOutputTokens == 4_000)
        #expect(catalog.profile(for: "qwen3-coder") == ModelProfile(maxOutputTokens: 2_000))
        // Overrides name exact models, not prefixes.
        #expect(catalog.profile(for: "gpt-4o-mini").maxOutputTokens == 16_384)
        // A bare-name override reaches a vendor path; a full-path override reaches only that path.
        #expect(catalog.profile(for: "someone/qwen3-coder").maxOutputTokens == 2_000)
        #expect(catalog.profile(for: "deepseek/deepseek-reasoner").maxOutputTokens == 9_000)
        #expect(catalog.profile(for: "deepseek-reasoner").maxOutputTokens == 65_536)
    }

    @Test func configurationSuppliesOverridesAndDefault() throws {
        let configuration = try ProxyConfiguration(environment: ["MODEL_OUTPUT_LIMITS": "GPT-4.1=1000", "DEFAULT_MAX_OUTPUT_TOKENS": "2048"])
        let catalog = ModelCatalog(configuration: configuration)
        #expect(catalog.profile(for: "gpt-4.1").maxOutputTokens == 1_000)
        #expect(catalog.profile(for: "gpt-4.1").contextWindow == 1_047_576)
        #expect(catalog.profile(for: "unknown-model").maxOutputTokens == 2_048)
    }

    @Test(arguments: [
        ("gpt-4o", Provider.openAI), ("chatgpt-4o-latest", .openAI), ("o1", .openAI), ("o3-pro", .openAI), ("o4-mini", .openAI),
        ("codex-mini", .openAI), ("GPT-5", .openAI), ("gemini-2.5-pro", .gemini), ("claude-opus-4-1", .anthropic),
    ])
    func bareNamesRevealTheirProvider(name: String, provider: Provider) {
        #expect(ModelCatalog.provider(ofBareName: name) == provider)
    }

    @Test(arguments: ["llama3", "deepseek-chat", "gemini", "claude", "gpt4", "mistral/o3"])
    func otherBareNamesHaveNoProvider(name: String) {
        #expect(ModelCatalog.provider(ofBareName: name) == nil)
    }
}
