/// One model as the generated price data lists it (see `scripts/refresh-prices`).
package struct ModelPriceListing: Sendable, Equatable {
    /// litellm's name for it: `gpt-4.1`, `gemini/gemini-2.5-pro`, `groq/openai/gpt-oss-120b`.
    package var name: String
    /// litellm's provider: `openai`, `anthropic`, `gemini`, `vertex_ai-language-models`, `xai`.
    package var provider: String
    package var price: ModelPrice
    /// The context window: the most tokens the model reads.
    package var maxInputTokens: Int?
    package var maxOutputTokens: Int?
    /// Whether it reads images (litellm's `supports_vision`; a model it lists without saying does not).
    package var readsImages: Bool

    package init(
        name: String, provider: String, price: ModelPrice, maxInputTokens: Int? = nil, maxOutputTokens: Int? = nil, readsImages: Bool = false
    ) {
        self.name = name
        self.provider = provider
        self.price = price
        self.maxInputTokens = maxInputTokens
        self.maxOutputTokens = maxOutputTokens
        self.readsImages = readsImages
    }

    /// A listing from its line of the data; nil when the line lacks a provider or a price.
    init?(name: String, json: JSONValue) {
        guard let provider = json["provider"]?.stringValue, let input = json["input"]?.doubleValue, let output = json["output"]?.doubleValue
        else { return nil }
        var tiers: [ModelPrice.Tier] = []
        for tier in json["tiers"]?.arrayValue ?? [] {
            guard let start = tier["from_prompt_tokens"]?.intValue else { return nil }
            tiers.append(
                ModelPrice.Tier(
                    fromPromptTokens: start, input: tier["input"]?.doubleValue, output: tier["output"]?.doubleValue,
                    cacheRead: tier["cache_read"]?.doubleValue, cacheWrite: tier["cache_write"]?.doubleValue))
        }
        let price = ModelPrice(
            input: input, output: output, cacheRead: json["cache_read"]?.doubleValue, cacheWrite: json["cache_write"]?.doubleValue,
            tiers: tiers.sorted { $0.fromPromptTokens < $1.fromPromptTokens }, webSearch: json["web_search"]?.doubleValue,
            webSearchBilledPerPrompt: json["web_search_per_prompt"]?.boolValue ?? false)
        self.init(
            name: name, provider: provider, price: price, maxInputTokens: json["max_input"]?.intValue, maxOutputTokens: json["max_output"]?.intValue,
            readsImages: json["vision"]?.boolValue ?? false)
    }

    /// The name upstreams know the model by, lower-cased: litellm's without its `provider/`
    /// prefix (`gemini-2.5-pro`, `openai/gpt-oss-120b` at Groq).
    package var upstreamName: String {
        let lowered = name.lowercased()
        let prefix = provider.lowercased() + "/"
        return lowered.hasPrefix(prefix) ? String(lowered.dropFirst(prefix.count)) : lowered
    }
}
