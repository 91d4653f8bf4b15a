import ProxyCore
import Testing

/// Anthropic Messages requests become exactly the Chat Completions bodies an OpenAI-compatible
/// upstream accepts, without losing or inventing anything.
@Suite struct OpenAIChatRequestTranslatorTests {
    private static let gpt41 = ModelProfile(maxOutputTokens: 32_768, contextWindow: 1_047_576)
    private static let o3 = ModelProfile(maxOutputTokens: 100_000, contextWindow: 200_000, isOpenAIReasoningModel: true)

    /// A request body as the client sends it, with the fields every request has.
    private func request(_ messages: JSONValue, _ extra: JSONObject = [:]) -> JSONValue {
        var body: JSONObject = ["model": "claude-sonnet-4-5", "max_tokens": 1_024, "messages": messages]
        for member in extra.members { body[member.key] = member.value }
        return .object(body)
    }

    private func translate(_ body: JSONValue, model: String = "gpt-4.1", profile: ModelProfile = gpt41) throws -> JSONValue {
        try OpenAIChatRequestTranslator(model: model, profile: profile).translate(MessagesRequest(json: body))
    }

    /// The `messages` the upstream receives for `messages` (and `extra` request fields).
    private func translatedMessages(_ messages: JSONValue, _ extra: JSONObject = [:], profile: ModelProfile = gpt41) throws -> JSONValue? {
        try translate(request(messages, extra), profile: profile)["messages"]
    }

    private func rejection(_ messages: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) -> AnthropicError? {
        #expect(throws: AnthropicError.self, sourceLocation: sourceLocation) { try translate(request(messages)) }
    }

    // MARK: - Recorded Claude Code requests

    @Test(arguments: ["first-turn", "tool-result-turn", "parallel-tool-results-turn"])
    func claudeCodeRequestTranslatesToItsGoldenBody(fixture: String) throws {
        let body = try Fixture.claudeCodeRequest(fixture)
        let translated = try translate(body, profile: ModelCatalog().profile(for: "gpt-4.1"))
        let golden = try Fixture.golden("\(fixture).openai-chat.json")
        #expect(translated == golden, "\(firstDifference(translated, golden) ?? "")")
    }

    // MARK: - System prompt

    @Test func systemStringBecomesTheFirstMessage() throws {
        let messages = try translatedMessages([["role": "user", "content": "Hi"]], ["system": "You are terse."])
        #expect(messages == [["role": "system", "content": "You are terse."], ["role": "user", "content": "Hi"]])
    }

    @Test func systemTextBlocksJoinIntoOneSystemMessage() throws {
        let system: JSONValue = [
            ["type": "text", "text": "You are Claude Code."],
            ["type": "text", "text": "Be concise.", "cache_control": ["type": "ephemeral"]],
        ]
        let messages = try translatedMessages([["role": "user", "content": "Hi"]], ["system": system])
        #expect(messages == [["role": "system", "content": "You are Claude Code.\n\nBe concise."], ["role": "user", "content": "Hi"]])
    }

    @Test func systemRoleMessagesKeepTheirPosition() throws {
        let messages = try translatedMessages([
            ["role": "user", "content": "Hi"],
            ["role": "system", "content": [["type": "text", "text": "Working directory: /tmp"], ["type": "text", "text": "Branch: main"]]],
            ["role": "assistant", "content": "Hello."],
            ["role": "user", "content": "Bye"],
        ])
        #expect(
            messages == [
                ["role": "user", "content": "Hi"],
                ["role": "system", "content": "Working directory: /tmp\n\nBranch: main"],
                ["role": "assistant", "content": "Hello."],
                ["role": "user", "content": "Bye"],
            ])
    }

    @Test func reasoningModelsGetTheDeveloperRole() throws {
        let messages = try translatedMessages(
            [["role": "user", "content": "Hi"], ["role": "system", "content": "Working directory: /tmp"]], ["system": "You are terse."],
            profile: Self.o3)
        #expect(
            messages == [
                ["role": "developer", "content": "You are terse."],
                ["role": "user", "content": "Hi"],
                ["role": "developer", "content": "Working directory: /tmp"],
            ])
    }

    // MARK: - Images and documents

    @Test func base64ImageBecomesADataURL() throws {
        let messages = try translatedMessages([
            [
                "role": "user",
                "content": [
                    ["type": "image", "source": ["type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="]],
                    ["type": "text", "text": "What is this?"],
                ],
            ]
        ])
        #expect(
            messages == [
                [
                    "role": "user",
                    "content": [
                        ["type": "image_url", "image_url": ["url": "data:image/png;base64,iVBORw0KGgo="]],
                        ["type": "text", "text": "What is this?"],
                    ],
                ]
            ])
    }

    @Test func imageByURLIsPassedAsALink() throws {
        let messages = try translatedMessages([
            ["role": "user", "content": [["type": "image", "source": ["type": "url", "url": "https://example.com/cat.jpg"]]]]
        ])
        #expect(messages == [["role": "user", "content": [["type": "image_url", "image_url": ["url": "https://example.com/cat.jpg"]]]]])
    }

    @Test func base64PDFBecomesAFilePart() throws {
        let pdf: JSONValue = ["type": "base64", "media_type": "application/pdf", "data": "JVBERi0xLjQ="]
        let messages = try translatedMessages([
            [
                "role": "user",
                "content": [["type": "document", "source": pdf, "title": "report.pdf"], ["type": "document", "source": pdf]],
            ]
        ])
        #expect(
            messages == [
                [
                    "role": "user",
                    "content": [
                        ["type": "file", "file": ["filename": "report.pdf", "file_data": "data:application/pdf;base64,JVBERi0xLjQ="]],
                        ["type": "file", "file": ["filename": "document.pdf", "file_data": "data:application/pdf;base64,JVBERi0xLjQ="]],
                    ],
                ]
            ])
    }

    @Test func textDocumentBecomesTextUnderItsTitle() throws {
        let source: JSONValue = ["type": "text", "media_type": "text/plain", "data": "Line one."]
        let messages = try translatedMessages([
            ["role": "user", "content": [["type": "document", "source": source, "title": "notes.txt"], ["type": "document", "source": source]]]
        ])
        #expect(messages == [["role": "user", "content": "notes.txt\n\nLine one.\n\nLine one."]])
    }

    /// llama.cpp's server and other OpenAI-compatible servers take only a string for most roles,
    /// and their chat templates break on a list of text parts: text-only content is one string.
    @Test func textOnlyUserContentIsOneStringAndOnlyImagesOrFilesKeepParts() throws {
        let textOnly = try translatedMessages([
            ["role": "user", "content": [["type": "text", "text": "<system-reminder>be brief</system-reminder>"], ["type": "text", "text": "hello"]]]
        ])
        #expect(textOnly == [["role": "user", "content": "<system-reminder>be brief</system-reminder>\n\nhello"]])
        let withImage = try translatedMessages([
            ["role": "user", "content": [["type": "text", "text": "what is this?"], ["type": "image", "source": ["type": "url", "url": "https://example.com/a.png"]]]]
        ])
        #expect(withImage?[0]?["content"]?.arrayValue?.count == 2, "the image keeps its part beside the text")
    }

    @Test func pdfByURLIsRejectedNamingTheBlock() {
        let error = rejection([
            ["role": "user", "content": [["type": "document", "source": ["type": "url", "url": "https://example.com/a.pdf"]]]]
        ])
        #expect(error?.status == 400)
        #expect(error?.kind == .invalidRequest)
        #expect(error?.message == "messages.0.content.0.source: OpenAI-compatible upstreams cannot fetch documents by URL; send the PDF as base64")
    }

    @Test func documentInsideAToolResultIsRejectedNamingItsNestedPath() {
        let error = rejection([
            ["role": "assistant", "content": [["type": "tool_use", "id": "toolu_1", "name": "Fetch", "input": [:]]]],
            [
                "role": "user",
                "content": [
                    [
                        "type": "tool_result", "tool_use_id": "toolu_1",
                        "content": [
                            ["type": "text", "text": "Fetched."], ["type": "document", "source": ["type": "url", "url": "https://example.com/a.pdf"]],
                        ],
                    ]
                ],
            ],
        ])
        #expect(error?.status == 400)
        #expect(error?.message.hasPrefix("messages.1.content.0.content.1.source: ") == true)
    }

    @Test func base64DocumentThatIsNotAPDFIsRejected() {
        let error = rejection([
            [
                "role": "user",
                "content": [
                    ["type": "text", "text": "Read this."],
                    ["type": "document", "source": ["type": "base64", "media_type": "text/csv", "data": "YSxiCg=="]],
                ],
            ]
        ])
        #expect(error?.status == 400)
        #expect(error?.kind == .invalidRequest)
        #expect(
            error?.message == "messages.0.content.1.source.media_type: 'text/csv' documents cannot be sent to OpenAI-compatible upstreams; only application/pdf"
        )
    }

    // MARK: - Tool calls and results

    @Test func toolUseBecomesToolCallsWithArgumentsAsAJSONString() throws {
        let messages = try translatedMessages([
            ["role": "user", "content": "List the files."],
            [
                "role": "assistant",
                "content": [
                    ["type": "text", "text": "Listing them."],
                    ["type": "tool_use", "id": "toolu_01", "name": "Bash", "input": ["command": "ls -la", "timeout": 5]],
                ],
            ],
            ["role": "user", "content": [["type": "tool_result", "tool_use_id": "toolu_01", "content": "a.txt"]]],
        ])
        #expect(
            messages == [
                ["role": "user", "content": "List the files."],
                [
                    "role": "assistant", "content": "Listing them.",
                    "tool_calls": [["id": "toolu_01", "type": "function", "function": ["name": "Bash", "arguments": #"{"command":"ls -la","timeout":5}"#]]],
                ],
                ["role": "tool", "tool_call_id": "toolu_01", "content": "a.txt"],
            ])
    }

    @Test func toolResultsBecomeToolMessagesInOrderRightAfterTheCalls() throws {
        let messages = try translatedMessages([
            [
                "role": "assistant",
                "content": [
                    ["type": "tool_use", "id": "toolu_a", "name": "Read", "input": ["file_path": "/a"]],
                    ["type": "tool_use", "id": "toolu_b", "name": "Read", "input": ["file_path": "/b"]],
                ],
            ],
            [
                "role": "user",
                "content": [
                    ["type": "tool_result", "tool_use_id": "toolu_a", "content": "alpha"],
                    ["type": "tool_result", "tool_use_id": "toolu_b", "content": "beta", "cache_control": ["type": "ephemeral"]],
                ],
            ],
        ])
        #expect(
            messages == [
                [
                    "role": "assistant", "content": "",
                    "tool_calls": [
                        ["id": "toolu_a", "type": "function", "function": ["name": "Read", "arguments": #"{"file_path":"/a"}"#]],
                        ["id": "toolu_b", "type": "function", "function": ["name": "Read", "arguments": #"{"file_path":"/b"}"#]],
                    ],
                ],
                ["role": "tool", "tool_call_id": "toolu_a", "content": "alpha"],
                ["role": "tool", "tool_call_id": "toolu_b", "content": "beta"],
            ])
    }

    @Test func toolResultContentMayBeAStringBlocksOrNothing() throws {
        let messages = try translatedMessages([
            [
                "role": "user",
                "content": [
                    ["type": "tool_result", "tool_use_id": "toolu_a", "content": "alpha"],
                    ["type": "tool_result", "tool_use_id": "toolu_b", "content": [["type": "text", "text": "line 1"], ["type": "text", "text": "line 2"]]],
                    ["type": "tool_result", "tool_use_id": "toolu_c"],
                ],
            ]
        ])
        #expect(
            messages == [
                ["role": "tool", "tool_call_id": "toolu_a", "content": "alpha"],
                ["role": "tool", "tool_call_id": "toolu_b", "content": "line 1\nline 2"],
                ["role": "tool", "tool_call_id": "toolu_c", "content": ""],
            ])
    }

    @Test func failedToolResultStartsWithError() throws {
        let messages = try translatedMessages([
            ["role": "user", "content": [["type": "tool_result", "tool_use_id": "toolu_a", "content": "command not found: gti", "is_error": true]]]
        ])
        #expect(messages == [["role": "tool", "tool_call_id": "toolu_a", "content": "Error: command not found: gti"]])
    }

    /// Tool messages hold only text, so images a tool returned go in a user message after them.
    @Test func imagesReturnedByAToolFollowInAUserMessage() throws {
        let png: JSONValue = ["type": "image", "source": ["type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="]]
        let messages = try translatedMessages([
            [
                "role": "user",
                "content": [
                    ["type": "tool_result", "tool_use_id": "toolu_a", "content": [["type": "text", "text": "Screenshot taken."], png]],
                    ["type": "tool_result", "tool_use_id": "toolu_b", "content": [png]],
                ],
            ]
        ])
        let image: JSONValue = ["type": "image_url", "image_url": ["url": "data:image/png;base64,iVBORw0KGgo="]]
        #expect(
            messages == [
                ["role": "tool", "tool_call_id": "toolu_a", "content": "Screenshot taken."],
                ["role": "tool", "tool_call_id": "toolu_b", "content": "(see the attached content below)"],
                [
                    "role": "user",
                    "content": [
                        ["type": "text", "text": "Content returned by tool call toolu_a:"], image,
                        ["type": "text", "text": "Content returned by tool call toolu_b:"], image,
                    ],
                ],
            ])
    }

    @Test func textAfterToolResultsFollowsTheToolMessages() throws {
        let messages = try translatedMessages([
            [
                "role": "user",
                "content": [
                    ["type": "tool_result", "tool_use_id": "toolu_a", "content": "ok"],
                    ["type": "text", "text": "Now commit it."],
                ],
            ]
        ])
        #expect(messages == [["role": "tool", "tool_call_id": "toolu_a", "content": "ok"], ["role": "user", "content": "Now commit it."]])
    }

    @Test func thinkingInHistoryIsNotSent() throws {
        let messages = try translatedMessages([
            ["role": "user", "content": "Why?"],
            [
                "role": "assistant",
                "content": [
                    ["type": "thinking", "thinking": "Let me see.", "signature": "c2ln"],
                    ["type": "redacted_thinking", "data": "cmVkYWN0ZWQ="],
                    ["type": "text", "text": "Because."],
                ],
            ],
            ["role": "assistant", "content": [["type": "thinking", "thinking": "Nothing to add.", "signature": "c2ln"]]],
            ["role": "user", "content": "Thanks."],
        ])
        #expect(
            messages == [
                ["role": "user", "content": "Why?"],
                ["role": "assistant", "content": "Because."],
                ["role": "user", "content": "Thanks."],
            ])
    }

    // MARK: - Tools

    /// OpenAI allows only `[A-Za-z0-9_-]{1,64}`; other names get a cleaned form with a hash suffix,
    /// used alike in definitions, in history and in `tool_choice`.
    @Test func invalidToolNamesAreMadeValidEverywhereTheyAppear() throws {
        let dotted = "mcp__github.create_issue"
        let long = "mcp__a_server_with_a_rather_long_name__and_a_tool_whose_name_is_long_too"
        let schema: JSONValue = ["type": "object"]
        let body = try translate(
            request(
                [
                    ["role": "user", "content": "File it."],
                    ["role": "assistant", "content": [["type": "tool_use", "id": "toolu_a", "name": .string(dotted), "input": ["title": "Bug"]]]],
                    ["role": "user", "content": [["type": "tool_result", "tool_use_id": "toolu_a", "content": "#12"]]],
                ],
                [
                    "tools": [
                        ["name": .string(dotted), "input_schema": schema], ["name": .string(long), "input_schema": schema],
                        ["name": "Bash", "input_schema": schema],
                    ],
                    "tool_choice": ["type": "tool", "name": .string(long)],
                ]))
        let dottedUpstream: JSONValue = "mcp__github_create_issue_d5f23d1c"
        let longUpstream: JSONValue = "mcp__a_server_with_a_rather_long_name__and_a_tool_whose_cf6d2fd7"
        #expect(
            body["tools"] == [
                ["type": "function", "function": ["name": dottedUpstream, "parameters": schema]],
                ["type": "function", "function": ["name": longUpstream, "parameters": schema]],
                ["type": "function", "function": ["name": "Bash", "parameters": schema]],
            ])
        #expect(
            body["messages"]?.arrayValue?[1]["tool_calls"] == [
                ["id": "toolu_a", "type": "function", "function": ["name": dottedUpstream, "arguments": #"{"title":"Bug"}"#]]
            ])
        #expect(body["tool_choice"] == ["type": "function", "function": ["name": longUpstream]])
    }

    @Test(
        arguments: [
            (["type": "auto"], "auto"),
            (["type": "any"], "required"),
            (["type": "tool", "name": "Bash"], ["type": "function", "function": ["name": "Bash"]]),
            (["type": "none"], "none"),
        ] as [(JSONValue, JSONValue)])
    func toolChoiceMapsToOpenAIsForm(choice: JSONValue, expected: JSONValue) throws {
        let body = try translate(
            request([["role": "user", "content": "Go."]], ["tools": [["name": "Bash", "input_schema": ["type": "object"]]], "tool_choice": choice]))
        #expect(body["tool_choice"] == expected)
        #expect(body.objectValue?.keys.contains("parallel_tool_calls") == false)
    }

    @Test func disablingParallelToolUseSetsParallelToolCallsFalse() throws {
        let body = try translate(
            request(
                [["role": "user", "content": "Go."]],
                ["tools": [["name": "Bash", "input_schema": ["type": "object"]]], "tool_choice": ["type": "auto", "disable_parallel_tool_use": true]]))
        #expect(body["tool_choice"] == "auto")
        #expect(body["parallel_tool_calls"] == false)
    }

    @Test func schemaDialectIsRemovedFromToolParameters() throws {
        let body = try translate(
            request(
                [["role": "user", "content": "Read it."]],
                [
                    "tools": [
                        [
                            "name": "Read", "description": "Reads a file.",
                            "input_schema": [
                                "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
                                "properties": ["file_path": ["type": "string"]], "required": ["file_path"], "additionalProperties": false,
                            ],
                        ]
                    ]
                ]))
        #expect(
            body["tools"] == [
                [
                    "type": "function",
                    "function": [
                        "name": "Read", "description": "Reads a file.",
                        "parameters": [
                            "type": "object", "properties": ["file_path": ["type": "string"]], "required": ["file_path"], "additionalProperties": false,
                        ],
                    ],
                ]
            ])
    }

    // MARK: - Parameters

    @Test(arguments: [(128_000, 32_768), (32_768, 32_768), (1_024, 1_024)])
    func maxTokensIsClampedToTheModelsCeiling(requested: Int, sent: Int) throws {
        let body = try translate(request([["role": "user", "content": "Hi"]], ["max_tokens": .int(requested)]))
        #expect(body["max_tokens"] == .int(sent))
    }

    @Test func samplingParametersAreSentToOtherModels() throws {
        let body = try translate(
            request(
                [["role": "user", "content": "Hi"]],
                ["temperature": 0.7, "top_p": 0.9, "top_k": 40, "thinking": ["type": "enabled", "budget_tokens": 10_000]]))
        #expect(body == ["model": "gpt-4.1", "messages": [["role": "user", "content": "Hi"]], "max_tokens": 1_024, "temperature": 0.7, "top_p": 0.9])
    }

    @Test func reasoningModelsGetMaxCompletionTokensAndNoSampling() throws {
        let body = try translate(
            request(
                [["role": "user", "content": "Hi"]],
                ["max_tokens": 128_000, "temperature": 0.7, "top_p": 0.9, "thinking": ["type": "enabled", "budget_tokens": 10_000]]),
            model: "o3", profile: Self.o3)
        #expect(
            body == ["model": "o3", "messages": [["role": "user", "content": "Hi"]], "max_completion_tokens": 100_000, "reasoning_effort": "medium"])
    }

    @Test(
        arguments: [
            (["output_config": ["effort": "low"]], "low"),
            (["output_config": ["effort": "medium"]], "medium"),
            (["output_config": ["effort": "high"]], "high"),
            (["output_config": ["effort": "xhigh"]], "high"),
            (["output_config": ["effort": "max"]], "high"),
            // An explicit effort wins over the thinking budget.
            (["output_config": ["effort": "low"], "thinking": ["type": "enabled", "budget_tokens": 32_000]], "low"),
            (["thinking": ["type": "enabled", "budget_tokens": 1_024]], "low"),
            (["thinking": ["type": "enabled", "budget_tokens": 4_096]], "low"),
            (["thinking": ["type": "enabled", "budget_tokens": 4_097]], "medium"),
            (["thinking": ["type": "enabled", "budget_tokens": 16_384]], "medium"),
            (["thinking": ["type": "enabled", "budget_tokens": 16_385]], "high"),
            (["thinking": ["type": "adaptive"]], "medium"),
            (["thinking": ["type": "disabled"]], nil),
            ([:], nil),
        ] as [(JSONObject, JSONValue?)])
    func reasoningEffortComesFromEffortOrTheThinkingBudget(extra: JSONObject, expected: JSONValue?) throws {
        let body = try translate(request([["role": "user", "content": "Hi"]], extra), model: "o3", profile: Self.o3)
        #expect(body["reasoning_effort"] == expected)
    }

    @Test func stopSequencesBecomeStop() throws {
        let body = try translate(request([["role": "user", "content": "Hi"]], ["stop_sequences": ["\n\nHuman:", "END"]]))
        #expect(body["stop"] == ["\n\nHuman:", "END"])
    }

    /// OpenAI's reasoning models refuse `stop`, and OpenAI takes at most four sequences: the
    /// proxy stops the reply at them itself (`StopSequenceStreamTranslator`).
    @Test(arguments: [
        (["END"], "o3", true), (["a", "b", "c", "d", "e"], "gpt-4.1", true), (["a", "b", "c", "d"], "gpt-4.1", false), ([], "o3", false),
    ] as [([String], String, Bool)])
    func stopSequencesTheUpstreamCannotTakeAreLeftToTheProxy(sequences: [String], model: String, leftToTheProxy: Bool) throws {
        let profile = model == "o3" ? Self.o3 : Self.gpt41
        let body = try translate(request([["role": "user", "content": "Hi"]], ["stop_sequences": .array(sequences.map(JSONValue.string))]), model: model, profile: profile)
        #expect(body["stop"] == (leftToTheProxy || sequences.isEmpty ? nil : .array(sequences.map(JSONValue.string))))
        let target = RouteTarget(provider: .openAI, model: model, baseURL: "https://api.openai.com/v1", apiKeys: ["k"], keyVariable: "OPENAI_API_KEY")
        let adapter = OpenAIChatAdapter(
            request: try MessagesRequest(json: request([["role": "user", "content": "Hi"]], ["stop_sequences": .array(sequences.map(JSONValue.string))])),
            target: target, catalog: ModelCatalog())
        #expect(adapter.stopSequencesLeftToTheProxy == (leftToTheProxy ? sequences : []))
    }

    @Test func streamingAsksForUsageInTheLastChunk() throws {
        let body = try translate(request([["role": "user", "content": "Hi"]], ["stream": true]))
        #expect(
            body == [
                "model": "gpt-4.1", "messages": [["role": "user", "content": "Hi"]], "max_tokens": 1_024, "stream": true,
                "stream_options": ["include_usage": true],
            ])
    }

    @Test func anthropicOnlyFieldsAreNotSent() throws {
        let body = try translate(
            request(
                [["role": "user", "content": [["type": "text", "text": "Hi", "cache_control": ["type": "ephemeral"]]]]],
                [
                    "metadata": ["user_id": "u1"], "context_management": ["edits": [["type": "clear_thinking_20251015", "keep": "all"]]],
                    "output_config": ["effort": "medium"], "thinking": ["type": "adaptive", "display": "omitted"], "service_tier": "auto",
                ]))
        #expect(body == ["model": "gpt-4.1", "messages": [["role": "user", "content": "Hi"]], "max_tokens": 1_024])
    }
}
