/// What a request naming a model can have of it through this proxy, in the shape of the
/// `capabilities` of Anthropic's model list (every key present, each `{"supported": Bool}`).
///
/// Each answer is that of the route a request with the need gets, routing by need included: an
/// image for a model that cannot read it is still served when `IMAGE_MODEL` takes it, thinking
/// when `THINK_MODEL` does, a web search when the target or `WEB_SEARCH_MODEL` searches. What the
/// proxy itself does for every backend (context editing, compaction, structured outputs) is
/// supported everywhere; what only Anthropic runs (citations of documents, code execution) only
/// on an Anthropic target; batches nowhere, as the proxy serves no batch endpoint.
package struct ServedCapabilities: Sendable, Equatable {
    package var thinks: Bool
    package var readsImages: Bool
    package var searchesTheWeb: Bool
    package var structuredOutputs: Bool
    /// Served by Anthropic (directly or on Vertex AI), which runs its own tools.
    package var anthropic: Bool

    package init(thinks: Bool, readsImages: Bool, searchesTheWeb: Bool, structuredOutputs: Bool, anthropic: Bool) {
        self.thinks = thinks
        self.readsImages = readsImages
        self.searchesTheWeb = searchesTheWeb
        self.structuredOutputs = structuredOutputs
        self.anthropic = anthropic
    }

    /// The capabilities of `model` as `router` routes it; nil when the model is not served.
    package init?(model: String, router: NeedRouter, catalog: ModelCatalog) {
        guard let plain = try? router.choose(model: model, signals: RouteSignals()).targets.first else { return nil }
        let thinking = try? router.choose(model: model, signals: RouteSignals(thinking: "thinking enabled")).targets.first
        self.init(
            thinks: thinking.map { Self.thinks($0, catalog: catalog) } ?? false,
            readsImages: (try? router.choose(model: model, signals: RouteSignals(carriesImages: { true }))) != nil,
            searchesTheWeb: (try? router.choose(model: model, signals: RouteSignals(serverToolNeed: .webSearch))) != nil,
            structuredOutputs: plain.provider != .openAI || plain.preset?.chat.takesJSONSchema != false,
            anthropic: plain.provider == .anthropic)
    }

    /// Whether the target's model reasons in a way a request can ask for: Claude, a Gemini family
    /// that takes thinking settings, an OpenAI reasoning model where `reasoning_effort` is sent.
    private static func thinks(_ target: RouteTarget, catalog: ModelCatalog) -> Bool {
        switch target.provider {
        case .anthropic:
            return true
        case .gemini:
            return GeminiModelFamily(model: target.model).thinking != .none
        case .openAI, .openAIResponses:
            let takesEffort = target.preset?.chat.omittedParameters.contains("reasoning_effort") != true
            return takesEffort && catalog.profile(for: target.model, preset: target.preset).isOpenAIReasoningModel
        }
    }

    /// The `capabilities` object of a model list entry.
    package var json: JSONValue {
        func support(_ supported: Bool) -> JSONValue { ["supported": .bool(supported)] }
        return [
            "batch": support(false),
            "citations": support(anthropic),
            "code_execution": support(anthropic),
            "context_management": [
                "supported": true, "clear_thinking_20251015": support(true), "clear_tool_uses_20250919": support(true), "compact_20260112": support(true),
            ],
            "effort": [
                "supported": .bool(thinks), "low": support(thinks), "medium": support(thinks), "high": support(thinks), "xhigh": support(thinks),
                "max": support(thinks),
            ],
            "image_input": support(readsImages),
            "pdf_input": support(readsImages),
            "server_tools": ["supported": .bool(searchesTheWeb || anthropic), "code_execution": support(anthropic), "web_search": support(searchesTheWeb)],
            "structured_outputs": support(structuredOutputs),
            // Every thinking type is accepted for every model: each is carried out as far as the
            // model goes, never refused.
            "thinking": [
                "supported": .bool(thinks),
                "types": ["adaptive": support(true), "between_tools": support(true), "disabled": support(true), "enabled": support(true)],
            ],
        ]
    }
}
