extension ModelRouter {
    /// The Vertex AI target of `vertex/<model>` (Gemini models, and Claude's through Anthropic's
    /// protocol), of `gemini/<model>` with `USE_VERTEX_AUTH`, and of either with a `:channel`
    /// whose provider is `vertex`; `nil` for any other spec.
    func vertexTarget(for spec: String) throws(AnthropicError) -> RouteTarget? {
        guard let slash = spec.firstIndex(of: "/") else { return nil }
        let prefix = spec[..<slash].lowercased()
        guard prefix == "vertex" || prefix == "gemini" else { return nil }
        let (model, channelName) = Self.splittingChannel(String(spec[spec.index(after: slash)...]))
        let channel = channelName.flatMap { configuration.channels[$0] }
        let settings: VertexSettings
        switch (prefix, channelName, channel?.vertex) {
        case (_, _?, let vertex?): settings = vertex
        case ("vertex", let name?, nil):
            throw .invalidRequest(
                "model: '\(spec)' names the channel '\(name)', which is no Vertex AI channel: set CHANNEL_\(name.uppercased())_PROVIDER=vertex (with its project and location)")
        case ("vertex", nil, _): settings = configuration.vertex
        case ("gemini", nil, _) where configuration.useVertexForGemini: settings = configuration.vertex
        default: return nil
        }
        guard !model.isEmpty else { throw .invalidRequest("model: '\(spec)' names no model after its prefix") }
        let (baseURL, access) = try settings.endpoint()
        let isClaude = ModelCatalog.provider(ofBareName: model) == .anthropic
        if isClaude, access == .apiKey {
            throw .invalidRequest("model: '\(spec)' is Claude on Vertex AI, which express mode (\(settings.keyVariable)) does not serve; use Google Cloud credentials and \(settings.projectVariable)")
        }
        return RouteTarget(
            provider: isClaude ? .anthropic : .gemini, model: model, channel: channelName, baseURL: baseURL,
            apiKeys: access == .apiKey ? settings.apiKeys : [], keyVariable: access == .apiKey ? settings.keyVariable : "GOOGLE_APPLICATION_CREDENTIALS",
            vertex: access)
    }
}
