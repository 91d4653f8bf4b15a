import ProxyCore
import Testing

/// A request that declares a web search, sent to one of OpenAI's search models, asks for the search
/// with `web_search_options` and leaves out what those models refuse; other models get nothing new.
@Suite struct OpenAIChatSearchRequestTests {
    private static let searchTool: JSONValue = ["type": "web_search_20250305", "name": "web_search", "max_uses": 5]

    private func translate(_ fields: JSONObject, model: String = "gpt-4o-search-preview") throws -> JSONValue {
        var body: JSONObject = ["model": "claude-sonnet-4-5", "max_tokens": 1_024, "messages": [["role": "user", "content": "Swift 6.3 news?"]]]
        for member in fields.members { body[member.key] = member.value }
        return try OpenAIChatRequestTranslator(model: model, profile: ModelCatalog().profile(for: model)).translate(MessagesRequest(json: .object(body)))
    }

    @Test(arguments: [
        ("gpt-4o-search-preview", true), ("gpt-4o-mini-search-preview", true), ("gpt-4o-search-preview-2025-03-11", true), ("gpt-5-search-api", true),
        ("openai/gpt-4o-mini-search-preview", true), ("GPT-5-SEARCH-API-2025-10-14", true), ("gpt-4o", false), ("gpt-5", false),
        ("search-model", false), ("deep-research-search", false),
    ])
    func searchModelsAreKnownByName(model: String, isSearchModel: Bool) {
        #expect(OpenAISearchModel.matches(model) == isSearchModel)
    }

    @Test func claudeCodesWebSearchRequestTranslatesToItsGoldenBody() throws {
        let request = try MessagesRequest(json: try Fixture.claudeCodeRequest("web-search-request"))
        let model = "gpt-4o-search-preview"
        let translated = try OpenAIChatRequestTranslator(model: model, profile: ModelCatalog().profile(for: model)).translate(request)
        let golden = try Fixture.golden("web-search-request.openai-chat-search.json")
        #expect(translated == golden, "\(firstDifference(translated, golden) ?? "")")
    }

    @Test func theUsersLocationBecomesAnApproximateLocation() throws {
        var tool = try #require(Self.searchTool.objectValue)
        tool["user_location"] = ["type": "approximate", "city": "Oslo", "region": "Oslo", "country": "NO", "timezone": "Europe/Oslo"]
        let body = try translate(["tools": [.object(tool)]])
        #expect(
            body["web_search_options"] == [
                "user_location": ["type": "approximate", "approximate": ["city": "Oslo", "country": "NO", "region": "Oslo", "timezone": "Europe/Oslo"]]
            ])
    }

    @Test func aPartialLocationSendsOnlyWhatItHas() throws {
        var tool = try #require(Self.searchTool.objectValue)
        tool["user_location"] = ["type": "approximate", "country": "GB", "city": nil]
        let body = try translate(["tools": [.object(tool)]])
        #expect(body["web_search_options"] == ["user_location": ["type": "approximate", "approximate": ["country": "GB"]]])
    }

    @Test func withoutALocationTheOptionsAreEmptyAndNoToolIsListed() throws {
        let body = try translate(["tools": [Self.searchTool], "tool_choice": ["type": "auto"]])
        #expect(body["web_search_options"] == [:])
        #expect(body["tools"] == nil)
        #expect(body["tool_choice"] == nil)
    }

    @Test func samplingParametersAreLeftOutForSearchModelsEvenWithoutASearch() throws {
        for fields: JSONObject in [["temperature": 0.2, "top_p": 0.9], ["temperature": 0.2, "top_p": 0.9, "tools": [Self.searchTool]]] {
            let body = try translate(fields)
            #expect(body["temperature"] == nil)
            #expect(body["top_p"] == nil)
            #expect(body["max_tokens"] == 1_024)
        }
        let plain = try translate(["temperature": 0.2, "top_p": 0.9], model: "gpt-4o")
        #expect(plain["temperature"] == 0.2)
        #expect(plain["top_p"] == 0.9)
    }

    @Test func gpt5SearchAPIGetsNoReasoningEffort() throws {
        let body = try translate(["tools": [Self.searchTool], "thinking": ["type": "adaptive"]], model: "gpt-5-search-api")
        #expect(body["reasoning_effort"] == nil)
        #expect(body["web_search_options"] == [:])
    }

    @Test func aSearchModelWithoutADeclaredSearchGetsNoSearchOptions() throws {
        #expect(try translate([:])["web_search_options"] == nil)
    }

    @Test func otherModelsGetNoSearchOptions() throws {
        let body = try translate(["tools": [Self.searchTool]], model: "gpt-4.1")
        #expect(body["web_search_options"] == nil)
        #expect(body["tools"] == nil)
    }

    @Test func clientToolsForASearchModelAreRefusedWithA400() throws {
        let tools: JSONValue = [Self.searchTool, ["name": "Bash", "input_schema": ["type": "object"]]]
        let error = #expect(throws: AnthropicError.self) { try translate(["tools": tools]) }
        #expect(error?.status == 400)
        #expect(
            error?.message
                == "tools: 'gpt-4o-search-preview' is an OpenAI search model, which cannot call tools; route requests with tools to another model")
    }
}
