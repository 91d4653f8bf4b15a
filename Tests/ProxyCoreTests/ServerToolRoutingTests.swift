import Testing

@testable import ProxyCore

/// Where requests with web search or web fetch go, per target.
struct ServerToolRoutingTests {
    private let environment = [
        "OPENAI_API_KEY": "sk-test", "GEMINI_API_KEY": "g-test", "DEEPSEEK_API_KEY": "ds-test", "ANTHROPIC_API_KEY": "a-test",
    ]

    private func targets(_ model: String, need: ServerToolRouting.Need = .webSearch, webSearchModel: String? = nil) throws(AnthropicError) -> [RouteTarget] {
        var environment = environment
        environment["WEB_SEARCH_MODEL"] = webSearchModel
        let configuration = try! ProxyConfiguration(environment: environment)
        let router = ModelRouter(configuration: configuration)
        let routing = ServerToolRouting(need: need, webSearchModel: configuration.webSearchModel, openAIBaseURL: configuration.openAIBaseURL)
        return try routing.targets(for: try router.routes(model)) { model throws(AnthropicError) in try router.routes(model) }
    }

    private func refusal(_ model: String, need: ServerToolRouting.Need = .webSearch, webSearchModel: String? = nil) -> AnthropicError? {
        do {
            _ = try targets(model, need: need, webSearchModel: webSearchModel)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: ["gemini/gemini-2.5-flash", "responses/gpt-5", "anthropic/claude-sonnet-4-6"])
    func targetsThatSearchServeTheSearchThemselves(model: String) throws {
        let served = try targets(model)
        #expect(served.count == 1)
        #expect(served[0].qualifiedModel == model)
    }

    @Test func openAIsOwnChatModelsSearchThroughTheResponsesAPIBesideIt() throws {
        let served = try targets("openai/gpt-4.1")
        #expect(served.map(\.provider) == [.openAIResponses])
        #expect(served[0].model == "gpt-4.1")
        #expect(served[0].baseURL == "https://api.openai.com/v1")
        #expect(served[0].keyVariable == "OPENAI_API_KEY")
    }

    @Test func openAIsSearchModelsStayOnChat() throws {
        #expect(try targets("openai/gpt-4o-search-preview").map(\.provider) == [.openAI])
    }

    @Test func aServerWithoutSearchHandsTheSearchToWebSearchModel() throws {
        let served = try targets("deepseek/deepseek-chat", webSearchModel: "gemini/gemini-2.5-flash")
        #expect(served.map(\.qualifiedModel) == ["gemini/gemini-2.5-flash"])
        let viaOpenAI = try targets("deepseek/deepseek-chat", webSearchModel: "openai/gpt-4.1")
        #expect(viaOpenAI.map(\.provider) == [.openAIResponses], "WEB_SEARCH_MODEL on OpenAI's Chat searches through Responses too")
    }

    @Test func withoutWebSearchModelTheClientIsToldWhatToSet() throws {
        let error = try #require(refusal("deepseek/deepseek-chat"))
        #expect(error.status == 400)
        #expect(error.kind == .invalidRequest)
        #expect(error.message.contains("WEB_SEARCH_MODEL"))
        #expect(error.message.contains("deepseek/deepseek-chat has no search of its own"))
    }

    @Test func aWebSearchModelThatCannotSearchIsNamed() throws {
        let error = try #require(refusal("deepseek/deepseek-chat", webSearchModel: "deepseek/deepseek-reasoner"))
        #expect(error.message.hasPrefix("WEB_SEARCH_MODEL (deepseek/deepseek-reasoner) has no search of its own either"))
    }

    @Test func fallbacksThatSearchAreKeptAndTheSearchModelStandsInForTheOthers() throws {
        var environment = environment
        environment["BIG_MODEL"] = "deepseek/deepseek-chat,gemini/gemini-2.5-pro"
        environment["WEB_SEARCH_MODEL"] = "gemini/gemini-2.5-flash"
        let configuration = try ProxyConfiguration(environment: environment)
        let router = ModelRouter(configuration: configuration)
        let routing = ServerToolRouting(need: .webSearch, webSearchModel: configuration.webSearchModel, openAIBaseURL: configuration.openAIBaseURL)
        let served = try routing.targets(for: try router.routes("claude-sonnet-4-6")) { model throws(AnthropicError) in try router.routes(model) }
        #expect(served.map(\.qualifiedModel) == ["gemini/gemini-2.5-pro", "gemini/gemini-2.5-flash"])
    }

    @Test func webFetchRunsOnlyOnGeminiOrAnthropic() throws {
        #expect(try targets("gemini/gemini-2.5-flash", need: .webFetch).map(\.provider) == [.gemini])
        #expect(try targets("anthropic/claude-sonnet-4-6", need: .webFetch).map(\.provider) == [.anthropic])
        for model in ["openai/gpt-4.1", "responses/gpt-5", "deepseek/deepseek-chat"] {
            let error = try #require(refusal(model, need: .webFetch, webSearchModel: "gemini/gemini-2.5-flash"))
            #expect(error.status == 400)
            #expect(error.message.contains("web fetch runs only on Gemini"), "\(model)")
        }
    }
}
