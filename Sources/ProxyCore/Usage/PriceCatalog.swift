/// Prices by model, and what a reply cost at them: the configuration's overrides
/// (`MODEL_PRICES`) first, else the generated data (see `ModelPriceData`). An unknown model's
/// cost is nil, never 0.
package struct PriceCatalog: Sendable {
    /// By lower-cased model name, as `MODEL_PRICES` writes them.
    private let overrides: [String: ModelPrice]
    private let data: ModelPriceData
    /// Prices already looked up, by target: every request of a session asks for the same one.
    private let known = BoundedCache<ModelPrice?>(capacity: 256)

    package init(overrides: [String: ModelPrice] = [:], data: ModelPriceData = .shared) {
        self.overrides = overrides
        self.data = data
    }

    package init(configuration: ProxyConfiguration) {
        self.init(overrides: configuration.modelPrices)
    }

    /// The price of a target's model. An override names the model as the upstream knows it
    /// (`deepseek-chat`), or by its bare name without a vendor path, and is the whole price: it
    /// replaces the data's, long-prompt tiers and search price included.
    /// - Parameters:
    ///   - model: the model name as the upstream knows it (`RouteTarget.model`).
    ///   - provider: the protocol the target speaks.
    ///   - preset: the ready-made provider's name (`ProviderPreset.name`), when the target is one.
    package func price(of model: String, provider: Provider, preset: String?) -> ModelPrice? {
        known.value(for: "\(provider.rawValue)/\(preset ?? "")/\(model)") {
            overrides[model.lowercased()] ?? overrides[ModelCatalog.bareName(of: model)] ?? data.listing(for: model, provider: provider, preset: preset)?.price
        }
    }

    /// What a reply cost in US dollars; nil when the model's prices are unknown.
    package func cost(of usage: Usage, model: String, provider: Provider, preset: String?) -> Double? {
        price(of: model, provider: provider, preset: preset)?.cost(of: usage)
    }

    /// What a reply cost in US dollars at the prices of the target that served it (`RequestRecord.target`).
    package func cost(of usage: Usage, for target: AttemptedTarget) -> Double? {
        cost(of: usage, model: target.model, provider: target.provider, preset: target.presetName)
    }
}
