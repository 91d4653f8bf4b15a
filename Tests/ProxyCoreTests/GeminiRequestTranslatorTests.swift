import ProxyCore
import Testing

/// Anthropic Messages requests become exactly the `GenerateContentRequest` bodies Gemini accepts,
/// without losing or inventing anything.
@Suite struct GeminiRequestTranslatorTests {
    private static let signature = "CiQBjz1rX+/9kL2a/b+cQw=="

    private func request(_ messages: JSONValue, _ extra: JSONObject = [:]) -> JSONValue {
        var body: JSONObject = ["model": "claude-sonnet-4-5", "max_tokens": 1_024, "messages": messages]
        for member in extra.members { body[member.key] = member.value }
        return .object(body)
    }

    private func translate(_ body: JSONValue, model: String = "gemini-2.5-pro") throws -> JSONValue {
        try GeminiRequestTranslator(model: model, profile: ModelCatalog().profile(for: model)).translate(MessagesRequest(json: body))
    }

    private func contents(_ messages: JSONValue, _ extra: JSONObject = [:], model: String = "gemini-2.5-pro") throws -> JSONValue? {
        try translate(request(messages, extra), model: model)["contents"]
    }

    private func rejection(_ messages: JSONValue, _ extra: JSONObject = [:], sourceLocation: SourceLocation = #_sourceLocation) -> AnthropicError? {
        #expect(throws: AnthropicError.self, sourceLocation: sourceLocation) { try translate(request(messages, extra)) }
    }

    // MARK: - Recorded Claude Code requests

    @Test(arguments: ["first-turn", "tool-result-turn", "parallel-tool-results-turn"])
    func claudeCodeRequestTranslatesToItsGoldenBody(fixture: String) throws {
        let translated = try translate(try Fixture.claudeCodeRequest(fixture), model: "gemini-3-pro-preview")
        let golden = try Fixture.golden("\(fixture).gemini-3-pro.json")
        #expect(translated == golden, "\(firstDifference(translated, golden) ?? "")")
    }

    @Test func olderModelsGetClaudeCodesToolsInTheOpenAPISubset() throws {
        let translated = try translate(try Fixture.claudeCodeRequest("first-turn"), model: "gemini-2.0-flash")
        let golden = try Fixture.golden("first-turn.gemini-2.0-tools.json")
        #expect(translated["tools"] == golden, "\(firstDifference(translated["tools"] ?? nil, golden) ?? "")")
        #expect(translated["generationConfig"] == ["maxOutputTokens": 8_192], "no thinking settings for a model without thinking")
    }

    // MARK: - System

    @Test func systemPromptAndSystemRoleMessagesBecomeTheSystemInstruction() throws {
        let body = try translate(
            request(
                [
                    ["role": "user", "content": "Hi"],
                    ["role": "system", "content": [["type": "text", "text": "Working directory: /tmp"], ["type": "text", "text": ""]]],
                    ["role": "user", "content": "Go on"],
                ],
                ["system": [["type": "text", "text": "You are Claude Code.", "cache_control": ["type": "ephemeral"]], ["type": "text", "text": "Be brief."]]]))
        #expect(body["systemInstruction"] == ["parts": [["text": "You are Claude Code."], ["text": "Be brief."], ["text": "Working directory: /tmp"]]])
        // The user turns on either side of the system message are one turn.
        #expect(body["contents"] == [["role": "user", "parts": [["text": "Hi"], ["text": "Go on"]]]])
    }

    @Test func noSystemMeansNoSystemInstruction() throws {
        #expect(try translate(request([["role": "user", "content": "Hi"]]))["systemInstruction"] == nil)
    }

    @Test func systemMessagesHoldOnlyText() {
        let error = rejection([["role": "system", "content": [["type": "image", "source": ["type": "base64", "media_type": "image/png", "data": "iVBO"]]]]])
        #expect(error?.message.hasPrefix("messages.0.content.0:") == true)
    }

    // MARK: - Roles and parts

    @Test func rolesAreUserAndModelWithConsecutiveTurnsMergedAndEmptyOnesLeftOut() throws {
        let contents = try contents([
            ["role": "user", "content": "One"],
            ["role": "user", "content": [["type": "text", "text": ""], ["type": "text", "text": "Two"]]],
            ["role": "assistant", "content": [["type": "thinking", "thinking": "Hmm", "signature": "EqQBCkgIARAB"]]],
            ["role": "assistant", "content": "Three"],
            ["role": "assistant", "content": ""],
            ["role": "user", "content": "Four"],
        ])
        #expect(
            contents == [
                ["role": "user", "parts": [["text": "One"], ["text": "Two"]]],
                ["role": "model", "parts": [["text": "Three"]]],
                ["role": "user", "parts": [["text": "Four"]]],
            ])
    }

    @Test func aConversationWithNothingInItIsRefused() {
        let error = rejection([["role": "user", "content": ""]])
        #expect(error?.message.hasPrefix("messages:") == true)
    }

    @Test func imagesAndDocumentsBecomeInlineData() throws {
        let contents = try contents([
            [
                "role": "user",
                "content": [
                    ["type": "image", "source": ["type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="]],
                    ["type": "document", "source": ["type": "base64", "media_type": "application/pdf", "data": "JVBERi0xLjQ="], "title": "report.pdf"],
                    ["type": "document", "source": ["type": "text", "media_type": "text/plain", "data": "Plain words."], "title": "notes.txt"],
                    ["type": "text", "text": "Compare them."],
                ],
            ]
        ])
        #expect(
            contents == [
                [
                    "role": "user",
                    "parts": [
                        ["inlineData": ["mimeType": "image/png", "data": "iVBORw0KGgo="]],
                        ["inlineData": ["mimeType": "application/pdf", "data": "JVBERi0xLjQ="]],
                        ["text": "notes.txt\n\nPlain words."],
                        ["text": "Compare them."],
                    ],
                ]
            ])
    }

    @Test func mediaByURLIsRefusedNamingTheBlock() {
        let error = rejection([["role": "user", "content": [["type": "image", "source": ["type": "url", "url": "https://example.com/cat.png"]]]]])
        #expect(error?.message.hasPrefix("messages.0.content.0.source:") == true)
    }

    // MARK: - Tool calls and results

    private static let bash: JSONValue = ["name": "Bash", "input_schema": ["type": "object", "properties": ["command": ["type": "string"]]]]

    @Test func toolUseBecomesAFunctionCallAndItsResultAFunctionResponseNamedAfterIt() throws {
        let contents = try contents([
            ["role": "user", "content": "List files."],
            [
                "role": "assistant",
                "content": [
                    ["type": "text", "text": "Listing."], ["type": "tool_use", "id": "toolu_01A", "name": "Bash", "input": ["command": "ls"]],
                    ["type": "tool_use", "id": "toolu_01B", "name": "mcp__github.create_issue", "input": ["title": "Bug"]],
                ],
            ],
            [
                "role": "user",
                "content": [
                    ["type": "tool_result", "tool_use_id": "toolu_01A", "content": "a.txt\nb.txt", "cache_control": ["type": "ephemeral"]],
                    ["type": "tool_result", "tool_use_id": "toolu_01B", "content": [["type": "text", "text": "403 Forbidden"]], "is_error": true],
                    ["type": "text", "text": "Now summarise."],
                ],
            ],
        ])
        let issueTool = ToolNameMapping.upstreamName(for: "mcp__github.create_issue")
        #expect(
            contents == [
                ["role": "user", "parts": [["text": "List files."]]],
                [
                    "role": "model",
                    "parts": [
                        ["text": "Listing."], ["functionCall": ["name": "Bash", "args": ["command": "ls"]]],
                        ["functionCall": ["name": .string(issueTool), "args": ["title": "Bug"]]],
                    ],
                ],
                [
                    "role": "user",
                    "parts": [
                        ["functionResponse": ["name": "Bash", "response": ["output": "a.txt\nb.txt"]]],
                        ["functionResponse": ["name": .string(issueTool), "response": ["error": "403 Forbidden"]]],
                        ["text": "Now summarise."],
                    ],
                ],
            ])
    }

    @Test func imagesInToolResultsFollowTheResponsesAsParts() throws {
        let contents = try contents([
            ["role": "assistant", "content": [["type": "tool_use", "id": "toolu_01A", "name": "Screenshot", "input": [:]]]],
            [
                "role": "user",
                "content": [
                    [
                        "type": "tool_result", "tool_use_id": "toolu_01A",
                        "content": [["type": "image", "source": ["type": "base64", "media_type": "image/jpeg", "data": "/9j/4AAQ"]]],
                    ]
                ],
            ],
        ])
        #expect(
            contents?[1] == [
                "role": "user",
                "parts": [
                    ["functionResponse": ["name": "Screenshot", "response": ["output": "(see the attached content below)"]]],
                    ["text": "Content returned by the Screenshot call:"], ["inlineData": ["mimeType": "image/jpeg", "data": "/9j/4AAQ"]],
                ],
            ])
    }

    @Test func aResultWithoutItsCallIsRefusedNamingTheID() {
        let error = rejection([["role": "user", "content": [["type": "tool_result", "tool_use_id": "toolu_gone", "content": "x"]]]])
        #expect(error?.message.hasPrefix("messages.0.content.0.tool_use_id:") == true)
        #expect(error?.message.contains("toolu_gone") == true)
    }

    // MARK: - Thought signatures

    @Test func signaturesCarriedInToolUseIDsAreRestoredOnTheirCalls() throws {
        let first = GeminiThoughtSignature.toolUseID(base: "toolu_01X_0", signature: Self.signature)
        let contents = try contents(
            [
                ["role": "user", "content": "Read both."],
                [
                    "role": "assistant",
                    "content": [
                        ["type": "tool_use", "id": .string(first), "name": "Read", "input": ["file_path": "/a"]],
                        ["type": "tool_use", "id": "toolu_01X_1", "name": "Read", "input": ["file_path": "/b"]],
                    ],
                ],
                [
                    "role": "user",
                    "content": [
                        ["type": "tool_result", "tool_use_id": .string(first), "content": "A"], ["type": "tool_result", "tool_use_id": "toolu_01X_1", "content": "B"],
                    ],
                ],
            ], model: "gemini-3-pro-preview")
        #expect(
            contents?[1] == [
                "role": "model",
                "parts": [
                    ["functionCall": ["name": "Read", "args": ["file_path": "/a"]], "thoughtSignature": .string(Self.signature)],
                    ["functionCall": ["name": "Read", "args": ["file_path": "/b"]]],
                ],
            ])
        #expect(contents?[2]?["parts"]?[0]?["functionResponse"]?["name"] == "Read")
    }

    @Test func gemini3GetsTheDocumentedStandInForAStepWhoseFirstCallHasNoSignature() throws {
        let messages: JSONValue = [
            ["role": "user", "content": "Go."],
            ["role": "assistant", "content": [["type": "tool_use", "id": "call_abc", "name": "Bash", "input": ["command": "ls"]]]],
            ["role": "user", "content": [["type": "tool_result", "tool_use_id": "call_abc", "content": "x"]]],
            [
                "role": "assistant",
                "content": [
                    ["type": "tool_use", "id": "call_def", "name": "Bash", "input": ["command": "pwd"]],
                    ["type": "tool_use", "id": "call_ghi", "name": "Bash", "input": ["command": "id"]],
                ],
            ],
            [
                "role": "user",
                "content": [["type": "tool_result", "tool_use_id": "call_def", "content": "/"], ["type": "tool_result", "tool_use_id": "call_ghi", "content": "root"]],
            ],
        ]
        let gemini3 = try contents(messages, model: "gemini-3-flash-preview")
        #expect(gemini3?[1]?["parts"]?[0]?["thoughtSignature"] == "skip_thought_signature_validator")
        #expect(gemini3?[3]?["parts"]?[0]?["thoughtSignature"] == "skip_thought_signature_validator")
        #expect(gemini3?[3]?["parts"]?[1]?["thoughtSignature"] == nil, "only the first call of a step carries one")
        let gemini25 = try contents(messages, model: "gemini-2.5-flash")
        #expect(gemini25?[1]?["parts"]?[0]?["thoughtSignature"] == nil, "Gemini 2.5 does not check signatures")
    }

    @Test func thinkingBlocksWithAGeminiSignatureBecomeThoughtPartsAndOthersAreLeftOut() throws {
        let contents = try contents([
            ["role": "user", "content": "Why?"],
            [
                "role": "assistant",
                "content": [
                    ["type": "thinking", "thinking": "Let me see.", "signature": .string("gemini:" + Self.signature)],
                    ["type": "thinking", "thinking": "From Claude.", "signature": "EqQBCkgIARABGAIiQL2a"],
                    ["type": "redacted_thinking", "data": "EmwKAhgBEgy3"],
                    ["type": "text", "text": "Because."],
                ],
            ],
        ])
        #expect(
            contents?[1] == [
                "role": "model", "parts": [["text": "Let me see.", "thought": true, "thoughtSignature": .string(Self.signature)], ["text": "Because."]],
            ])
    }

    // MARK: - Tools

    @Test func toolsBecomeFunctionDeclarationsWithJSONSchemaWhereTheModelTakesIt() throws {
        let tools: JSONValue = [
            [
                "name": "Bash", "description": "Runs a command.",
                "input_schema": [
                    "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
                    "properties": ["command": ["type": "string"], "timeout": ["type": ["integer", "null"], "exclusiveMinimum": 0]],
                    "required": ["command"], "additionalProperties": false,
                ],
            ],
            ["name": "Ping", "input_schema": ["type": "object", "properties": [:]]],
        ]
        let current = try translate(request([["role": "user", "content": "Hi"]], ["tools": tools]))
        #expect(
            current["tools"] == [
                [
                    "functionDeclarations": [
                        [
                            "name": "Bash", "description": "Runs a command.",
                            "parametersJsonSchema": [
                                "type": "object", "properties": ["command": ["type": "string"], "timeout": ["type": ["integer", "null"], "exclusiveMinimum": 0]],
                                "required": ["command"], "additionalProperties": false,
                            ],
                        ],
                        ["name": "Ping", "parametersJsonSchema": ["type": "object", "properties": [:]]],
                    ]
                ]
            ])
        let legacy = try translate(request([["role": "user", "content": "Hi"]], ["tools": tools]), model: "gemini-2.0-flash")
        #expect(
            legacy["tools"] == [
                [
                    "functionDeclarations": [
                        [
                            "name": "Bash", "description": "Runs a command.",
                            "parameters": [
                                "type": "object", "properties": ["command": ["type": "string"], "timeout": ["type": "integer", "minimum": 1, "nullable": true]],
                                "required": ["command"], "description": "No properties other than those listed.",
                            ],
                        ],
                        ["name": "Ping"],
                    ]
                ]
            ])
    }

    @Test(arguments: [
        (["type": "auto"], ["mode": "AUTO"]),
        (["type": "any"], ["mode": "ANY"]),
        (["type": "none"], ["mode": "NONE"]),
        (["type": "tool", "name": "Bash", "disable_parallel_tool_use": true], ["mode": "ANY", "allowedFunctionNames": ["Bash"]]),
    ] as [(JSONValue, JSONValue)])
    func toolChoiceBecomesTheFunctionCallingMode(choice: JSONValue, config: JSONValue) throws {
        let body = try translate(request([["role": "user", "content": "Hi"]], ["tools": [Self.bash], "tool_choice": choice]))
        #expect(body["toolConfig"] == ["functionCallingConfig": config])
    }

    @Test func noToolsMeansNoToolConfig() throws {
        let body = try translate(request([["role": "user", "content": "Hi"]], ["tool_choice": ["type": "any"]]))
        #expect(body["tools"] == nil && body["toolConfig"] == nil)
    }

    // MARK: - Generation settings

    @Test func maxTokensIsClampedAndSamplingAndStopSequencesPassOn() throws {
        let body = try translate(
            request(
                [["role": "user", "content": "Hi"]],
                ["max_tokens": 128_000, "temperature": 0.2, "top_p": 0.9, "top_k": 40, "stop_sequences": ["END", "STOP"], "metadata": ["user_id": "u"]]),
            model: "gemini-2.0-flash")
        #expect(body["generationConfig"] == ["maxOutputTokens": 8_192, "temperature": 0.2, "topP": 0.9, "topK": 40, "stopSequences": ["END", "STOP"]])
        #expect(body.objectValue?.keys == ["contents", "generationConfig"], "Anthropic-only fields never reach Gemini")
    }

    @Test func moreStopSequencesThanGeminiTakesAreLeftToTheProxy() throws {
        let body = request([["role": "user", "content": "Hi"]], ["stop_sequences": ["a", "b", "c", "d", "e", "f"]])
        #expect(try translate(body)["generationConfig"]?["stopSequences"] == nil)
        let target = RouteTarget(provider: .gemini, model: "gemini-2.5-pro", baseURL: "https://generativelanguage.googleapis.com/v1beta", apiKeys: ["k"], keyVariable: "GEMINI_API_KEY")
        #expect(GeminiAdapter(request: try MessagesRequest(json: body), target: target, catalog: ModelCatalog()).stopSequencesLeftToTheProxy == ["a", "b", "c", "d", "e", "f"])
        let five = request([["role": "user", "content": "Hi"]], ["stop_sequences": ["a", "b", "c", "d", "e"]])
        #expect(GeminiAdapter(request: try MessagesRequest(json: five), target: target, catalog: ModelCatalog()).stopSequencesLeftToTheProxy == [])
    }

    @Test(arguments: [
        // Gemini 2.5 Pro: a budget within 128...32768, never off.
        ("gemini-2.5-pro", ["type": "adaptive"], "medium", ["thinkingBudget": 8_192, "includeThoughts": true]),
        ("gemini-2.5-pro", ["type": "adaptive"], nil, ["thinkingBudget": -1, "includeThoughts": true]),
        ("gemini-2.5-pro", ["type": "enabled", "budget_tokens": 64_000], nil, ["thinkingBudget": 32_768, "includeThoughts": true]),
        ("gemini-2.5-pro", ["type": "enabled", "budget_tokens": 50], nil, ["thinkingBudget": 128, "includeThoughts": true]),
        ("gemini-2.5-pro", ["type": "disabled"], nil, ["thinkingBudget": 128]),
        ("gemini-2.5-pro", ["type": "adaptive"], "max", ["thinkingBudget": 32_768, "includeThoughts": true]),
        // Gemini 2.5 Flash and Flash-Lite: thinking can be off.
        ("gemini-2.5-flash", ["type": "disabled"], nil, ["thinkingBudget": 0]),
        ("gemini-2.5-flash", ["type": "adaptive"], "high", ["thinkingBudget": 24_576, "includeThoughts": true]),
        ("gemini-2.5-pro", ["type": "adaptive"], "xhigh", ["thinkingBudget": 32_768, "includeThoughts": true]),
        ("gemini-2.5-flash", ["type": "adaptive"], "xhigh", ["thinkingBudget": 24_576, "includeThoughts": true]),
        ("gemini-2.5-flash-lite", ["type": "adaptive"], "low", ["thinkingBudget": 1_024, "includeThoughts": true]),
        // Gemini 3: a level; Pro has low and high only, Flash also minimal and medium.
        ("gemini-3-pro-preview", ["type": "adaptive"], "medium", ["thinkingLevel": "high", "includeThoughts": true]),
        ("gemini-3-pro-preview", ["type": "adaptive"], "low", ["thinkingLevel": "low", "includeThoughts": true]),
        ("gemini-3-pro-preview", ["type": "adaptive"], nil, ["includeThoughts": true]),
        ("gemini-3-pro-preview", ["type": "disabled"], nil, ["thinkingLevel": "low"]),
        ("gemini-3-flash-preview", ["type": "adaptive"], "medium", ["thinkingLevel": "medium", "includeThoughts": true]),
        ("gemini-3-flash-preview", ["type": "adaptive"], "xhigh", ["thinkingLevel": "high", "includeThoughts": true]),
        ("gemini-3-flash-preview", ["type": "enabled", "budget_tokens": 2_048], nil, ["thinkingLevel": "low", "includeThoughts": true]),
        ("gemini-3-flash-preview", ["type": "enabled", "budget_tokens": 10_000], nil, ["thinkingLevel": "medium", "includeThoughts": true]),
        ("gemini-3-flash-preview", ["type": "disabled"], nil, ["thinkingLevel": "minimal"]),
    ] as [(String, JSONValue, String?, JSONValue)])
    func thinkingBecomesTheThinkingConfigTheModelFamilyTakes(model: String, thinking: JSONValue, effort: String?, config: JSONValue) throws {
        var extra: JSONObject = ["thinking": thinking]
        if let effort { extra["output_config"] = ["effort": .string(effort)] }
        let body = try translate(request([["role": "user", "content": "Hi"]], extra), model: model)
        #expect(body["generationConfig"]?["thinkingConfig"] == config)
    }

    @Test func noThinkingAskedMeansNoThoughtsBack() throws {
        let body = try translate(request([["role": "user", "content": "Hi"]]), model: "gemini-2.5-flash")
        #expect(body["generationConfig"]?["thinkingConfig"] == ["thinkingBudget": 0])
    }

    // MARK: - countTokens

    @Test func countTokensAsksForTheWholePromptAsAGenerateContentRequest() throws {
        let body = try MessagesRequest(
            json: ["model": "x", "messages": [["role": "user", "content": "Hi"]], "system": "Be brief.", "tools": [Self.bash]], countingTokens: true)
        let translated = try GeminiRequestTranslator(model: "gemini-2.5-pro", profile: ModelCatalog().profile(for: "gemini-2.5-pro")).countTokensBody(body)
        #expect(
            translated == [
                "generateContentRequest": [
                    "model": "models/gemini-2.5-pro", "contents": [["role": "user", "parts": [["text": "Hi"]]]],
                    "systemInstruction": ["parts": [["text": "Be brief."]]],
                    "tools": [["functionDeclarations": [["name": "Bash", "parametersJsonSchema": ["type": "object", "properties": ["command": ["type": "string"]]]]]]],
                ]
            ])
    }
}
