/// What a model costs, in US dollars per token (per search for web searches), and so what one
/// reply cost.
package struct ModelPrice: Sendable, Equatable {
    /// Prices that replace the base ones once a prompt is long enough (Gemini 2.5 Pro's above 200k
    /// tokens). A price a tier leaves out stays what it was below the tier.
    package struct Tier: Sendable, Equatable {
        /// The prompt size the tier starts at, in tokens: input, cache reads and cache writes.
        package var fromPromptTokens: Int
        package var input: Double?
        package var output: Double?
        package var cacheRead: Double?
        package var cacheWrite: Double?

        package init(fromPromptTokens: Int, input: Double? = nil, output: Double? = nil, cacheRead: Double? = nil, cacheWrite: Double? = nil) {
            self.fromPromptTokens = fromPromptTokens
            self.input = input
            self.output = output
            self.cacheRead = cacheRead
            self.cacheWrite = cacheWrite
        }
    }

    package var input: Double
    /// Reasoning tokens included: usage counts them as output.
    package var output: Double
    /// Reading cached input; nil when the provider publishes no cache price, which bills cached
    /// tokens as input.
    package var cacheRead: Double?
    /// Writing the cache (Anthropic's 5-minute writes: usage does not tell the 1-hour ones apart);
    /// nil bills them as input.
    package var cacheWrite: Double?
    /// Ordered by `fromPromptTokens`.
    package var tiers: [Tier]
    /// One web search; nil when no price is known, and the searches then add nothing.
    package var webSearch: Double?
    /// Gemini 2.x bills grounding once per prompt that searched, however many queries it ran.
    package var webSearchBilledPerPrompt: Bool

    package init(
        input: Double, output: Double, cacheRead: Double? = nil, cacheWrite: Double? = nil, tiers: [Tier] = [], webSearch: Double? = nil,
        webSearchBilledPerPrompt: Bool = false
    ) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.tiers = tiers
        self.webSearch = webSearch
        self.webSearchBilledPerPrompt = webSearchBilledPerPrompt
    }

    /// What a reply with this usage cost. `usage.inputTokens` excludes the cached tokens, as
    /// Anthropic counts them, so each kind of token is billed once at its own price; the prompt
    /// size that picks a tier counts them all.
    package func cost(of usage: Usage) -> Double {
        let promptTokens = usage.inputTokens + usage.cacheReadInputTokens + usage.cacheCreationInputTokens
        var (input, output, cacheRead, cacheWrite) = (input, output, cacheRead, cacheWrite)
        for tier in tiers where promptTokens >= tier.fromPromptTokens {
            input = tier.input ?? input
            output = tier.output ?? output
            cacheRead = tier.cacheRead ?? cacheRead
            cacheWrite = tier.cacheWrite ?? cacheWrite
        }
        let searches = webSearchBilledPerPrompt ? min(usage.webSearchRequests, 1) : usage.webSearchRequests
        return Double(usage.inputTokens) * input + Double(usage.outputTokens) * output
            + Double(usage.cacheReadInputTokens) * (cacheRead ?? input) + Double(usage.cacheCreationInputTokens) * (cacheWrite ?? input)
            + Double(searches) * (webSearch ?? 0)
    }
}
