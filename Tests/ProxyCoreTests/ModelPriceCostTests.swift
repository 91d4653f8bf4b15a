import ProxyCore
import Testing

/// What one reply costs at a model's prices: each kind of token at its own price, cache prices
/// falling back to input, long-prompt tiers, and web searches per query or per prompt.
@Suite struct ModelPriceCostTests {
    /// Equal up to floating-point rounding (the prices are binary approximations of decimals).
    private func expectCost(_ cost: Double, _ expected: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(abs(cost - expected) <= 1e-12, "\(cost) is not \(expected)", sourceLocation: sourceLocation)
    }

    @Test func inputAndOutputAreBilledAtTheirPrices() {
        let price = ModelPrice(input: 2e-6, output: 8e-6)
        expectCost(price.cost(of: Usage(inputTokens: 1_000, outputTokens: 500)), 0.002 + 0.004)
        #expect(price.cost(of: Usage()) == 0)
    }

    @Test func cacheReadsAndWritesAreBilledAtTheirOwnPrices() {
        let price = ModelPrice(input: 3e-6, output: 15e-6, cacheRead: 0.3e-6, cacheWrite: 3.75e-6)
        let usage = Usage(inputTokens: 100, outputTokens: 200, cacheCreationInputTokens: 2_000, cacheReadInputTokens: 10_000)
        expectCost(price.cost(of: usage), 0.0003 + 0.003 + 0.0075 + 0.003)
    }

    @Test func cachePricesLeftOutAreTheInputPrice() {
        let price = ModelPrice(input: 1e-6, output: 2e-6)
        expectCost(price.cost(of: Usage(cacheCreationInputTokens: 1_000, cacheReadInputTokens: 3_000)), 0.004)
        // An explicit 0 is a price, not a missing one.
        #expect(ModelPrice(input: 1e-6, output: 2e-6, cacheWrite: 0).cost(of: Usage(cacheCreationInputTokens: 1_000)) == 0)
    }

    private static let gemini25Pro = ModelPrice(
        input: 1.25e-6, output: 10e-6, cacheRead: 0.125e-6,
        tiers: [ModelPrice.Tier(fromPromptTokens: 200_001, input: 2.5e-6, output: 15e-6, cacheRead: 0.25e-6)])

    @Test func aPromptAboveTheThresholdIsBilledWhollyAtTheTiersPrices() {
        // 150k new + 50k cached = 200k: not above 200k.
        let atThreshold = Usage(inputTokens: 150_000, outputTokens: 1_000, cacheReadInputTokens: 50_000)
        expectCost(Self.gemini25Pro.cost(of: atThreshold), 0.1875 + 0.01 + 0.00625)
        // One more token: every token of the reply at the higher prices, output included.
        let above = Usage(inputTokens: 150_001, outputTokens: 1_000, cacheReadInputTokens: 50_000)
        expectCost(Self.gemini25Pro.cost(of: above), 0.3750025 + 0.015 + 0.0125)
    }

    @Test func cacheWritesCountTowardsThePromptSize() {
        let usage = Usage(inputTokens: 1, cacheCreationInputTokens: 200_000)
        // No cache write price: the tier's input price.
        expectCost(Self.gemini25Pro.cost(of: usage), 200_001 * 2.5e-6)
    }

    @Test func aPriceATierLeavesOutStaysTheOneBelowIt() {
        let price = ModelPrice(
            input: 1e-6, output: 4e-6, cacheRead: 0.1e-6,
            tiers: [
                ModelPrice.Tier(fromPromptTokens: 128_001, input: 2e-6, cacheRead: 0.2e-6),
                ModelPrice.Tier(fromPromptTokens: 200_001, input: 3e-6),
            ])
        let usage = Usage(inputTokens: 250_000, outputTokens: 1_000, cacheReadInputTokens: 10_000)
        // Input from the 200k tier, cache reads from the 128k tier, output from the base.
        expectCost(price.cost(of: usage), 0.75 + 0.004 + 0.002)
        let middle = Usage(inputTokens: 150_000, outputTokens: 1_000)
        expectCost(price.cost(of: middle), 0.3 + 0.004)
    }

    @Test func webSearchesAreBilledPerQuery() {
        let price = ModelPrice(input: 3e-6, output: 15e-6, webSearch: 0.01)
        expectCost(price.cost(of: Usage(inputTokens: 1_000, webSearchRequests: 3)), 0.003 + 0.03)
    }

    @Test func webSearchesBilledPerPromptCountOnceWhateverTheQueries() {
        let price = ModelPrice(input: 0, output: 0, webSearch: 0.035, webSearchBilledPerPrompt: true)
        expectCost(price.cost(of: Usage(webSearchRequests: 4)), 0.035)
        #expect(price.cost(of: Usage(inputTokens: 10)) == 0)
    }

    @Test func searchesWithoutAPriceAddNothing() {
        let price = ModelPrice(input: 1e-6, output: 1e-6)
        expectCost(price.cost(of: Usage(inputTokens: 1_000, webSearchRequests: 5)), 0.001)
    }
}
