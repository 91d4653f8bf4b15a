extension ModelRouter {
    /// The target of a ready-made provider's prefix (`deepseek/deepseek-chat`, `azure/my-deployment`),
    /// or `nil` when `spec` has none. Everything after the prefix is the model name, colons
    /// included: Ollama's tags (`ollama/qwen3:30b`) are not channels.
    func presetTarget(for spec: String) throws(AnthropicError) -> RouteTarget? {
        guard let slash = spec.firstIndex(of: "/"), let preset = ProviderPreset.named(spec[..<slash]) else { return nil }
        let model = String(spec[spec.index(after: slash)...])
        guard !model.isEmpty else { throw .invalidRequest("model: '\(spec)' names no model after its prefix") }
        let endpoint = configuration.presetEndpoints[preset.name]
        guard let baseURL = endpoint?.baseURL else {
            throw .invalidRequest("model: '\(spec)' needs to know where \(preset.displayName) runs: set \(preset.baseURLVariable).")
        }
        let keys = endpoint?.apiKeys ?? []
        if preset.requiresKey, let keyVariable = preset.keyVariable, keys.isEmpty {
            throw AnthropicError(.authentication, "No API key for \(preset.displayName) (model '\(model)'): set \(keyVariable).")
        }
        return RouteTarget(
            provider: .openAI, model: model, baseURL: baseURL, apiKeys: keys, keyVariable: preset.keyVariable ?? preset.baseURLVariable,
            preset: preset, apiVersion: preset.addressing == .azureDeployments ? configuration.azureAPIVersion : nil)
    }

    /// What a channel's settings and the model itself say beyond the prefix: a channel's preset
    /// (URL form, key header, quirks) and protocol (`CHANNEL_<NAME>_API`), and the Responses API
    /// for models that Chat Completions does not serve (o3-pro, the codex models) when they are
    /// asked of OpenAI or an endpoint without a preset.
    func refined(_ target: RouteTarget) -> RouteTarget {
        var target = target
        let speaksOpenAI = target.provider == .openAI || target.provider == .openAIResponses
        if speaksOpenAI, let channel = target.channel.flatMap({ configuration.channels[$0] }) {
            if let preset = channel.preset {
                target.preset = preset
                if preset.addressing == .azureDeployments { target.apiVersion = configuration.azureAPIVersion }
            }
            if let keyVariable = channel.keyVariable { target.keyVariable = keyVariable }
            if target.provider == .openAI, let api = channel.api {
                target.provider = api
                return target
            }
        }
        // A vendor path (`openai/o3-pro` through a router) is the router's to serve.
        if target.provider == .openAI, target.preset == nil, !target.model.contains("/"), ModelCatalog.requiresResponsesAPI(target.model) {
            target.provider = .openAIResponses
        }
        return target
    }
}
