import ProxyCore
import Testing

/// Structured outputs and OpenAI's search models through the real server, against the strict fake
/// OpenAI upstream (which refuses what OpenAI refuses): the schema reaches the upstream as OpenAI
/// takes it, and a search model's answer reaches the client as Anthropic's web search, whole and
/// streamed alike.
@Suite struct OpenAIChatStructuredOutputEndToEndTests {
    /// A schema strict mode takes as written.
    static let closedSchema: JSONValue = [
        "type": "object", "title": "weather_report",
        "properties": ["city": ["type": "string"], "celsius": ["type": "number"]],
        "required": ["city", "celsius"], "additionalProperties": false,
    ]

    /// A schema with an optional field, which strict mode would refuse.
    static let openSchema: JSONValue = [
        "type": "object", "properties": ["city": ["type": "string"], "note": ["type": "string"]], "required": ["city"],
    ]

    static let weatherJSON = #"{"city":"Oslo","celsius":4.5}"#

    private func weatherRequest(model: String = "claude-sonnet-4-6", schema: JSONValue) -> JSONObject {
        [
            "model": .string(model), "max_tokens": 300, "messages": [["role": "user", "content": "The weather in Oslo, please."]],
            "output_config": ["format": ["type": "json_schema", "schema": schema]],
        ]
    }

    /// The whole and the accumulated streamed reply to `body`, each after `enqueue` scripted the upstream.
    private func wholeAndStreamed(
        _ harness: ProxyHarness, body: JSONObject, enqueue: () -> Void
    ) async throws -> (whole: AnthropicMessage, wholeJSON: JSONValue, streamed: AnthropicMessage) {
        let (wholeJSON, streamed, _) = try await harness.wholeAndStreamed(.object(body), path: "/v1/messages", script: enqueue)
        var streamedMessage = streamed
        let wholeMessage = try AnthropicMessage(json: wholeJSON)
        streamedMessage.id = wholeMessage.id
        return (wholeMessage, wholeJSON, streamedMessage)
    }

    // MARK: - Structured outputs

    @Test func aStrictSchemaReachesOpenAIAndTheJSONComesBackWholeAndStreamed() async throws {
        try await ProxyHarness.run { harness in
            let (whole, _, streamed) = try await wholeAndStreamed(harness, body: weatherRequest(schema: Self.closedSchema)) {
                harness.fake.enqueue(FakeReply(text: Self.weatherJSON))
            }
            #expect(whole.content == [.text(Self.weatherJSON)])
            #expect(streamed == whole)
            let expected: JSONValue = ["type": "json_schema", "json_schema": ["name": "weather_report", "schema": Self.closedSchema, "strict": true]]
            #expect(harness.fake.receivedRequests.map { $0["response_format"] } == [expected, expected])
            #expect(harness.fake.receivedRequests.allSatisfy { $0["model"] == "gpt-4.1" })
        }
    }

    @Test func aSchemaWithOptionalFieldsGoesWithoutStrictAndIsAccepted() async throws {
        try await ProxyHarness.run { harness in
            harness.fake.enqueue(FakeReply(text: #"{"city":"Oslo"}"#))
            let reply = try await harness.post("/v1/messages", json: .object(weatherRequest(schema: Self.openSchema)))
            #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
            #expect(try reply.json["content"]?[0]?["text"] == #"{"city":"Oslo"}"#)
            #expect(
                harness.fake.receivedRequests.first?["response_format"]
                    == ["type": "json_schema", "json_schema": ["name": "response", "schema": Self.openSchema, "strict": false]])
        }
    }

    @Test func deepSeekGetsJSONObjectWithTheSchemaInItsSystemPrompt() async throws {
        let environment = ["DEEPSEEK_BASE_URL": "{upstream}/presets/deepseek", "DEEPSEEK_API_KEY": "sk-ds-fake"]
        try await ProxyHarness.run(environment: environment) { harness in
            let (whole, _, streamed) = try await wholeAndStreamed(harness, body: weatherRequest(model: "deepseek/deepseek-chat", schema: Self.closedSchema)) {
                harness.presets.enqueue(FakeReply(text: Self.weatherJSON))
            }
            #expect(whole.content == [.text(Self.weatherJSON)])
            #expect(streamed == whole)
            let sent = harness.presets.received.map(\.body)
            #expect(sent.count == 2)
            #expect(sent.allSatisfy { $0["response_format"] == ["type": "json_object"] })
            let system = sent.first?["messages"]?[0]
            #expect(system?["role"] == "system")
            #expect(system?["content"]?.stringValue?.hasSuffix("JSON schema:\n" + JSONWriter.string(Self.closedSchema)) == true)
        }
    }

    /// The fake is as strict as OpenAI, or the tests above would prove nothing.
    @Test func theFakeRefusesWhatOpenAIRefuses() throws {
        func problem(_ extra: JSONObject, model: String = "gpt-4.1") -> String? {
            var body: JSONObject = ["model": .string(model), "max_tokens": 10, "messages": [["role": "user", "content": "hi"]]]
            for member in extra.members { body[member.key] = member.value }
            return StrictOpenAIValidator.problem(with: .object(body))
        }
        let strictOpen: JSONValue = ["type": "json_schema", "json_schema": ["name": "r", "schema": Self.openSchema, "strict": true]]
        #expect(
            problem(["response_format": strictOpen])
                == "Invalid schema for response_format 'r': In context=(), 'additionalProperties' is required to be supplied and to be false.")
        var closedButOptional = try #require(Self.closedSchema.objectValue)
        closedButOptional["required"] = ["city"]
        #expect(
            problem(["response_format": ["type": "json_schema", "json_schema": ["name": "r", "schema": .object(closedButOptional), "strict": true]]])
                == "Invalid schema for response_format 'r': In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'celsius'."
        )
        #expect(
            problem(["response_format": ["type": "json_schema", "json_schema": ["name": "weather report", "schema": Self.closedSchema]]])?
                .hasPrefix("Invalid 'response_format.json_schema.name'") == true)
        #expect(
            problem(["response_format": ["type": "json_schema", "json_schema": ["name": "r", "schema": Self.closedSchema, "format": "x"]]])
                == "Unrecognized request argument supplied: response_format.json_schema.format")
        #expect(
            problem(["response_format": ["type": "json_object"]])
                == "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.")
        #expect(problem(["temperature": 0.5], model: "gpt-4o-search-preview") == "Model incompatible request argument supplied: temperature")
        #expect(problem(["web_search_options": [:]]) == "Web search options not supported with this model.")
        #expect(
            problem(["web_search_options": ["user_location": ["type": "approximate", "city": "Oslo"]]], model: "gpt-4o-search-preview")
                == "Missing required parameter: 'web_search_options.user_location.approximate'.")
        #expect(problem(["response_format": ["type": "json_schema", "json_schema": ["name": "r", "schema": Self.closedSchema, "strict": true]]]) == nil)
        #expect(problem(["web_search_options": ["user_location": ["type": "approximate", "approximate": ["country": "NO"]]]], model: "gpt-5-search-api") == nil)
    }

    // MARK: - Search models

    static let searchRequest: JSONObject = [
        "model": "openai/gpt-4o-search-preview", "max_tokens": 1_000, "temperature": 0.3,
        "messages": [["role": "user", "content": "What is new in Swift 6.3?"]],
        "tools": [["type": "web_search_20250305", "name": "web_search", "max_uses": 3, "user_location": ["type": "approximate", "city": "Oslo", "country": "NO"]]],
    ]

    static let answer = "Swift 6.3 är här 🎉 ([swift.org](https://www.swift.org/blog/swift-6.3/)). Mer på forumet ([forums.swift.org](https://forums.swift.org/t/6-3))."

    @Test func aSearchModelsAnswerArrivesAsAWebSearchWholeAndStreamed() async throws {
        let annotations: [JSONValue] = [
            ["type": "url_citation", "url_citation": ["url": "https://www.swift.org/blog/swift-6.3/", "title": "Swift 6.3", "start_index": 19, "end_index": 71]],
            ["type": "url_citation", "url_citation": ["url": "https://forums.swift.org/t/6-3", "title": "Forums", "start_index": 88, "end_index": 140]],
        ]
        try await ProxyHarness.run { harness in
            let (whole, wholeJSON, streamedReply) = try await wholeAndStreamed(harness, body: Self.searchRequest) {
                harness.fake.enqueue(FakeReply(text: Self.answer), annotations: annotations)
            }
            var streamed = streamedReply
            let toolUseID = try #require(whole.content.first.flatMap { block -> String? in
                if case .serverToolUse(let id, _, _) = block { return id }
                return nil
            })
            #expect(toolUseID.hasPrefix("srvtoolu_"))
            let swiftOrg = WebSearchResult(url: "https://www.swift.org/blog/swift-6.3/", title: "Swift 6.3")
            let forums = WebSearchResult(url: "https://forums.swift.org/t/6-3", title: "Forums")
            let firstLink = "([swift.org](https://www.swift.org/blog/swift-6.3/))"
            let secondLink = "([forums.swift.org](https://forums.swift.org/t/6-3))"
            #expect(
                whole.content == [
                    .serverToolUse(id: toolUseID, name: "web_search", input: ["query": "What is new in Swift 6.3?"]),
                    .webSearchToolResult(toolUseID: toolUseID, content: .results([swiftOrg, forums])),
                    .text("Swift 6.3 är här 🎉 "),
                    .citedText(firstLink, citations: [WebSearchCitation(url: swiftOrg.url, title: swiftOrg.title, citedText: firstLink)]),
                    .text(". Mer på forumet "),
                    .citedText(secondLink, citations: [WebSearchCitation(url: forums.url, title: forums.title, citedText: secondLink)]),
                    .text("."),
                ])
            #expect(wholeJSON["usage"]?["server_tool_use"] == ["web_search_requests": 1])
            #expect(whole.usage == Usage(inputTokens: 100, outputTokens: 20, webSearchRequests: 1))
            // Each reply derives its search's id from its own message id; past that, they agree.
            streamed.content = streamed.content.map(Self.withSearchID(toolUseID))
            #expect(streamed == whole)
            let sent = harness.fake.receivedRequests
            #expect(sent.count == 2)
            for body in sent {
                #expect(body["model"] == "gpt-4o-search-preview")
                #expect(body["web_search_options"] == ["user_location": ["type": "approximate", "approximate": ["city": "Oslo", "country": "NO"]]])
                #expect(body["temperature"] == nil)
                #expect(body["tools"] == nil)
            }
        }
    }

    @Test func aSearchModelAskedToCallToolsIsRefusedBeforeTheUpstream() async throws {
        try await ProxyHarness.run { harness in
            var body = Self.searchRequest
            body["tools"] = [["type": "web_search_20250305", "name": "web_search"], ["name": "Bash", "input_schema": ["type": "object"]]]
            let reply = try await harness.post("/v1/messages", json: .object(body))
            #expect(reply.status == 400)
            #expect(try reply.json["error"]?["type"] == "invalid_request_error")
            #expect(harness.fake.receivedRequests.isEmpty)
        }
    }

    private static func withSearchID(_ id: String) -> (ContentBlock) -> ContentBlock {
        { block in
            switch block {
            case .serverToolUse(_, let name, let input): .serverToolUse(id: id, name: name, input: input)
            case .webSearchToolResult(_, let content): .webSearchToolResult(toolUseID: id, content: content)
            default: block
            }
        }
    }
}
