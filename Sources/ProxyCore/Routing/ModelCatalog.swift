/// What the proxy knows about an upstream model: how much it may write, how much it can read,
/// and how it wants reasoning and the system prompt asked for.
package struct ModelProfile: Sendable, Equatable {
    /// The most output tokens the model accepts in one request.
    package var maxOutputTokens: Int
    /// The context window, in tokens, when known.
    package var contextWindow: Int?
    /// OpenAI reasoning models (o-series, gpt-5): `max_completion_tokens`, `reasoning_effort`,
    /// the `developer` role, and no sampling parameters.
    package var isOpenAIReasoningModel: Bool
    /// Whether the model reads images (and PDFs); nil when unknown, which routing takes as yes.
    package var readsImages: Bool?

    package init(maxOutputTokens: Int, contextWindow: Int? = nil, isOpenAIReasoningModel: Bool = false, readsImages: Bool? = nil) {
        self.maxOutputTokens = maxOutputTokens
        self.contextWindow = contextWindow
        self.isOpenAIReasoningModel = isOpenAIReasoningModel
        self.readsImages = readsImages
    }
}

/// Known models by name prefix. The longest matching prefix wins, so `gpt-4o-mini` can differ
/// from `gpt-4o`; names are matched without any `vendor/` path (as OpenRouter writes them).
/// Models the table does not know get the ceiling and window the generated price data lists
/// (see `ModelPriceData`), when it lists them.
package struct ModelCatalog: Sendable {
    private static let known: [(prefix: String, profile: ModelProfile)] = [
        ("gpt-5", ModelProfile(maxOutputTokens: 128_000, contextWindow: 400_000, isOpenAIReasoningModel: true, readsImages: true)),
        ("gpt-5-chat", ModelProfile(maxOutputTokens: 16_384, contextWindow: 128_000, readsImages: true)),
        ("gpt-4.1", ModelProfile(maxOutputTokens: 32_768, contextWindow: 1_047_576, readsImages: true)),
        ("gpt-4o", ModelProfile(maxOutputTokens: 16_384, contextWindow: 128_000, readsImages: true)),
        ("chatgpt-4o", ModelProfile(maxOutputTokens: 16_384, contextWindow: 128_000, readsImages: true)),
        ("gpt-4-turbo", ModelProfile(maxOutputTokens: 4_096, contextWindow: 128_000, readsImages: true)),
        ("gpt-4", ModelProfile(maxOutputTokens: 8_192, contextWindow: 8_192, readsImages: false)),
        ("gpt-3.5-turbo", ModelProfile(maxOutputTokens: 4_096, contextWindow: 16_385, readsImages: false)),
        ("o1", ModelProfile(maxOutputTokens: 100_000, contextWindow: 200_000, isOpenAIReasoningModel: true, readsImages: true)),
        ("o1-mini", ModelProfile(maxOutputTokens: 65_536, contextWindow: 128_000, isOpenAIReasoningModel: true, readsImages: false)),
        ("o3", ModelProfile(maxOutputTokens: 100_000, contextWindow: 200_000, isOpenAIReasoningModel: true, readsImages: true)),
        ("o3-mini", ModelProfile(maxOutputTokens: 100_000, contextWindow: 200_000, isOpenAIReasoningModel: true, readsImages: false)),
        ("o4-mini", ModelProfile(maxOutputTokens: 100_000, contextWindow: 200_000, isOpenAIReasoningModel: true, readsImages: true)),
        ("codex-mini", ModelProfile(maxOutputTokens: 100_000, contextWindow: 200_000, isOpenAIReasoningModel: true, readsImages: true)),
        ("deepseek-chat", ModelProfile(maxOutputTokens: 8_192, contextWindow: 131_072, readsImages: false)),
        ("deepseek-reasoner", ModelProfile(maxOutputTokens: 65_536, contextWindow: 131_072, readsImages: false)),
        ("gemini-1.5", ModelProfile(maxOutputTokens: 8_192, contextWindow: 1_048_576, readsImages: true)),
        ("gemini-2.0", ModelProfile(maxOutputTokens: 8_192, contextWindow: 1_048_576, readsImages: true)),
        ("gemini-2.5", ModelProfile(maxOutputTokens: 65_536, contextWindow: 1_048_576, readsImages: true)),
        ("gemini-3", ModelProfile(maxOutputTokens: 65_536, contextWindow: 1_048_576, readsImages: true)),
    ]

    private let outputLimitOverrides: [String: Int]
    private let contextWindowOverrides: [String: Int]
    private let defaultMaxOutputTokens: Int

    /// - Parameters:
    ///   - outputLimitOverrides: ceilings by lower-cased model name, over the table's.
    ///   - contextWindowOverrides: context windows by lower-cased model name, over the table's.
    ///   - defaultMaxOutputTokens: the ceiling for models the table does not know.
    package init(outputLimitOverrides: [String: Int] = [:], contextWindowOverrides: [String: Int] = [:], defaultMaxOutputTokens: Int = 16_384) {
        self.outputLimitOverrides = outputLimitOverrides
        self.contextWindowOverrides = contextWindowOverrides
        self.defaultMaxOutputTokens = defaultMaxOutputTokens
    }

    package init(configuration: ProxyConfiguration) {
        self.init(
            outputLimitOverrides: configuration.modelOutputLimits, contextWindowOverrides: configuration.modelContextWindows,
            defaultMaxOutputTokens: configuration.defaultMaxOutputTokens)
    }

    package func profile(for model: String) -> ModelProfile {
        profile(for: model, preset: nil)
    }

    /// The profile of a model a ready-made provider serves: the provider's own output ceiling
    /// stands in for the default when neither the table nor the price data knows the model.
    package func profile(for model: String, preset: ProviderPreset?) -> ModelProfile {
        let lowered = model.lowercased()
        let bareName = Self.bareName(of: model)
        let fallbackCeiling = preset?.outputCeiling ?? defaultMaxOutputTokens
        var profile = Self.known
            .filter { bareName.hasPrefix($0.prefix) }
            .max { $0.prefix.count < $1.prefix.count }?.profile
            ?? ModelPriceData.shared.listing(for: model, provider: nil, preset: preset?.name).map { listing in
                ModelProfile(maxOutputTokens: listing.maxOutputTokens ?? fallbackCeiling, contextWindow: listing.maxInputTokens, readsImages: listing.readsImages)
            }
            ?? ModelProfile(maxOutputTokens: fallbackCeiling)
        if let override = outputLimitOverrides[lowered] ?? outputLimitOverrides[bareName] {
            profile.maxOutputTokens = override
        }
        if let override = contextWindowOverrides[lowered] ?? contextWindowOverrides[bareName] {
            profile.contextWindow = override
        }
        return profile
    }

    /// Whether OpenAI serves the model only through the Responses API, as its model pages say of
    /// the pro models (o1-pro, o3-pro, gpt-5-pro), the codex models (gpt-5-codex, codex-mini),
    /// deep research and computer use.
    package static func requiresResponsesAPI(_ model: String) -> Bool {
        let name = bareName(of: model)
        if name.hasPrefix("computer-use-preview") { return true }
        guard provider(ofBareName: name) == .openAI else { return false }
        return name.contains("codex") || name.contains("deep-research") || name.split(separator: "-").contains("pro")
    }

    /// Whether OpenAI keeps the model's prompt cache up to 24 hours when asked
    /// (`prompt_cache_retention: "24h"`), as its prompt caching guide lists: gpt-4.1 and the gpt-5
    /// family but its mini and nano models (codex-mini included).
    package static func keepsPromptCacheForADay(_ model: String) -> Bool {
        let name = bareName(of: model)
        if name == "gpt-4.1" || name.hasPrefix("gpt-4.1-20") { return true }
        guard name.hasPrefix("gpt-5") else { return false }
        return name.contains("codex-mini") || !(name.contains("-mini") || name.contains("-nano"))
    }

    /// The model's name lower-cased, without any `vendor/` path: `gpt-4o` for `openrouter/openai/GPT-4o`.
    package static func bareName(of model: String) -> String {
        let lowered = model.lowercased()
        return lowered.split(separator: "/").last.map(String.init) ?? lowered
    }

    /// The provider a bare model name belongs to, when the name says so.
    package static func provider(ofBareName name: String) -> Provider? {
        let lowered = name.lowercased()
        if lowered.hasPrefix("gemini-") { return .gemini }
        if lowered.hasPrefix("claude-") { return .anthropic }
        let openAIPrefixes = ["gpt-", "chatgpt-", "o1", "o3", "o4", "codex-"]
        if openAIPrefixes.contains(where: { lowered.hasPrefix($0) }) { return .openAI }
        return nil
    }
}
