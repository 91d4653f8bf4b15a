/// Where a request that declares web search or web fetch is served. The proxy never searches or
/// fetches itself: each target runs the upstream's own search, or the request goes to
/// `WEB_SEARCH_MODEL`, or the client is told plainly what to set.
///
/// - Anthropic, Gemini and the Responses API search natively; only Gemini (and Anthropic) fetch.
/// - OpenAI's own Chat endpoint (`OPENAI_BASE_URL`) searches with its search models; its other
///   models are served through the Responses API beside it, same model and key.
/// - Every other OpenAI-compatible server (DeepSeek, Ollama, a vLLM box) has no search: the
///   request goes to `WEB_SEARCH_MODEL`'s targets instead.
package struct ServerToolRouting: Sendable {
    package enum Need: Sendable, Equatable {
        case webSearch
        case webFetch
    }

    let need: Need
    /// `WEB_SEARCH_MODEL`, as configured.
    let webSearchModel: String?
    /// `OPENAI_BASE_URL`: OpenAI's API root (or a gateway in front of it), which has the
    /// Responses API; `BASE_URL`, channels and ready-made providers are other servers.
    let openAIBaseURL: String

    /// What a request's server tools need of its target: web fetch (the narrower) over web search;
    /// nil when its `tools` declare neither.
    package static func need(ofTools tools: JSONValue?) -> Need? {
        let types = (tools?.arrayValue ?? []).compactMap { $0["type"]?.stringValue }
        if types.contains(where: { $0.hasPrefix("web_fetch_") }) { return .webFetch }
        if types.contains(where: { $0.hasPrefix("web_search_") }) { return .webSearch }
        return nil
    }

    package init(need: Need, webSearchModel: String?, openAIBaseURL: String) {
        self.need = need
        self.webSearchModel = webSearchModel
        self.openAIBaseURL = openAIBaseURL
    }

    /// The targets that serve the request, in order. `webSearchRoutes` resolves
    /// `WEB_SEARCH_MODEL` (it is asked only when some target cannot search).
    package func targets(
        for routes: [RouteTarget], webSearchRoutes: (String) throws(AnthropicError) -> [RouteTarget]
    ) throws(AnthropicError) -> [RouteTarget] {
        var served: [RouteTarget] = []
        var unserved: [RouteTarget] = []
        for route in routes {
            if let target = nativeTarget(for: route) { served.append(target) } else { unserved.append(route) }
        }
        guard let first = unserved.first else { return served }
        if need == .webFetch {
            guard served.isEmpty else { return served }
            throw .invalidRequest(
                "tools: web fetch runs only on Gemini (its URL context) or Anthropic, and this request goes to \(first.qualifiedModel); choose a gemini/ or anthropic/ model for it, or remove the web_fetch tool (the proxy never fetches URLs itself)."
            )
        }
        guard let webSearchModel else {
            guard served.isEmpty else { return served }
            throw .invalidRequest(
                "tools: web search needs a model that searches, and \(first.qualifiedModel) has no search of its own; set WEB_SEARCH_MODEL to one that does (e.g. gemini/gemini-2.5-flash or responses/gpt-4.1) and searches go there, or choose such a model for this request."
            )
        }
        let searchTargets = try webSearchRoutes(webSearchModel).compactMap(nativeTarget(for:))
        guard !searchTargets.isEmpty else {
            throw .invalidRequest(
                "WEB_SEARCH_MODEL (\(webSearchModel)) has no search of its own either; set it to a model that searches natively, e.g. gemini/gemini-2.5-flash or responses/gpt-4.1."
            )
        }
        // The request's own targets that search come first; the search model stands in for the others.
        return served + searchTargets.filter { !served.contains($0) }
    }

    /// Whether the target serves the need by itself.
    package func serves(_ route: RouteTarget) -> Bool {
        nativeTarget(for: route) != nil
    }

    /// The target as it serves the need by itself, or nil when it cannot.
    private func nativeTarget(for route: RouteTarget) -> RouteTarget? {
        switch (route.provider, need) {
        case (.anthropic, _), (.gemini, _), (.openAIResponses, .webSearch):
            return route
        case (.openAI, .webSearch) where route.baseURL == openAIBaseURL && route.channel == nil && route.preset == nil:
            if OpenAISearchModel.matches(route.model) { return route }
            var responses = route
            responses.provider = .openAIResponses
            return responses
        case (.openAI, _), (.openAIResponses, .webFetch):
            return nil
        }
    }
}
