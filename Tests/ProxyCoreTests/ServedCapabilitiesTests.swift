import ProxyCore
import Testing

/// A model list entry's capabilities: what a request naming the model can have through the
/// proxy, by the route such a request gets.
@Suite struct ServedCapabilitiesTests {
    private static let keys = ["OPENAI_API_KEY": "sk-test", "DEEPSEEK_API_KEY": "sk-deep", "GEMINI_API_KEY": "gm-test", "GROQ_API_KEY": "gq-test"]

    private func capabilities(of model: String, _ environment: [String: String]) throws -> ServedCapabilities? {
        let configuration = try ProxyConfiguration(environment: Self.keys.merging(environment) { $1 })
        let catalog = ModelCatalog(configuration: configuration)
        let router = NeedRouter(configuration: configuration, router: ModelRouter(configuration: configuration), catalog: catalog)
        return ServedCapabilities(model: model, router: router, catalog: catalog)
    }

    @Test func theEntryHasEveryKeyTheSDKKnowsInAnthropicsShape() {
        let capabilities = ServedCapabilities(thinks: true, readsImages: false, searchesTheWeb: true, structuredOutputs: false, anthropic: false)
        let yes: JSONValue = ["supported": true]
        let no: JSONValue = ["supported": false]
        #expect(
            capabilities.json == [
                "batch": no, "citations": no, "code_execution": no,
                "context_management": ["supported": true, "clear_thinking_20251015": yes, "clear_tool_uses_20250919": yes, "compact_20260112": yes],
                "effort": ["supported": true, "low": yes, "medium": yes, "high": yes, "xhigh": yes, "max": yes],
                "image_input": no, "pdf_input": no,
                "server_tools": ["supported": true, "code_execution": no, "web_search": yes],
                "structured_outputs": no,
                "thinking": ["supported": true, "types": ["adaptive": yes, "between_tools": yes, "disabled": yes, "enabled": yes]],
            ])
        let anthropic = ServedCapabilities(thinks: false, readsImages: true, searchesTheWeb: false, structuredOutputs: true, anthropic: true).json
        #expect(anthropic["server_tools"] == ["supported": true, "code_execution": yes, "web_search": no], "code execution alone makes server tools")
        #expect(anthropic["citations"] == yes)
        #expect(anthropic["effort"]?["max"] == no)
    }

    @Test func anOpenAIChatModelReadsImagesAndSearchesThroughTheResponsesAPIButDoesNotThink() throws {
        #expect(
            try capabilities(of: "claude-sonnet-4-6", ["BIG_MODEL": "openai/gpt-4.1"])
                == ServedCapabilities(thinks: false, readsImages: true, searchesTheWeb: true, structuredOutputs: true, anthropic: false))
        #expect(try capabilities(of: "claude-sonnet-4-6", ["BIG_MODEL": "openai/o3"])?.thinks == true, "a reasoning model takes effort")
    }

    @Test func whatAModelLacksARouteByNeedSupplies() throws {
        let deepseek = ["SMALL_MODEL": "deepseek/deepseek-chat"]
        #expect(
            try capabilities(of: "claude-haiku-4-5", deepseek)
                == ServedCapabilities(thinks: false, readsImages: false, searchesTheWeb: false, structuredOutputs: false, anthropic: false))
        let routes = deepseek.merging(["IMAGE_MODEL": "openai/gpt-4.1", "WEB_SEARCH_MODEL": "gemini/gemini-2.5-flash", "THINK_MODEL": "gemini/gemini-2.5-pro"]) { $1 }
        #expect(
            try capabilities(of: "claude-haiku-4-5", routes)
                == ServedCapabilities(thinks: true, readsImages: true, searchesTheWeb: true, structuredOutputs: false, anthropic: false))
        #expect(try capabilities(of: "claude-haiku-4-5", deepseek.merging(["THINK_MODEL": "openai/gpt-4.1"]) { $1 })?.thinks == false, "a think route to a model that does not")
    }

    @Test func geminiThinksFromTwoPointFiveAndAPresetThatDropsEffortDoesNot() throws {
        #expect(try capabilities(of: "claude-sonnet-4-6", ["BIG_MODEL": "gemini/gemini-2.5-pro"])?.thinks == true)
        #expect(try capabilities(of: "claude-sonnet-4-6", ["BIG_MODEL": "gemini/gemini-3-flash-preview"])?.thinks == true)
        #expect(try capabilities(of: "claude-sonnet-4-6", ["BIG_MODEL": "gemini/gemini-2.0-flash"])?.thinks == false)
        #expect(try capabilities(of: "claude-sonnet-4-6", ["BIG_MODEL": "groq/o3"])?.thinks == false, "Groq is not sent reasoning_effort")
    }

    @Test func anthropicRunsItsOwnTools() throws {
        let served = try #require(try capabilities(of: "claude-sonnet-4-6", ["BIG_MODEL": "anthropic/claude-sonnet-4-6"]))
        #expect(served == ServedCapabilities(thinks: true, readsImages: true, searchesTheWeb: true, structuredOutputs: true, anthropic: true))
    }

    @Test func aModelThatRoutesNowhereHasNone() throws {
        let configuration = try ProxyConfiguration(environment: ["GEMINI_API_KEY": "gm-test", "BIG_MODEL": "gemini/gemini-2.5-pro", "SMALL_MODEL": "gpt-4.1-mini"])
        let catalog = ModelCatalog(configuration: configuration)
        let router = NeedRouter(configuration: configuration, router: ModelRouter(configuration: configuration), catalog: catalog)
        #expect(ServedCapabilities(model: "claude-haiku-4-5", router: router, catalog: catalog) == nil, "haiku maps to OpenAI, which has no key")
        #expect(ServedCapabilities(model: "claude-sonnet-4-6", router: router, catalog: catalog)?.thinks == true)
    }
}
