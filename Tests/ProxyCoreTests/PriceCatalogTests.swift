import ProxyCore
import Testing

/// What a reply cost at its target's prices: the data's, or the configuration's overrides, which
/// win; an unknown model's cost is nil, never 0.
@Suite struct PriceCatalogTests {
    private let catalog = PriceCatalog()

    private func expectCost(_ cost: Double?, _ expected: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let cost else {
            Issue.record("no cost", sourceLocation: sourceLocation)
            return
        }
        #expect(abs(cost - expected) <= 1e-12, "\(cost) is not \(expected)", sourceLocation: sourceLocation)
    }

    @Test func aClaudeReplyIsBilledForEveryKindOfToken() {
        let usage = Usage(inputTokens: 1_000, outputTokens: 2_000, cacheCreationInputTokens: 10_000, cacheReadInputTokens: 100_000, webSearchRequests: 2)
        // 1k × $3/M + 2k × $15/M + 10k × $3.75/M + 100k × $0.30/M + 2 × $0.01.
        expectCost(catalog.cost(of: usage, model: "claude-sonnet-4-6", provider: .anthropic, preset: nil), 0.003 + 0.03 + 0.0375 + 0.03 + 0.02)
    }

    @Test func aLongGeminiPromptIsBilledAtTheHigherPrices() {
        let short = Usage(inputTokens: 100_000, outputTokens: 1_000)
        expectCost(catalog.cost(of: short, model: "gemini-2.5-pro", provider: .gemini, preset: nil), 0.125 + 0.01)
        let long = Usage(inputTokens: 250_000, outputTokens: 1_000)
        expectCost(catalog.cost(of: long, model: "gemini-2.5-pro", provider: .gemini, preset: nil), 0.625 + 0.015)
    }

    @Test func aRoutedTargetIsPricedAsTheRequestRecordKeepsIt() throws {
        let configuration = try ProxyConfiguration(environment: ["OPENAI_API_KEY": "k", "DEEPSEEK_API_KEY": "k"])
        let target = AttemptedTarget(try ModelRouter(configuration: configuration).route("deepseek/deepseek-chat"))
        let usage = Usage(inputTokens: 1_000_000, outputTokens: 1_000_000, cacheReadInputTokens: 1_000_000)
        expectCost(catalog.cost(of: usage, for: target), 0.28 + 0.42 + 0.028)
        let openAI = AttemptedTarget(try ModelRouter(configuration: configuration).route("openai/gpt-4o-2024-08-06"))
        expectCost(catalog.cost(of: Usage(inputTokens: 1_000_000), for: openAI), 2.5)
    }

    @Test(arguments: ["my-local-model", "qwen3-coder:30b"])
    func anUnknownModelCostsNil(model: String) {
        #expect(catalog.cost(of: Usage(inputTokens: 1_000, outputTokens: 1_000), model: model, provider: .openAI, preset: nil) == nil)
        #expect(catalog.cost(of: Usage(), model: model, provider: .openAI, preset: "ollama") == nil)
    }

    @Test func anOverrideIsTheWholePrice() {
        let override = ModelPrice(input: 1e-6, output: 4e-6)
        let catalog = PriceCatalog(overrides: ["gpt-4.1": override])
        #expect(catalog.price(of: "GPT-4.1", provider: .openAI, preset: nil) == override)
        // Its cache reads cost its input price, and the data's search price is gone with the rest.
        expectCost(catalog.cost(of: Usage(cacheReadInputTokens: 1_000, webSearchRequests: 1), model: "gpt-4.1", provider: .openAI, preset: nil), 0.001)
        // Other models keep the data's prices.
        #expect(catalog.price(of: "gpt-4o", provider: .openAI, preset: nil)?.input == 2.5e-6)
    }

    @Test func overridesPriceModelsTheDataDoesNotKnowAndSelfHostedOnes() {
        let free = ModelPrice(input: 0, output: 0)
        let catalog = PriceCatalog(overrides: ["my-local-model": free, "qwen/qwen3-coder": ModelPrice(input: 1e-7, output: 1e-7)])
        #expect(catalog.cost(of: Usage(inputTokens: 5_000, outputTokens: 5_000), model: "my-local-model", provider: .openAI, preset: "ollama") == 0)
        // A bare-name override reaches a vendor path; a full-path one only that path.
        #expect(catalog.price(of: "someone/my-local-model", provider: .openAI, preset: nil) == free)
        #expect(catalog.price(of: "qwen/qwen3-coder", provider: .openAI, preset: "vllm")?.input == 1e-7)
        #expect(catalog.price(of: "qwen3-coder", provider: .openAI, preset: "vllm") == nil)
    }

    @Test func theConfigurationsPricesAreTheCatalogsOverrides() throws {
        let configuration = try ProxyConfiguration(environment: ["MODEL_PRICES": "GPT-4.1=1/4, my-local-model=0/0"])
        let catalog = PriceCatalog(configuration: configuration)
        expectCost(catalog.cost(of: Usage(inputTokens: 1_000_000, outputTokens: 1_000_000), model: "gpt-4.1", provider: .openAI, preset: nil), 5)
        #expect(catalog.cost(of: Usage(inputTokens: 1_000), model: "my-local-model", provider: .openAI, preset: nil) == 0)
    }
}
