import AsyncHTTPClient
import NIOCore
import ProxyCore
import Testing

/// Claude Code's web search through the real server to the strict fake Gemini, which grounds its
/// answer only when asked to search: the client gets Anthropic's searches, results and cited text,
/// the same whole and streamed, on every model; search beside client tools takes the mix each
/// model accepts; structured outputs reach Gemini as a JSON response schema.
@Suite struct GeminiWebSearchEndToEndTests {
    static let redirect = "https://vertexaisearch.cloud.google.com/grounding-api-redirect/"
    static let text = "Swift 6.3 erschien im März 2026. Die Straße zur neuen Concurrency ist frei 🚀. Details stehen im Blog."
    static let firstSentence = "Swift 6.3 erschien im März 2026."
    static let secondSentence = "Die Straße zur neuen Concurrency ist frei 🚀."

    /// The answer to the search, grounded in two pages; its supports' offsets count UTF-8 bytes.
    static var searchedReply: FakeGeminiReply {
        var reply = FakeGeminiReply(thought: "One search will do.", text: text)
        reply.groundingMetadata = [
            "webSearchQueries": ["swift 6.3 release notes"],
            "groundingChunks": [
                ["web": ["uri": .string(redirect + "AUZIYQswift"), "title": "swift.org"]],
                ["web": ["uri": .string(redirect + "AUZIYQforums"), "title": "forums.swift.org"]],
            ],
            "groundingSupports": [
                ["segment": ["endIndex": 33, "text": .string(firstSentence)], "groundingChunkIndices": [0]],
                ["segment": ["startIndex": 34, "endIndex": 82, "text": .string(secondSentence)], "groundingChunkIndices": [0, 1]],
            ],
            "searchEntryPoint": ["renderedContent": "<div>…</div>"],
        ]
        return reply
    }

    static let swiftOrg = WebSearchResult(url: redirect + "AUZIYQswift", title: "swift.org")
    static let forums = WebSearchResult(url: redirect + "AUZIYQforums", title: "forums.swift.org")

    /// What the client must get after the thinking, ids left out.
    static let searchedContent: [ContentBlock] = [
        .serverToolUse(id: "", name: "web_search", input: ["query": "swift 6.3 release notes"]),
        .webSearchToolResult(toolUseID: "", content: .results([swiftOrg, forums])),
        .citedText(firstSentence, citations: [WebSearchCitation(url: swiftOrg.url, title: swiftOrg.title, citedText: firstSentence)]),
        .text(" "),
        .citedText(
            secondSentence,
            citations: [
                WebSearchCitation(url: swiftOrg.url, title: swiftOrg.title, citedText: secondSentence),
                WebSearchCitation(url: forums.url, title: forums.title, citedText: secondSentence),
            ]),
        .text(" Details stehen im Blog."),
    ]

    static func environment(_ model: String) -> [String: String] {
        ["BIG_MODEL": "gemini/\(model)", "SMALL_MODEL": "gemini/\(model)"]
    }

    /// The content with the reply's own ids and signatures left out, after checking that every
    /// search id is Anthropic's kind and its result answers it.
    static func comparable(_ message: AnthropicMessage) -> [ContentBlock] {
        var lastSearchID = ""
        return message.content.map { block in
            switch block {
            case .serverToolUse(let id, let name, let input):
                #expect(id.hasPrefix("srvtoolu_"))
                lastSearchID = id
                return .serverToolUse(id: "", name: name, input: input)
            case .webSearchToolResult(let id, let content):
                #expect(id == lastSearchID)
                return .webSearchToolResult(toolUseID: "", content: content)
            case .toolUse(_, let name, let input): return .toolUse(id: "", name: name, input: input)
            case .thinking(let text, _): return .thinking(text, signature: "")
            default: return block
            }
        }
    }

    /// The whole and the streamed reply to `body` when Gemini answers `reply`, with the whole
    /// reply's JSON and the stream's events.
    private func wholeAndStreamed(_ harness: ProxyHarness, body: JSONValue, reply: FakeGeminiReply) async throws -> (
        whole: JSONValue, streamed: AnthropicMessage, events: [AnthropicStreamEvent]
    ) {
        try await harness.wholeAndStreamed(body) { harness.gemini.enqueue(reply) }
    }

    @Test(arguments: ["gemini-3-pro-preview", "gemini-2.5-flash", "gemini-2.0-flash"])
    func claudeCodesWebSearchGetsSearchesResultsAndCitedTextWholeAndStreamed(model: String) async throws {
        try await ProxyHarness.run(environment: Self.environment(model)) { harness in
            let (wholeJSON, streamed, events) = try await wholeAndStreamed(harness, body: try claudeCodeFixture("web-search-request"), reply: Self.searchedReply)
            let whole = try AnthropicMessage(json: wholeJSON)
            #expect(Self.comparable(whole) == [.thinking("One search will do.", signature: "")] + Self.searchedContent)
            #expect(Self.comparable(streamed) == Self.comparable(whole), "the accumulated stream equals the whole reply")
            #expect(wholeJSON["usage"]?["server_tool_use"] == ["web_search_requests": 1])
            #expect(wholeJSON["model"] == "claude-opus-5-5")
            guard case .messageDelta(.endTurn, nil, let usage, nil, nil)? = events.dropLast().last else {
                Issue.record("no message_delta before message_stop: \(events.suffix(2))")
                return
            }
            #expect(usage == Usage(inputTokens: 100, outputTokens: 20, webSearchRequests: 1))
            // Gemini was asked to search, and only that: the fake grounds nothing otherwise.
            #expect(harness.gemini.generateRequests.map { $0["tools"] } == [[["googleSearch": [:]]], [["googleSearch": [:]]]])
            #expect(harness.gemini.generateRequests.allSatisfy { $0["toolConfig"] == nil })
        }
    }

    @Test func aReplyWithoutGroundingIsPlainTextWithNoSearchCounted() async throws {
        try await ProxyHarness.run(environment: Self.environment("gemini-2.5-flash")) { harness in
            let (wholeJSON, streamed, _) = try await wholeAndStreamed(
                harness, body: try claudeCodeFixture("web-search-request"), reply: FakeGeminiReply(text: "I know this without searching."))
            #expect(wholeJSON["content"] == [["type": "text", "text": "I know this without searching."]])
            #expect(wholeJSON["usage"]?["server_tool_use"] == nil)
            #expect(streamed.content == [.text("I know this without searching.")])
        }
    }

    // MARK: - Search beside client tools

    private static let bash: JSONValue = [
        "name": "Bash", "description": "Runs a shell command.",
        "input_schema": ["type": "object", "properties": ["command": ["type": "string"]], "required": ["command"]],
    ]

    private static func searchAndBash(_ messages: [JSONValue], stream: Bool = false) -> JSONValue {
        [
            "model": "claude-opus-5-5", "max_tokens": 4_096, "stream": .bool(stream), "messages": .array(messages),
            "tools": [bash, ["type": "web_search_20250305", "name": "web_search", "max_uses": 5]],
        ]
    }

    @Test(arguments: [false, true])
    func gemini3SearchesBesideClientToolsAndTheSessionGoesOn(stream: Bool) async throws {
        try await ProxyHarness.run(environment: Self.environment("gemini-3-pro-preview")) { harness in
            var searched = Self.searchedReply
            searched.calls = [.init(name: "Bash", arguments: ["command": "swift --version"])]
            harness.gemini.enqueue(searched, FakeGeminiReply(text: "Your toolchain is 6.3."))
            var messages: [JSONValue] = [["role": "user", "content": "Is my Swift up to date?"]]
            let first = try await harness.post("/v1/messages", json: Self.searchAndBash(messages, stream: stream))
            #expect(first.status == 200, "\(String(decoding: first.body, as: UTF8.self))")
            let message: AnthropicMessage
            if stream {
                var accumulator = StreamAccumulator()
                for event in try first.events { try accumulator.consume(event) }
                message = try #require(accumulator.finalMessage)
            } else {
                message = try AnthropicMessage(json: try first.json)
            }
            // The fake put its own search calls' parts first: they stay Gemini's.
            #expect(
                Self.comparable(message)
                    == [.thinking("One search will do.", signature: "")] + Self.searchedContent
                    + [.toolUse(id: "", name: "Bash", input: ["command": "swift --version"])])
            #expect(message.stopReason == .toolUse)
            let sent = try #require(harness.gemini.generateRequests.first)
            #expect(sent["tools"]?.arrayValue?.map { $0.objectValue?.keys ?? [] } == [["functionDeclarations"], ["googleSearch"]])
            #expect(sent["toolConfig"]?["includeServerSideToolInvocations"] == true)

            // The next turn sends the search back as history, and the call's signature with it.
            let use = try #require(message.content.last?.json)
            messages += [
                ["role": "assistant", "content": .array(message.content.map(\.json))],
                ["role": "user", "content": [["type": "tool_result", "tool_use_id": use["id"] ?? nil, "content": "Swift version 6.3"]]],
            ]
            let second = try await harness.post("/v1/messages", json: Self.searchAndBash(messages))
            #expect(second.status == 200, "\(String(decoding: second.body, as: UTF8.self))")
            #expect(try second.json["content"] == [["type": "text", "text": "Your toolchain is 6.3."]])
            let history = try #require(harness.gemini.generateRequests.last?["contents"]?[1]?["parts"]?.arrayValue)
            #expect(history.contains(["text": "Searched the web for: swift 6.3 release notes"]))
            #expect(history.last?["functionCall"]?["name"] == "Bash")
        }
    }

    @Test func earlierModelsSearchAloneWhenTheRequestAlsoHasClientTools() async throws {
        try await ProxyHarness.run(environment: Self.environment("gemini-2.5-pro")) { harness in
            harness.gemini.enqueue(Self.searchedReply)
            let reply = try await harness.post("/v1/messages", json: Self.searchAndBash([["role": "user", "content": "What is new in Swift 6.3?"]]))
            #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
            #expect(Self.comparable(try AnthropicMessage(json: try reply.json)).dropFirst() == ArraySlice(Self.searchedContent))
            let sent = try #require(harness.gemini.generateRequests.first)
            #expect(sent["tools"] == [["googleSearch": [:]]])
            #expect(sent["toolConfig"] == nil)
        }
    }

    // MARK: - Structured outputs

    @Test(arguments: ["gemini-3-pro-preview", "gemini-2.0-flash"])
    func structuredOutputsReachGeminiAsAJSONResponseSchema(model: String) async throws {
        try await ProxyHarness.run(environment: Self.environment(model)) { harness in
            harness.gemini.enqueue(FakeGeminiReply(text: #"{"version":"6.3"}"#))
            let schema: JSONValue = [
                "type": "object", "properties": ["version": ["type": "string"]], "required": ["version"], "additionalProperties": false,
            ]
            let reply = try await harness.post(
                "/v1/messages",
                json: [
                    "model": "claude-opus-5-5", "max_tokens": 1_024, "messages": [["role": "user", "content": "Which Swift?"]],
                    "output_config": ["format": ["type": "json_schema", "schema": schema]],
                ])
            #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
            #expect(try reply.json["content"] == [["type": "text", "text": #"{"version":"6.3"}"#]])
            let config = try #require(harness.gemini.generateRequests.first?["generationConfig"])
            #expect(config["responseMimeType"] == "application/json")
            #expect(config[model.hasPrefix("gemini-3") ? "responseJsonSchema" : "responseSchema"] != nil)
        }
    }

    // MARK: - The fake is as strict as Gemini

    @Test func theFakeRefusesWhatGeminiRefusesOfBuiltInToolsAndResponseSchemas() async throws {
        try await ProxyHarness.run { harness in
            func post(_ model: String, _ body: JSONObject) async throws -> (Int, String) {
                var body = body
                body["contents"] = [["role": "user", "parts": [["text": "Hi"]]]]
                var request = HTTPClientRequest(url: harness.upstreamURL + "/v1beta/models/\(model):generateContent")
                request.method = .POST
                request.headers.add(name: "x-goog-api-key", value: FakeGeminiUpstream.apiKey)
                request.body = .bytes(ByteBuffer(bytes: JSONWriter.encode(.object(body))))
                let response = try await harness.client.execute(request, timeout: .seconds(10))
                let reply = try JSONParser.parse(Array(try await response.body.collect(upTo: 1 << 20).readableBytesView))
                return (Int(response.status.code), reply["error"]?["message"]?.stringValue ?? "")
            }
            let functions: JSONValue = ["functionDeclarations": [["name": "Bash", "parametersJsonSchema": ["type": "object"]]]]
            let rejected: [(String, JSONObject, String)] = [
                ("gemini-2.5-pro", ["tools": [functions, ["googleSearch": [:]]]], "Tool use with function calling is unsupported"),
                ("gemini-2.5-pro", ["tools": [functions, ["urlContext": [:]]]], "Tool use with function calling is unsupported"),
                ("gemini-3-pro-preview", ["tools": [functions, ["googleSearch": [:]]]], "include_server_side_tool_invocations"),
                ("gemini-2.5-pro", ["tools": [["webSearch": [:]]]], "Unknown name \"webSearch\""),
                ("gemini-2.5-pro", ["tools": [["googleSearch": ["maxUses": 3]]]], "Unknown name \"maxUses\""),
                ("gemini-2.5-pro", ["tools": [["urlContext": ["urls": []]]]], "Unknown name \"urls\""),
                ("gemini-2.5-pro", ["toolConfig": ["serverSideTools": true]], "Unknown name \"serverSideTools\""),
                ("gemini-2.5-pro", ["generationConfig": ["responseJsonSchema": ["type": "object"]]], "must be application/json"),
                (
                    "gemini-2.5-pro",
                    ["generationConfig": ["responseMimeType": "application/json", "responseSchema": ["type": "object"], "responseJsonSchema": ["type": "object"]]],
                    "mutually exclusive"
                ),
                (
                    "gemini-2.0-flash",
                    ["generationConfig": ["responseMimeType": "application/json", "responseSchema": ["type": "object", "additionalProperties": false]]],
                    "Unknown name \"additionalProperties\""
                ),
            ]
            for (model, body, wording) in rejected {
                let (status, message) = try await post(model, body)
                #expect(status == 400, "\(wording): \(message)")
                #expect(message.contains(wording), "\(message)")
            }
            let accepted: [(String, JSONObject)] = [
                ("gemini-2.0-flash", ["tools": [["googleSearch": [:]], ["urlContext": [:]]]]),
                ("gemini-3-pro-preview", ["tools": [functions, ["googleSearch": [:]]], "toolConfig": ["includeServerSideToolInvocations": true]]),
            ]
            for (model, body) in accepted {
                let (status, message) = try await post(model, body)
                #expect(status == 200, "\(model): \(message)")
            }
        }
    }
}
