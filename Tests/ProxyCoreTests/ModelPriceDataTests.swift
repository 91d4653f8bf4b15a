import ProxyCore
import Testing

/// The generated price data: it parses whole, holds the models the proxy is used with at the
/// prices litellm lists, and a target's model is found under the names upstreams use.
@Suite struct ModelPriceDataTests {
    private let data = ModelPriceData.shared

    @Test func theGeneratedDataParsesWhole() throws {
        let parsed = try #require(ModelPriceData(json: ModelPriceData.generatedJSON))
        // One model a line, each one read.
        let lines = ModelPriceData.generatedJSON.split(separator: "\n").filter { $0.hasPrefix("\"") }
        #expect(parsed.listings.count == lines.count)
        #expect(data.listings.count == lines.count)
        #expect(lines.count > 300)
        #expect(ModelPriceData.generatedFromLiteLLMVersion.split(separator: ".").count == 3)
    }

    @Test func aMalformedListingRejectsTheData() {
        #expect(ModelPriceData(json: #"{"a": {"provider": "openai", "input": 1e-6, "output": 2e-6}}"#)?.listings.count == 1)
        #expect(ModelPriceData(json: #"{"a": {"provider": "openai", "input": 1e-6}}"#) == nil)
        #expect(ModelPriceData(json: #"{"a": {"provider": "openai", "input": 1e-6, "output": 2e-6, "tiers": [{"input": 1}]}}"#) == nil)
        #expect(ModelPriceData(json: "[") == nil)
    }

    @Test func openAIsModelsHaveTheirListPrices() throws {
        let listing = try #require(data.listing(for: "gpt-4.1", provider: .openAI, preset: nil))
        #expect(listing.name == "gpt-4.1")
        #expect(listing.provider == "openai")
        #expect(listing.price == ModelPrice(input: 2e-6, output: 8e-6, cacheRead: 5e-7, webSearch: 0.025))
        #expect(listing.maxInputTokens == 1_047_576)
        #expect(listing.maxOutputTokens == 32_768)
    }

    @Test func geminiModelsHaveTheirLongPromptTierAndPerPromptSearches() throws {
        let listing = try #require(data.listing(for: "gemini-2.5-pro", provider: .gemini, preset: nil))
        #expect(listing.name == "gemini/gemini-2.5-pro")
        #expect(
            listing.price
                == ModelPrice(
                    input: 1.25e-6, output: 1e-5, cacheRead: 1.25e-7,
                    tiers: [ModelPrice.Tier(fromPromptTokens: 200_001, input: 2.5e-6, output: 1.5e-5, cacheRead: 2.5e-7)], webSearch: 0.035,
                    webSearchBilledPerPrompt: true))
        #expect(listing.maxOutputTokens == 65_536)
    }

    @Test func anthropicModelsHaveTheirCachePrices() throws {
        let listing = try #require(data.listing(for: "claude-sonnet-4-5", provider: .anthropic, preset: nil))
        #expect(listing.price == ModelPrice(input: 3e-6, output: 1.5e-5, cacheRead: 3e-7, cacheWrite: 3.75e-6, webSearch: 0.01))
        #expect(listing.maxInputTokens == 200_000)
        #expect(listing.maxOutputTokens == 64_000)
    }

    @Test func deepSeekModelsAreFoundUnderTheirUpstreamName() throws {
        let listing = try #require(data.listing(for: "deepseek-chat", provider: .openAI, preset: "deepseek"))
        #expect(listing.name == "deepseek/deepseek-chat")
        #expect(listing.price.input == 2.8e-7)
        #expect(listing.price.output == 4.2e-7)
        #expect(listing.price.cacheRead == 2.8e-8)
        #expect(listing.maxOutputTokens == 8_192)
    }

    @Test func xAIsLongPromptTierStartsAtItsThreshold() throws {
        let listing = try #require(data.listing(for: "grok-4.3", provider: .openAI, preset: "xai"))
        #expect(listing.price.tiers.map(\.fromPromptTokens) == [200_000])
    }

    @Test(arguments: [
        // (model, listing found)
        ("gpt-4o-2024-08-06", "gpt-4o-2024-08-06"),
        ("GPT-4o", "gpt-4o"),
        // A snapshot the data does not list is priced as its model.
        ("gpt-4.1-2031-02-03", "gpt-4.1"),
        ("claude-sonnet-4-6-20991231", "claude-sonnet-4-6"),
        ("o3-0101", "o3"),
    ])
    func snapshotsAreFoundByTheirNameOrTheirModels(model: String, name: String) {
        #expect(data.listing(for: model, provider: .openAI, preset: nil)?.name == name)
    }

    @Test(arguments: [
        // OpenRouter's vendor paths reach the makers' own prices, Claude's dotted versions included.
        ("openai/gpt-4.1", "gpt-4.1"),
        ("anthropic/claude-sonnet-4.5", "claude-sonnet-4-5"),
        ("google/gemini-2.5-flash", "gemini/gemini-2.5-flash"),
        ("deepseek/deepseek-chat", "deepseek/deepseek-chat"),
        ("x-ai/grok-4.3", "xai/grok-4.3"),
    ])
    func vendorPathsReachTheModelMakersPrices(model: String, name: String) {
        #expect(data.listing(for: model, provider: .openAI, preset: "openrouter")?.name == name)
    }

    @Test func theTargetsProviderPicksBetweenSameNamedEntries() {
        // Google AI Studio and Vertex both list gemini-2.5-flash.
        #expect(data.listing(for: "gemini-2.5-flash", provider: .gemini, preset: nil)?.provider == "gemini")
        let fixture = ModelPriceData(listings: [
            ModelPriceListing(name: "gpt-oss-120b", provider: "openai", price: ModelPrice(input: 1, output: 1)),
            ModelPriceListing(name: "groq/gpt-oss-120b", provider: "groq", price: ModelPrice(input: 2, output: 2)),
            ModelPriceListing(name: "vertex_ai/gemini-x", provider: "vertex_ai", price: ModelPrice(input: 3, output: 3)),
        ])
        #expect(fixture.listing(for: "gpt-oss-120b", provider: .openAI, preset: "groq")?.provider == "groq")
        #expect(fixture.listing(for: "gpt-oss-120b", provider: .openAI, preset: nil)?.provider == "openai")
        #expect(fixture.listing(for: "gpt-oss-120b", provider: .openAI, preset: "openrouter")?.provider == "openai")
        #expect(fixture.listing(for: "gemini-x", provider: .gemini, preset: nil)?.provider == "vertex_ai")
    }

    @Test func hostsPricesNeedTheirPresetOrAPathNamingTheModelThere() throws {
        // Groq's name for the model, asked of Groq.
        #expect(data.listing(for: "openai/gpt-oss-120b", provider: .openAI, preset: "groq")?.provider == "groq")
        // A channel's server with no preset: a path name is looked for among every host.
        let fireworks = try #require(data.listing(for: "accounts/fireworks/models/deepseek-v3", provider: .openAI, preset: nil))
        #expect(fireworks.provider == "fireworks_ai")
        #expect(data.listing(for: "meta-llama/Llama-3.3-70B-Instruct-Turbo", provider: .openAI, preset: nil)?.provider == "together_ai")
        // A preset never gets another host's price.
        #expect(data.listing(for: "meta-llama/Llama-3.3-70B-Instruct-Turbo", provider: .openAI, preset: "openrouter") == nil)
    }

    @Test(arguments: ["ollama", "lmstudio", "vllm"])
    func selfHostedModelsHaveNoListPrice(preset: String) {
        #expect(data.listing(for: "deepseek-chat", provider: .openAI, preset: preset) == nil)
        #expect(data.listing(for: "gpt-4.1", provider: .openAI, preset: preset) == nil)
    }

    @Test(arguments: ["my-local-model", "llama-3.3-70b-instruct", "my-gpt-4.1", "gpt-4.1/custom", "claude", ""])
    func unknownModelsAreNotFound(model: String) {
        #expect(data.listing(for: model, provider: .openAI, preset: nil) == nil)
    }
}
