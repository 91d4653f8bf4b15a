import ProxyCore
import Testing

/// Anthropic Messages requests become exactly the Responses API bodies OpenAI accepts: instructions,
/// input items in order, function tools, and the encrypted reasoning of earlier turns sent back.
@Suite struct OpenAIResponsesRequestTranslatorTests {
    private static let gpt5 = ModelProfile(maxOutputTokens: 128_000, contextWindow: 400_000, isOpenAIReasoningModel: true)
    private static let gpt41 = ModelProfile(maxOutputTokens: 32_768, contextWindow: 1_047_576)

    private func request(_ messages: JSONValue, _ extra: JSONObject = [:]) -> JSONValue {
        var body: JSONObject = ["model": "claude-sonnet-4-5", "max_tokens": 1_024, "messages": messages]
        for member in extra.members { body[member.key] = member.value }
        return .object(body)
    }

    private func translate(_ body: JSONValue, model: String = "gpt-5", profile: ModelProfile = gpt5) throws -> JSONValue {
        try OpenAIResponsesRequestTranslator(model: model, profile: profile).translate(MessagesRequest(json: body))
    }

    private func input(_ messages: JSONValue, _ extra: JSONObject = [:], profile: ModelProfile = gpt5) throws -> JSONValue? {
        try translate(request(messages, extra), profile: profile)["input"]
    }

    private func rejection(_ body: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) -> AnthropicError? {
        #expect(throws: AnthropicError.self, sourceLocation: sourceLocation) { try translate(body) }
    }

    private static func signature(_ encrypted: String, model: String = "gpt-5") -> JSONValue {
        .string(OpenAIResponsesReasoningSignature.signature(model: model, encryptedContent: encrypted))
    }

    // MARK: - Recorded Claude Code requests

    @Test(arguments: ["first-turn", "tool-result-turn", "parallel-tool-results-turn", "web-search-request"])
    func claudeCodeRequestTranslatesToItsGoldenBody(fixture: String) throws {
        let body = try Fixture.claudeCodeRequest(fixture)
        let translated = try translate(body, profile: ModelCatalog().profile(for: "gpt-5"))
        let golden = try Fixture.golden("\(fixture).openai-responses.json")
        #expect(translated == golden, "\(firstDifference(translated, golden) ?? "")")
    }

    // MARK: - Top-level fields

    @Test func aPlainRequestHasExactlyTheseFields() throws {
        let body = try translate(request([["role": "user", "content": "Hi"]], ["system": "You are terse.", "stream": true]))
        #expect(
            body == [
                "model": "gpt-5", "instructions": "You are terse.",
                "input": [["type": "message", "role": "user", "content": [["type": "input_text", "text": "Hi"]]]],
                "max_output_tokens": 1_024, "include": ["reasoning.encrypted_content"], "store": false, "stream": true,
            ])
    }

    @Test func systemTextBlocksJoinIntoTheInstructions() throws {
        let system: JSONValue = [["type": "text", "text": "You are Claude Code."], ["type": "text", "text": "Be concise.", "cache_control": ["type": "ephemeral"]]]
        #expect(try translate(request([["role": "user", "content": "Hi"]], ["system": system]))["instructions"] == "You are Claude Code.\n\nBe concise.")
    }

    @Test func systemRoleMessagesKeepTheirPlaceAsDeveloperOrSystemMessages() throws {
        let messages: JSONValue = [["role": "user", "content": "Hi"], ["role": "system", "content": "Working directory: /tmp"]]
        #expect(try input(messages)?[1] == ["type": "message", "role": "developer", "content": [["type": "input_text", "text": "Working directory: /tmp"]]])
        #expect(try input(messages, profile: Self.gpt41)?[1] == ["type": "message", "role": "system", "content": [["type": "input_text", "text": "Working directory: /tmp"]]])
    }

    @Test func maxTokensIsClampedToTheModelsCeiling() throws {
        let body = request([["role": "user", "content": "Hi"]], ["max_tokens": 128_000])
        #expect(try translate(body, profile: Self.gpt41)["max_output_tokens"] == 32_768)
        #expect(try translate(body)["max_output_tokens"] == 128_000)
    }

    @Test func stopSequencesAreLeftToTheProxyBecauseTheAPIHasNone() throws {
        let body = request([["role": "user", "content": "Hi"]], ["stop_sequences": ["END"]])
        #expect(try translate(body) == translate(request([["role": "user", "content": "Hi"]])))
        let target = RouteTarget(provider: .openAIResponses, model: "gpt-5", baseURL: "https://api.openai.com/v1", apiKeys: ["k"], keyVariable: "OPENAI_API_KEY")
        #expect(OpenAIResponsesAdapter(request: try MessagesRequest(json: body), target: target, catalog: ModelCatalog()).stopSequencesLeftToTheProxy == ["END"])
    }

    @Test func anthropicOnlyFieldsNeverReachTheUpstream() throws {
        let body = try translate(
            request(
                [["role": "user", "content": "Hi"]],
                ["metadata": ["user_id": "u"], "context_management": ["edits": []], "top_k": 5, "output_config": ["effort": "low"]]))
        #expect(Set(body.objectValue?.keys ?? []) == ["model", "input", "max_output_tokens", "reasoning", "include", "store"])
    }

    // MARK: - Reasoning

    /// (request fields, the `reasoning` sent)
    static let efforts: [(JSONObject, JSONValue?)] = [
        (["thinking": ["type": "adaptive"]], ["effort": "medium", "summary": "auto"]),
        (["thinking": ["type": "enabled", "budget_tokens": 2_048]], ["effort": "low", "summary": "auto"]),
        (["thinking": ["type": "enabled", "budget_tokens": 32_000]], ["effort": "high", "summary": "auto"]),
        (["thinking": ["type": "adaptive"], "output_config": ["effort": "max"]], ["effort": "high", "summary": "auto"]),
        (["output_config": ["effort": "low"]], ["effort": "low"]),
        ([:], nil),
    ]

    @Test(arguments: efforts)
    func effortComesFromOutputConfigOrTheThinkingBudgetAndSummariesFromAskingForThinking(extra: JSONObject, reasoning: JSONValue?) throws {
        let body = try translate(request([["role": "user", "content": "Hi"]], extra))
        #expect(body["reasoning"] == reasoning)
        #expect(body["include"] == ["reasoning.encrypted_content"])
    }

    @Test func modelsThatDoNotReasonGetSamplingParametersAndNoReasoningFields() throws {
        let extra: JSONObject = ["thinking": ["type": "adaptive"], "temperature": 0.2, "top_p": 0.9]
        let plain = try translate(request([["role": "user", "content": "Hi"]], extra), model: "gpt-4.1", profile: Self.gpt41)
        #expect(plain["reasoning"] == nil)
        #expect(plain["include"] == nil)
        #expect(plain["temperature"] == 0.2)
        #expect(plain["top_p"] == 0.9)
        let reasoning = try translate(request([["role": "user", "content": "Hi"]], extra))
        #expect(reasoning["temperature"] == nil)
        #expect(reasoning["top_p"] == nil)
    }

    @Test func thinkingThisModelWroteGoesBackAsAReasoningItemBeforeWhatItLedTo() throws {
        let items = try input([
            ["role": "user", "content": "List the files."],
            [
                "role": "assistant",
                "content": [
                    ["type": "thinking", "thinking": "I should run ls.", "signature": Self.signature("gAAAA-enc-1")],
                    ["type": "text", "text": "Listing."],
                    ["type": "thinking", "thinking": "", "signature": Self.signature("gAAAA-enc-2")],
                    ["type": "tool_use", "id": "call_1", "name": "Bash", "input": ["command": "ls"]],
                ],
            ],
            ["role": "user", "content": [["type": "tool_result", "tool_use_id": "call_1", "content": "a.txt"]]],
        ])
        #expect(
            items == [
                ["type": "message", "role": "user", "content": [["type": "input_text", "text": "List the files."]]],
                ["type": "reasoning", "summary": [["type": "summary_text", "text": "I should run ls."]], "encrypted_content": "gAAAA-enc-1"],
                ["type": "message", "role": "assistant", "content": [["type": "output_text", "text": "Listing."]]],
                ["type": "reasoning", "summary": [], "encrypted_content": "gAAAA-enc-2"],
                ["type": "function_call", "call_id": "call_1", "name": "Bash", "arguments": #"{"command":"ls"}"#],
                ["type": "function_call_output", "call_id": "call_1", "output": "a.txt"],
            ])
    }

    @Test func thinkingFromAnotherModelOrProviderIsLeftOut() throws {
        let items = try input([
            ["role": "user", "content": "Hi"],
            [
                "role": "assistant",
                "content": [
                    ["type": "thinking", "thinking": "Claude's own.", "signature": "EqQBCkYIBxgCKkB"],
                    ["type": "thinking", "thinking": "Gemini's.", "signature": "gemini:CiQB"],
                    ["type": "thinking", "thinking": "o3's.", "signature": Self.signature("enc-o3", model: "o3")],
                    ["type": "thinking", "thinking": "A Chat Completions server's.", "signature": ""],
                    ["type": "redacted_thinking", "data": "opaque"],
                    ["type": "text", "text": "Hello."],
                ],
            ],
        ])
        #expect(items?[1] == ["type": "message", "role": "assistant", "content": [["type": "output_text", "text": "Hello."]]])
        #expect(items?.arrayValue?.count == 2)
    }

    @Test func reasoningThatEndsATurnIsLeftOutAsItLedToNothing() throws {
        let items = try input([
            ["role": "user", "content": "Hi"],
            ["role": "assistant", "content": [["type": "thinking", "thinking": "Cut off while", "signature": Self.signature("enc-cut")]]],
            ["role": "user", "content": "Go on."],
        ])
        #expect(items?.arrayValue?.count == 2)
        #expect(items?[1]?["role"] == "user")
    }

    // MARK: - Content

    @Test func imagesAndPDFsBecomeInputImageAndInputFileParts() throws {
        let items = try input([
            [
                "role": "user",
                "content": [
                    ["type": "image", "source": ["type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="]],
                    ["type": "image", "source": ["type": "url", "url": "https://example.com/cat.jpg"]],
                    ["type": "document", "source": ["type": "base64", "media_type": "application/pdf", "data": "JVBERi0xLjQ="], "title": "report.pdf"],
                    ["type": "document", "source": ["type": "url", "url": "https://example.com/a.pdf"]],
                    ["type": "document", "source": ["type": "text", "media_type": "text/plain", "data": "Line one."], "title": "notes.txt"],
                    ["type": "text", "text": "What are these?"],
                ],
            ]
        ])
        #expect(
            items?[0]?["content"] == [
                ["type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo=", "detail": "auto"],
                ["type": "input_image", "image_url": "https://example.com/cat.jpg", "detail": "auto"],
                ["type": "input_file", "filename": "report.pdf", "file_data": "data:application/pdf;base64,JVBERi0xLjQ="],
                ["type": "input_file", "file_url": "https://example.com/a.pdf"],
                ["type": "input_text", "text": "notes.txt\n\nLine one."],
                ["type": "input_text", "text": "What are these?"],
            ])
    }

    @Test func documentsThatAreNotPDFsAreRefusedNamingTheBlock() {
        let error = rejection(
            request([["role": "user", "content": [["type": "document", "source": ["type": "base64", "media_type": "text/csv", "data": "YSxiCg=="]]]]]))
        #expect(error?.message == "messages.0.content.0.source.media_type: 'text/csv' documents cannot be sent to the OpenAI Responses API; only application/pdf")
    }

    // MARK: - Tools

    @Test func toolResultsBecomeFunctionCallOutputsFollowedByTheRestOfTheTurn() throws {
        let items = try input([
            ["role": "user", "content": "Run both."],
            [
                "role": "assistant",
                "content": [
                    ["type": "tool_use", "id": "call_a", "name": "Bash", "input": ["command": "false"]],
                    ["type": "tool_use", "id": "call_b", "name": "Read", "input": ["file_path": "/tmp/shot.png"]],
                ],
            ],
            [
                "role": "user",
                "content": [
                    ["type": "text", "text": "Both done."],
                    ["type": "tool_result", "tool_use_id": "call_a", "content": "exit 1", "is_error": true],
                    [
                        "type": "tool_result", "tool_use_id": "call_b",
                        "content": [
                            ["type": "text", "text": "The screenshot:"],
                            ["type": "image", "source": ["type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="]],
                        ],
                    ],
                ],
            ],
        ])
        #expect(
            items?.arrayValue?.suffix(3) == [
                ["type": "function_call_output", "call_id": "call_a", "output": "Error: exit 1"],
                [
                    "type": "function_call_output", "call_id": "call_b",
                    "output": [
                        ["type": "input_text", "text": "The screenshot:"],
                        ["type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo=", "detail": "auto"],
                    ],
                ],
                ["type": "message", "role": "user", "content": [["type": "input_text", "text": "Both done."]]],
            ])
    }

    @Test func toolsAreNonStrictFunctionsWithoutSchemaDialectAndValidNames() throws {
        let body = try translate(
            request(
                [["role": "user", "content": "Hi"]],
                [
                    "tools": [
                        [
                            "name": "mcp__github.create_issue", "description": "Files an issue.",
                            "input_schema": ["$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": [:]],
                        ]
                    ],
                    "tool_choice": ["type": "tool", "name": "mcp__github.create_issue", "disable_parallel_tool_use": true],
                ]))
        let name = ToolNameMapping.upstreamName(for: "mcp__github.create_issue")
        #expect(
            body["tools"] == [
                ["type": "function", "name": .string(name), "description": "Files an issue.", "parameters": ["type": "object", "properties": [:]], "strict": false]
            ])
        #expect(body["tool_choice"] == ["type": "function", "name": .string(name)])
        #expect(body["parallel_tool_calls"] == false)
    }

    @Test(arguments: [("auto", JSONValue("auto")), ("any", "required"), ("none", "none")])
    func toolChoiceMapsToTheResponsesForms(type: String, expected: JSONValue) throws {
        let body = try translate(
            request([["role": "user", "content": "Hi"]], ["tools": [["name": "Bash", "input_schema": ["type": "object"]]], "tool_choice": ["type": .string(type)]]))
        #expect(body["tool_choice"] == expected)
        #expect(body["parallel_tool_calls"] == nil)
    }

    // MARK: - Web search

    private static let searchTool: JSONValue = ["type": "web_search_20250305", "name": "web_search", "max_uses": 5]

    @Test func webSearchIsTheAPIsOwnToolAskingForTheSourcesItRead() throws {
        let body = try translate(request([["role": "user", "content": "Search."]], ["tools": [Self.searchTool], "tool_choice": ["type": "auto"]]))
        #expect(body["tools"] == [["type": "web_search"]])
        #expect(body["tool_choice"] == "auto")
        #expect(body["include"] == ["reasoning.encrypted_content", "web_search_call.action.sources"])
        let plain = try translate(request([["role": "user", "content": "Search."]], ["tools": [Self.searchTool]]), model: "gpt-4.1", profile: Self.gpt41)
        #expect(plain["include"] == ["web_search_call.action.sources"])
    }

    @Test func allowedDomainsBecomeTheFilterByHostAndTheLocationTheAPIsApproximateOne() throws {
        var tool = Self.searchTool.objectValue ?? [:]
        tool["allowed_domains"] = ["swift.org", "https://docs.swift.org/blog", "swift.org/documentation", "github.com"]
        tool["user_location"] = ["type": "approximate", "city": "Zürich", "region": "ZH", "country": "CH", "timezone": "Europe/Zurich"]
        let body = try translate(request([["role": "user", "content": "Search."]], ["tools": [.object(tool)]]))
        #expect(
            body["tools"] == [
                [
                    "type": "web_search", "filters": ["allowed_domains": ["swift.org", "docs.swift.org", "github.com"]],
                    "user_location": ["type": "approximate", "city": "Zürich", "region": "ZH", "country": "CH", "timezone": "Europe/Zurich"],
                ]
            ])
    }

    @Test func blockedDomainsAndMaxUsesHaveNoAPISettingAndAPartialLocationSendsWhatItHas() throws {
        var tool = Self.searchTool.objectValue ?? [:]
        tool["blocked_domains"] = ["example.com"]
        tool["user_location"] = ["type": "approximate", "country": "US", "city": nil]
        let body = try translate(request([["role": "user", "content": "Search."]], ["tools": [.object(tool)]]))
        #expect(body["tools"] == [["type": "web_search", "user_location": ["type": "approximate", "country": "US"]]])
    }

    @Test func theSearchToolFollowsTheFunctionsAndToolChoiceCannotForceIt() throws {
        let tools: JSONValue = [["name": "Bash", "input_schema": ["type": "object"]], Self.searchTool]
        let body = try translate(request([["role": "user", "content": "Hi"]], ["tools": tools, "tool_choice": ["type": "tool", "name": "web_search"]]))
        #expect(body["tools"]?.arrayValue?.map { $0["type"] } == ["function", "web_search"])
        #expect(body["tool_choice"] == "auto")
        let required = try translate(request([["role": "user", "content": "Hi"]], ["tools": [Self.searchTool], "tool_choice": ["type": "any"]]))
        #expect(required["tool_choice"] == "required")
    }

    // MARK: - Structured outputs

    private static let strictSchema: JSONValue = [
        "$schema": "http://json-schema.org/draft-07/schema#", "title": "weather_report", "type": "object",
        "properties": ["city": ["type": "string"], "celsius": ["type": "number"]], "required": ["city", "celsius"], "additionalProperties": false,
    ]

    @Test func anOutputSchemaStrictModeTakesIsAStrictJSONSchemaFormatNamedByItsTitle() throws {
        let body = try translate(request([["role": "user", "content": "Weather?"]], ["output_config": ["format": ["type": "json_schema", "schema": Self.strictSchema]]]))
        var schema = Self.strictSchema.objectValue ?? [:]
        schema["$schema"] = nil
        #expect(body["text"] == ["format": ["type": "json_schema", "name": "weather_report", "schema": .object(schema), "strict": true]])
    }

    @Test func aSchemaWithOptionalFieldsIsNotStrictAndATitleThatIsNoNameIsReplaced() throws {
        let schema: JSONValue = [
            "title": "Weather report", "type": "object", "properties": ["city": ["type": "string"], "note": ["type": "string"]], "required": ["city"],
            "additionalProperties": false,
        ]
        let body = try translate(request([["role": "user", "content": "Weather?"]], ["output_format": ["type": "json_schema", "schema": schema]]))
        #expect(body["text"] == ["format": ["type": "json_schema", "name": "response", "schema": schema, "strict": false]])
    }
}
