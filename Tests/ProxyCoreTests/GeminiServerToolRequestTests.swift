import ProxyCore
import Testing

/// Anthropic's web search and fetch become Gemini's Google Search and URL context, in the tool mix
/// each model takes, and structured outputs become Gemini's JSON response schema.
@Suite struct GeminiServerToolRequestTests {
    private static let bash: JSONValue = [
        "name": "Bash", "input_schema": ["type": "object", "properties": ["command": ["type": "string"]], "required": ["command"]],
    ]
    private static let search: JSONValue = ["type": "web_search_20250305", "name": "web_search", "max_uses": 3]
    private static let fetch: JSONValue = ["type": "web_fetch_20250910", "name": "web_fetch"]

    private func translate(_ extra: JSONObject, model: String) throws -> JSONValue {
        var body: JSONObject = ["model": "claude-sonnet-4-5", "max_tokens": 1_024, "messages": [["role": "user", "content": "What is new in Swift 6.3?"]]]
        for member in extra.members { body[member.key] = member.value }
        return try GeminiRequestTranslator(model: model, profile: ModelCatalog().profile(for: model)).translate(MessagesRequest(json: .object(body)))
    }

    @Test func claudeCodesWebSearchRequestTranslatesToItsGoldenBody() throws {
        let request = try MessagesRequest(json: try Fixture.claudeCodeRequest("web-search-request"))
        let translated = try GeminiRequestTranslator(model: "gemini-3-pro-preview", profile: ModelCatalog().profile(for: "gemini-3-pro-preview")).translate(request)
        let golden = try Fixture.golden("web-search-request.gemini-3-pro.json")
        #expect(translated == golden, "\(firstDifference(translated, golden) ?? "")")
    }

    @Test(arguments: ["gemini-3-pro-preview", "gemini-2.5-flash", "gemini-2.0-flash"])
    func aSearchAloneIsGoogleSearchOnEveryModel(model: String) throws {
        let body = try translate(["tools": [Self.search], "tool_choice": ["type": "auto"]], model: model)
        #expect(body["tools"] == [["googleSearch": [:]]])
        #expect(body["toolConfig"] == nil, "no function calling config without declarations")
    }

    @Test func aFetchIsURLContextAfterTheSearch() throws {
        let body = try translate(["tools": [Self.fetch, Self.search]], model: "gemini-2.5-pro")
        #expect(body["tools"] == [["googleSearch": [:]], ["urlContext": [:]]])
    }

    @Test func gemini3TakesTheSearchBesideTheFunctionsAndReportsItsOwnCalls() throws {
        let body = try translate(["tools": [Self.bash, Self.search, Self.fetch], "tool_choice": ["type": "any"]], model: "gemini-3-flash-preview")
        #expect(
            body["tools"] == [
                [
                    "functionDeclarations": [
                        [
                            "name": "Bash",
                            "parametersJsonSchema": ["type": "object", "properties": ["command": ["type": "string"]], "required": ["command"]],
                        ]
                    ]
                ],
                ["googleSearch": [:]], ["urlContext": [:]],
            ])
        #expect(body["toolConfig"] == ["functionCallingConfig": ["mode": "ANY"], "includeServerSideToolInvocations": true])
    }

    @Test(arguments: ["gemini-2.5-pro", "gemini-2.0-flash"])
    func earlierModelsGetTheSearchAloneWhenTheRequestAlsoHasFunctions(model: String) throws {
        let body = try translate(["tools": [Self.bash, Self.search], "tool_choice": ["type": "tool", "name": "Bash"]], model: model)
        #expect(body["tools"] == [["googleSearch": [:]]])
        #expect(body["toolConfig"] == nil)
    }

    @Test func functionsAloneAskForNoServerSideInvocations() throws {
        let body = try translate(["tools": [Self.bash]], model: "gemini-3-pro-preview")
        #expect(body["tools"]?[0]?["functionDeclarations"] != nil)
        #expect(body["tools"]?.arrayValue?.count == 1)
        #expect(body["toolConfig"] == nil)
    }

    @Test func toolChoiceNoneSendsNoSearch() throws {
        let body = try translate(["tools": [Self.bash, Self.search], "tool_choice": ["type": "none"]], model: "gemini-2.5-pro")
        #expect(body["tools"]?.arrayValue?.map { $0.objectValue?.keys ?? [] } == [["functionDeclarations"]])
        #expect(body["toolConfig"] == ["functionCallingConfig": ["mode": "NONE"]])
    }

    @Test func countTokensCountsTheSearchTool() throws {
        let request = try MessagesRequest(json: try Fixture.claudeCodeRequest("web-search-request"))
        let body = try GeminiRequestTranslator(model: "gemini-2.5-flash", profile: ModelCatalog().profile(for: "gemini-2.5-flash")).countTokensBody(request)
        #expect(body["generateContentRequest"]?["tools"] == [["googleSearch": [:]]])
    }

    // MARK: - Structured outputs

    private static let schema: JSONValue = [
        "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
        "properties": ["version": ["type": "string"], "date": ["type": ["string", "null"], "format": "date"]], "required": ["version", "date"],
        "additionalProperties": false,
    ]

    @Test(arguments: ["gemini-3-pro-preview", "gemini-2.5-flash"])
    func structuredOutputsAskForJSONWithTheJSONSchema(model: String) throws {
        let config = try translate(["output_config": ["format": ["type": "json_schema", "schema": Self.schema]]], model: model)["generationConfig"]
        #expect(config?["responseMimeType"] == "application/json")
        #expect(
            config?["responseJsonSchema"] == [
                "type": "object", "properties": ["version": ["type": "string"], "date": ["type": ["string", "null"], "format": "date"]],
                "required": ["version", "date"], "additionalProperties": false,
            ])
        #expect(config?["responseSchema"] == nil)
    }

    @Test func olderModelsGetTheSchemaInTheOpenAPISubset() throws {
        let config = try translate(["output_format": ["type": "json_schema", "schema": Self.schema]], model: "gemini-2.0-flash")["generationConfig"]
        #expect(
            config == [
                "maxOutputTokens": 1_024, "responseMimeType": "application/json",
                "responseSchema": [
                    "type": "object",
                    "properties": [
                        "version": ["type": "string"], "date": ["type": "string", "nullable": true, "description": "Format: date."],
                    ],
                    "required": ["version", "date"], "description": "No properties other than those listed.",
                ],
            ])
    }

    @Test func aSchemaTheSubsetCannotHoldAsksForJSONOnly() throws {
        let config = try translate(["output_format": ["type": "json_schema", "schema": ["type": "object"]]], model: "gemini-2.0-flash")["generationConfig"]
        #expect(config == ["maxOutputTokens": 1_024, "responseMimeType": "application/json"])
    }
}
