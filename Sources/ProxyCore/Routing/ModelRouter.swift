/// Where one request goes: the upstream protocol, model, endpoint and key.
package struct RouteTarget: Sendable, Equatable {
    package var provider: Provider
    /// The model name as the upstream knows it.
    package var model: String
    /// The channel chosen with a `:name` suffix, lower-cased.
    package var channel: String?
    /// The API root, without a trailing slash (`https://api.openai.com/v1`).
    package var baseURL: String
    /// The keys to rotate over; none sends no key (local servers; Anthropic then gets the
    /// client's own).
    package var apiKeys: [String]
    /// The setting the keys come from, named in errors about them.
    package var keyVariable: String
    /// The ready-made provider the target is (`deepseek/`, a channel's `CHANNEL_<NAME>_PROVIDER`):
    /// its key header, URL form and quirks.
    package var preset: ProviderPreset?
    /// Azure OpenAI's `api-version` query parameter.
    package var apiVersion: String?
    /// How a Vertex AI target is authorised; nil for every other target. Its `baseURL` is then the
    /// resource root its model's path hangs off (`…/v1/projects/p/locations/l`).
    package var vertex: VertexAccess?

    package init(
        provider: Provider, model: String, channel: String? = nil, baseURL: String, apiKeys: [String], keyVariable: String,
        preset: ProviderPreset? = nil, apiVersion: String? = nil, vertex: VertexAccess? = nil
    ) {
        self.provider = provider
        self.model = model
        self.channel = channel
        self.baseURL = baseURL
        self.apiKeys = apiKeys
        self.keyVariable = keyVariable
        self.preset = preset
        self.apiVersion = apiVersion
        self.vertex = vertex
    }
}

/// Turns the model a client asks for into a `RouteTarget`.
///
/// Claude names map to the configured models (haiku → SMALL_MODEL, sonnet and other claude-* →
/// BIG_MODEL, opus → OPUS_MODEL). A `provider/` prefix picks the protocol, a `:channel` suffix the
/// endpoint; bare names of known OpenAI or Gemini models get their provider's prefix. A channel
/// serves the prefix's protocol; a Gemini name without a prefix whose channel URL ends in
/// `/openai` (Gemini's OpenAI-compatible endpoint) is sent there as OpenAI Chat. A configured
/// model may list fallbacks, comma-separated, tried in order when one fails.
package struct ModelRouter: Sendable {
    let configuration: ProxyConfiguration
    let known = KnownRoutes()

    package init(configuration: ProxyConfiguration) {
        self.configuration = configuration
    }

    /// The first target a model reaches.
    package func route(_ requestedModel: String) throws(AnthropicError) -> RouteTarget {
        try routes(requestedModel)[0]
    }

    /// Every target a model reaches, in order: the first, then its fallbacks. Fallbacks that
    /// cannot be used (no key, unknown channel) are left out; when none can, the first one's
    /// error is thrown.
    package func routes(_ requestedModel: String) throws(AnthropicError) -> [RouteTarget] {
        try remembered(requestedModel) { () throws(AnthropicError) in try workOutRoutes(requestedModel) }
    }

    /// The targets of a configured model setting (`THINK_MODEL`, `WEB_SEARCH_MODEL`), its fallbacks
    /// after it, worked out as the Claude names' mappings are.
    package func routes(configured spec: String) throws(AnthropicError) -> [RouteTarget] {
        // A character no client sends keeps these apart from the names clients ask for.
        try remembered("\u{1}" + spec) { () throws(AnthropicError) in
            try configuredRoutes(spec, ifNone: .invalidRequest("'\(spec)' names no model"))
        }
    }

    /// Routes worked out once per key, refusals included.
    private func remembered(_ key: String, _ workOut: () throws(AnthropicError) -> [RouteTarget]) throws(AnthropicError) -> [RouteTarget] {
        if let known = known.routes(for: key) { return try known.get() }
        let result: Result<[RouteTarget], AnthropicError>
        do throws(AnthropicError) {
            result = .success(try workOut())
        } catch {
            result = .failure(error)
        }
        known.keep(result, for: key)
        return try result.get()
    }

    /// The Claude tier a requested name maps through, nil for a model the client named itself.
    package func tier(ofRequested name: String) -> ClaudeTier? {
        Self.explicitProvider(of: name) == nil ? ClaudeTier(name: name) : nil
    }

    private func workOutRoutes(_ requestedModel: String) throws(AnthropicError) -> [RouteTarget] {
        let requested = requestedModel.trimmingWhitespace()
        guard !requested.isEmpty else { throw .invalidRequest("model: must not be empty") }
        guard let tier = tier(ofRequested: requested) else {
            return [refined(try target(for: requested, fromConfiguredModel: false))]
        }
        return try configuredRoutes(tier.configuredModel(in: configuration), ifNone: .invalidRequest("model: '\(requested)' maps to no model"))
    }

    private func configuredRoutes(_ configured: String, ifNone noModel: AnthropicError) throws(AnthropicError) -> [RouteTarget] {
        var targets: [RouteTarget] = []
        var firstError: AnthropicError?
        for spec in configured.split(separator: ",").map({ $0.trimmingWhitespace() }) where !spec.isEmpty {
            do {
                targets.append(refined(try target(for: spec, fromConfiguredModel: true)))
            } catch {
                firstError = firstError ?? error
            }
        }
        if targets.isEmpty { throw firstError ?? noModel }
        return targets
    }

    /// `spec` without its `:channel` suffix, and the channel, lower-cased.
    static func splittingChannel(_ spec: String) -> (model: String, channel: String?) {
        guard let colon = spec.lastIndex(of: ":") else { return (spec, nil) }
        return (String(spec[..<colon]), String(spec[spec.index(after: colon)...]).lowercased())
    }

    private static func explicitProvider(of spec: String) -> Provider? {
        guard let slash = spec.firstIndex(of: "/") else { return nil }
        return Provider(rawValue: spec[..<slash].lowercased())
    }

    private func target(for spec: String, fromConfiguredModel: Bool) throws(AnthropicError) -> RouteTarget {
        if let vertex = try vertexTarget(for: spec) { return vertex }
        if let preset = try presetTarget(for: spec) { return preset }
        var (name, channelName) = Self.splittingChannel(spec)
        var provider: Provider
        if let explicit = Self.explicitProvider(of: name) {
            provider = explicit
            name = String(name[name.index(after: name.firstIndex(of: "/")!)...])
        } else if fromConfiguredModel {
            // As the seed does: configured names go to Gemini only when Google is preferred.
            let bareProvider = ModelCatalog.provider(ofBareName: name)
            provider = bareProvider == .gemini && configuration.preferredProvider == .google ? .gemini
                : bareProvider == .anthropic ? .anthropic : .openAI
        } else {
            provider = ModelCatalog.provider(ofBareName: name) ?? .openAI
        }
        guard !name.isEmpty else { throw .invalidRequest("model: '\(spec)' names no model after its prefix") }

        if let channelName {
            guard let channel = configuration.channels[channelName] else {
                let variable = channelName.uppercased()
                throw .invalidRequest(
                    "model: unknown channel '\(channelName)' in '\(spec)': define CHANNEL_\(variable)_BASE_URL (and CHANNEL_\(variable)_API_KEY if it needs a key)"
                )
            }
            if provider == .gemini, Self.explicitProvider(of: spec) == nil, channel.baseURL.lowercased().hasSuffix("/openai") {
                // Gemini's OpenAI-compatible endpoint, named by its path: keep to that protocol.
                provider = .openAI
            }
            return RouteTarget(
                provider: provider, model: name, channel: channelName, baseURL: channel.baseURL, apiKeys: channel.apiKeys,
                keyVariable: "CHANNEL_\(channelName.uppercased())_API_KEY")
        }
        switch provider {
        case .openAI, .openAIResponses:
            if let baseURL = configuration.baseURL {
                let useGenericKeys = !configuration.apiKeys.isEmpty || configuration.openAIAPIKeys.isEmpty
                return RouteTarget(
                    provider: provider, model: name, baseURL: baseURL, apiKeys: useGenericKeys ? configuration.apiKeys : configuration.openAIAPIKeys,
                    keyVariable: useGenericKeys ? "API_KEY" : "OPENAI_API_KEY")
            }
            // A server of the user's own at OPENAI_BASE_URL (llama.cpp, vLLM) often takes no key.
            let isOpenAIItself = configuration.openAIBaseURL.hasPrefix("https://api.openai.com")
            guard !configuration.openAIAPIKeys.isEmpty || !isOpenAIItself else {
                throw AnthropicError(
                    .authentication,
                    "No API key for OpenAI (model '\(name)'): set OPENAI_API_KEY, or BASE_URL and API_KEY for another OpenAI-compatible server."
                )
            }
            return RouteTarget(
                provider: provider, model: name, baseURL: configuration.openAIBaseURL, apiKeys: configuration.openAIAPIKeys, keyVariable: "OPENAI_API_KEY")
        case .gemini:
            // A bare Gemini name (a mapping's, with PREFERRED_PROVIDER=google) goes where gemini/ goes.
            if configuration.useVertexForGemini, let vertex = try vertexTarget(for: "gemini/\(name)") { return vertex }
            if configuration.geminiAPIKeys.isEmpty, configuration.geminiBaseURL == ProxyConfiguration.publicGeminiBaseURL {
                throw AnthropicError(.authentication, "No API key for Gemini (model '\(name)'): set GEMINI_API_KEY.")
            }
            return RouteTarget(
                provider: .gemini, model: name, baseURL: configuration.geminiBaseURL, apiKeys: configuration.geminiAPIKeys, keyVariable: "GEMINI_API_KEY")
        case .anthropic:
            return RouteTarget(
                provider: .anthropic, model: name, baseURL: configuration.anthropicBaseURL, apiKeys: configuration.anthropicAPIKeys,
                keyVariable: "ANTHROPIC_API_KEY")
        }
    }
}
