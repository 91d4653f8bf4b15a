/// The generated price list (litellm's, see `ModelPriceData+Generated.swift`), parsed once on
/// first use, and how a target's model is found in it.
///
/// A model is looked for under each name it may be listed by: as written, without a vendor path
/// (OpenRouter's `anthropic/claude-sonnet-4.5`), with a Claude version's dots as dashes, and each
/// without a snapshot date (`gpt-4o-2024-08-06`, `claude-sonnet-4-5-20250929`). It is looked for
/// first among the entries of the provider the target names (its preset, else its protocol's);
/// then, for targets that are no ready-made provider (a channel's or `BASE_URL`'s server), among
/// every host's by a whole name with a path (`accounts/fireworks/models/deepseek-v3`); then among
/// the model makers' own entries, whose prices OpenRouter and Azure pass on. A preset never gets
/// another host's price, and the models of self-hosted presets (Ollama, LM Studio, vLLM) have no
/// list price: they are not looked up.
package struct ModelPriceData: Sendable {
    /// In the data's order (by litellm's name).
    package let listings: [ModelPriceListing]
    private let listingsByUpstreamName: [String: [ModelPriceListing]]

    /// The model makers' own providers, whose entries are the list prices of their models.
    private static let modelMakers = ["openai", "anthropic", "gemini", "vertex_ai-language-models", "vertex_ai", "deepseek", "xai", "mistral"]

    /// The generated data; empty if it could not be read (a test checks that it can).
    package static let shared = ModelPriceData(json: generatedJSON) ?? ModelPriceData(listings: [])

    package init(listings: [ModelPriceListing]) {
        self.listings = listings
        listingsByUpstreamName = Dictionary(grouping: listings, by: \.upstreamName)
    }

    /// The data from its JSON text (an object of listings by litellm's name); nil when the text or
    /// any listing is malformed.
    package init?(json: String) {
        guard let object = (try? JSONParser.parse(json))?.objectValue else { return nil }
        var listings: [ModelPriceListing] = []
        for (name, value) in object.members {
            guard let listing = ModelPriceListing(name: name, json: value) else { return nil }
            listings.append(listing)
        }
        self.init(listings: listings)
    }

    /// The listing of the model a target names, nil when the data does not know it.
    /// - Parameters:
    ///   - model: the model name as the upstream knows it (`gpt-4.1`, `anthropic/claude-3.5-sonnet`).
    ///   - provider: the protocol the target speaks, when known.
    ///   - preset: the ready-made provider's name (`deepseek`, `openrouter`), when the target is one.
    package func listing(for model: String, provider: Provider?, preset: String?) -> ModelPriceListing? {
        let preset = preset?.lowercased()
        // ProviderPreset says: only hosted services require a key.
        if let preset, ProviderPreset.named(preset)?.requiresKey == false { return nil }
        let names = Self.names(of: model)
        let named = preset.map { [$0] } ?? provider.map(Self.providers(speaking:)) ?? []
        if let found = first(of: names, among: named) { return found }
        if preset == nil, let found = names.lazy.filter({ $0.contains("/") }).compactMap({ listingsByUpstreamName[$0]?.first }).first {
            return found
        }
        return first(of: names, among: Self.modelMakers)
    }

    /// The listing of the first name that one of the providers lists, the earlier provider first.
    private func first(of names: [String], among providers: [String]) -> ModelPriceListing? {
        for name in names {
            let listed = listingsByUpstreamName[name] ?? []
            if let found = providers.lazy.compactMap({ provider in listed.first { $0.provider == provider } }).first { return found }
        }
        return nil
    }

    /// litellm's providers for a protocol: Gemini's models are listed both for Google AI Studio
    /// and for Vertex.
    private static func providers(speaking provider: Provider) -> [String] {
        switch provider {
        case .openAI, .openAIResponses: ["openai"]
        case .gemini: ["gemini", "vertex_ai-language-models", "vertex_ai"]
        case .anthropic: ["anthropic"]
        }
    }

    /// The names a model may be listed by, lower-cased, the most specific first.
    private static func names(of model: String) -> [String] {
        let full = model.lowercased()
        let bare = ModelCatalog.bareName(of: model)
        // OpenRouter writes Claude versions with dots (`claude-3.5-sonnet`), Anthropic with dashes.
        let dashed = bare.hasPrefix("claude-") ? String(bare.map { $0 == "." ? "-" : $0 }) : bare
        let spellings = [full, bare, dashed]
        var names: [String] = []
        for name in spellings + spellings.compactMap(undated) where !names.contains(name) {
            names.append(name)
        }
        return names
    }

    /// The name without its snapshot date (`-2024-08-06`, `-20250929`, `-0613`, `-001`), if it has one.
    private static func undated(_ name: String) -> String? {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        func isNumber(_ part: Substring, digits: Int) -> Bool { part.count == digits && part.allSatisfy { $0.isASCII && $0.isNumber } }
        let count = parts.count
        if count > 3, isNumber(parts[count - 3], digits: 4), isNumber(parts[count - 2], digits: 2), isNumber(parts[count - 1], digits: 2) {
            return parts.dropLast(3).joined(separator: "-")
        }
        if count > 1, [3, 4, 8].contains(where: { isNumber(parts[count - 1], digits: $0) }) {
            return parts.dropLast().joined(separator: "-")
        }
        return nil
    }
}
