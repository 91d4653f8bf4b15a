import ProxyCore
import Testing

/// A structured-output schema reaches Chat Completions as `response_format`: strict only when the
/// schema already meets strict mode's rules, named by its title when that is a valid name; servers
/// that take only `json_object` get the schema in the system prompt instead.
@Suite struct OpenAIChatStructuredOutputTests {
    private static let gpt41 = ModelProfile(maxOutputTokens: 32_768, contextWindow: 1_047_576)

    /// A schema strict mode takes as written: closed, every property required.
    private static let closedSchema: JSONValue = [
        "type": "object", "title": "weather_report",
        "properties": ["city": ["type": "string"], "celsius": ["type": "number"]],
        "required": ["city", "celsius"], "additionalProperties": false,
    ]

    /// A schema with an optional field: strict mode would make it required.
    private static let openSchema: JSONValue = [
        "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
        "properties": ["city": ["type": "string"], "note": ["type": "string"]], "required": ["city"],
    ]

    private func translate(_ fields: JSONObject, options: OpenAIChatOptions = .standard) throws -> JSONValue {
        var body: JSONObject = ["model": "claude-sonnet-4-5", "max_tokens": 1_024, "messages": [["role": "user", "content": "Weather in Oslo?"]]]
        for member in fields.members { body[member.key] = member.value }
        return try OpenAIChatRequestTranslator(model: "gpt-4.1", profile: Self.gpt41, options: options).translate(MessagesRequest(json: .object(body)))
    }

    private func outputConfig(_ schema: JSONValue) -> JSONObject {
        ["output_config": ["format": ["type": "json_schema", "schema": schema]]]
    }

    @Test func aSchemaThatMeetsStrictModeIsSentStrictUnderItsTitle() throws {
        let body = try translate(outputConfig(Self.closedSchema))
        #expect(body["response_format"] == ["type": "json_schema", "json_schema": ["name": "weather_report", "schema": Self.closedSchema, "strict": true]])
    }

    @Test func aSchemaWithOptionalFieldsIsSentAsWrittenWithoutStrictAndWithoutItsDialect() throws {
        let body = try translate(outputConfig(Self.openSchema))
        let expectedSchema: JSONValue = ["type": "object", "properties": ["city": ["type": "string"], "note": ["type": "string"]], "required": ["city"]]
        #expect(body["response_format"] == ["type": "json_schema", "json_schema": ["name": "response", "schema": expectedSchema, "strict": false]])
    }

    @Test(arguments: [
        ("Weather", "Weather"), ("weather-report_2", "weather-report_2"), (String(repeating: "a", count: 64), String(repeating: "a", count: 64)),
        (String(repeating: "a", count: 65), "response"), ("Weather report", "response"), ("météo", "response"), ("", "response"),
    ])
    func theNameIsTheTitleOnlyWhenOpenAITakesItAsAName(title: String, name: String) throws {
        var schema = try #require(Self.closedSchema.objectValue)
        schema["title"] = .string(title)
        let body = try translate(outputConfig(.object(schema)))
        #expect(body["response_format"]?["json_schema"]?["name"] == .string(name))
    }

    @Test func theOlderTopLevelOutputFormatIsReadToo() throws {
        let body = try translate(["output_format": ["type": "json_schema", "schema": Self.closedSchema]])
        #expect(body["response_format"]?["json_schema"]?["schema"] == Self.closedSchema)
    }

    @Test func noSchemaNoResponseFormat() throws {
        #expect(try translate([:])["response_format"] == nil)
    }

    // MARK: - Servers that take only json_object

    @Test func deepSeekGetsJSONObjectAndTheSchemaAfterItsSystemPrompt() throws {
        let deepSeek = try #require(ProviderPreset.named("deepseek")).chat
        #expect(!deepSeek.takesJSONSchema)
        let body = try translate(outputConfig(Self.openSchema).merging(["system": "You are terse."]), options: deepSeek)
        #expect(body["response_format"] == ["type": "json_object"])
        let instruction =
            #"Reply with a single JSON object, and nothing else, that follows this JSON schema:"# + "\n"
            + #"{"type":"object","properties":{"city":{"type":"string"},"note":{"type":"string"}},"required":["city"]}"#
        #expect(body["messages"] == [["role": "system", "content": .string("You are terse.\n\n" + instruction)], ["role": "user", "content": "Weather in Oslo?"]])
    }

    @Test func withoutASystemPromptTheSchemaIsTheSystemMessage() throws {
        let body = try translate(outputConfig(Self.closedSchema), options: OpenAIChatOptions(takesJSONSchema: false))
        let system = try #require(body["messages"]?[0])
        #expect(system["role"] == "system")
        #expect(system["content"]?.stringValue?.hasPrefix("Reply with a single JSON object") == true)
        #expect(system["content"]?.stringValue?.hasSuffix(JSONWriter.string(Self.closedSchema)) == true)
    }

    @Test func deepSeekWithoutASchemaKeepsItsSystemPromptAsIs() throws {
        let body = try translate(["system": "You are terse."], options: OpenAIChatOptions(takesJSONSchema: false))
        #expect(body["response_format"] == nil)
        #expect(body["messages"]?[0] == ["role": "system", "content": "You are terse."])
    }
}

extension JSONObject {
    /// This object with `other`'s members added (or replacing its own).
    fileprivate func merging(_ other: JSONObject) -> JSONObject {
        var merged = self
        for member in other.members { merged[member.key] = member.value }
        return merged
    }
}
