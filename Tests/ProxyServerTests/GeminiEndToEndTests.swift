import AsyncHTTPClient
import NIOCore
import ProxyCore
import Testing

/// The real server against the strict fake Gemini upstream: every Claude Code fixture goes through,
/// whole and streamed; a multi-turn tool session on Gemini 3 keeps its thought signatures; errors,
/// malformed function calls and count_tokens come back as Anthropic's.
@Suite struct GeminiEndToEndTests {
    static let fixtures = ["first-turn", "tool-result-turn", "parallel-tool-results-turn"]
    static let models = ["gemini-3-pro-preview", "gemini-2.5-pro", "gemini-2.0-flash"]

    /// Claude's names served by a Gemini model.
    static func environment(_ model: String = "gemini-3-pro-preview") -> [String: String] {
        ["BIG_MODEL": "gemini/\(model)", "SMALL_MODEL": "gemini/\(model)"]
    }

    static let bash = FakeGeminiReply.Call(name: "Bash", arguments: ["command": "ls -la", "description": "List files"])
    static let read = FakeGeminiReply.Call(name: "Read", arguments: ["file_path": "/tmp/project/README.md"])

    static let replies: [(name: String, reply: FakeGeminiReply)] = [
        ("text", FakeGeminiReply(text: "I'll look at the project structure first.")),
        ("thinking", FakeGeminiReply(thought: "The user wants a number; 6 times 7.", text: "The answer is 42.")),
        ("tool call", FakeGeminiReply(text: "Let me list the files.", calls: [bash])),
        ("parallel tool calls", FakeGeminiReply(thought: "Both at once.", calls: [read, bash])),
    ]

    /// The message with what differs between two replies to the same request left out: ids, and
    /// the fresh signatures the fake issues with every reply.
    static func comparable(_ message: AnthropicMessage) -> AnthropicMessage {
        var message = message
        message.id = ""
        message.content = message.content.map { block in
            switch block {
            case .toolUse(_, let name, let input): .toolUse(id: "", name: name, input: input)
            case .thinking(let text, _): .thinking(text, signature: "")
            default: block
            }
        }
        return message
    }

    /// The whole reply and the streamed reply to the same request and upstream answer.
    private func wholeAndStreamed(
        _ harness: ProxyHarness, body: JSONValue, reply: FakeGeminiReply
    ) async throws -> (whole: AnthropicMessage, streamed: AnthropicMessage, events: [AnthropicStreamEvent]) {
        let (whole, streamed, events) = try await harness.wholeAndStreamed(body) { harness.gemini.enqueue(reply) }
        return (try AnthropicMessage(json: whole), streamed, events)
    }

    @Test(arguments: fixtures, models)
    func claudeCodeFixtureGoesThroughWholeAndStreamedWithEveryReplyShape(fixture: String, model: String) async throws {
        let body = try claudeCodeFixture(fixture)
        try await ProxyHarness.run(environment: Self.environment(model)) { harness in
            for (name, reply) in Self.replies {
                let (whole, streamed, _) = try await wholeAndStreamed(harness, body: body, reply: reply)
                #expect(whole.model == "claude-opus-5-5", "\(name): the reply echoes the client's model")
                #expect(whole.stopReason == (reply.calls.isEmpty ? .endTurn : .toolUse), "\(name)")
                #expect(whole.usage == Usage(inputTokens: 100, outputTokens: 20), "\(name)")
                let toolUses = whole.content.compactMap { block -> (String, String)? in
                    if case .toolUse(let id, let name, _) = block { return (id, name) }
                    return nil
                }
                #expect(toolUses.map(\.1) == reply.calls.map(\.name), "\(name)")
                if let first = toolUses.first {
                    let signature = try #require(GeminiThoughtSignature.signature(inToolUseID: first.0), "\(name): the first call carries its signature")
                    #expect(harness.gemini.isIssued(signature))
                }
                #expect(Self.comparable(streamed) == Self.comparable(whole), "\(name): the accumulated stream equals the whole reply")
            }
            // Every request passed the fake's strict checks (or it would have answered 400).
            let sent = harness.gemini.receivedRequests
            #expect(sent.map(\.method) == Array(repeating: ["generateContent", "streamGenerateContent"], count: Self.replies.count).flatMap { $0 })
            #expect(sent.allSatisfy { $0.model == model })
            let ceiling = StrictGeminiValidator.outputCeilings[model]!
            #expect(sent.allSatisfy { $0.body["generationConfig"]?["maxOutputTokens"] == .int(ceiling) }, "128000 clamped to the model's ceiling")
        }
    }

    @Test func toolInputArrivesAsJSONAfterAnEmptyStart() async throws {
        try await ProxyHarness.run(environment: Self.environment()) { harness in
            let (whole, _, events) = try await wholeAndStreamed(harness, body: try claudeCodeFixture("first-turn"), reply: Self.replies[2].reply)
            guard case .toolUse(let id, _, _)? = whole.content.last else {
                Issue.record("no tool_use in \(whole)")
                return
            }
            #expect(id.hasPrefix("toolu_") && id.contains("_sig_"))
            let starts = events.compactMap { event -> String? in
                if case .contentBlockStart(1, .toolUse(_, let name)) = event { return name }
                return nil
            }
            #expect(starts == ["Bash"])
            #expect(events.contains(.contentBlockDelta(index: 1, delta: .inputJSON(#"{"command":"ls -la","description":"List files"}"#))))
            // The fixture asks for thinking kept in every turn: nothing cleared, said as Anthropic says it.
            let nothingCleared = ContextEditReport(appliedEdits: [])
            #expect(
                events.suffix(2) == [
                    .messageDelta(stopReason: .toolUse, stopSequence: nil, usage: Usage(inputTokens: 100, outputTokens: 20), contextManagement: nothingCleared),
                    .messageStop,
                ])
        }
    }

    // MARK: - Thought signatures through a session

    private static let tools: JSONValue = [
        [
            "name": "Bash", "description": "Runs a shell command.",
            "input_schema": [
                "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
                "properties": ["command": ["type": "string"], "description": ["type": "string"]], "required": ["command"], "additionalProperties": false,
            ],
        ],
        ["name": "Read", "input_schema": ["type": "object", "properties": ["file_path": ["type": "string"]], "required": ["file_path"]]],
    ]

    /// The assistant's reply as the client keeps it in its history: the wire JSON of its content.
    private func reply(_ harness: ProxyHarness, _ messages: [JSONValue], stream: Bool) async throws -> JSONValue {
        let body: JSONValue = [
            "model": "claude-opus-5-5", "max_tokens": 128_000, "stream": .bool(stream), "tools": Self.tools, "messages": .array(messages),
            "thinking": ["type": "adaptive"], "output_config": ["effort": "medium"],
        ]
        let response = try await harness.post("/v1/messages?beta=true", json: body)
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        guard stream else { return try response.json }
        var accumulator = StreamAccumulator()
        for event in try response.events { try accumulator.consume(event) }
        return try #require(accumulator.finalMessage).json
    }

    private func toolResults(for reply: JSONValue, outputs: [String]) -> JSONValue {
        let uses = (reply["content"]?.arrayValue ?? []).filter { $0["type"] == "tool_use" }
        return .array(zip(uses, outputs).map { use, output in ["type": "tool_result", "tool_use_id": use["id"] ?? nil, "content": .string(output)] })
    }

    @Test(arguments: [false, true])
    func aMultiTurnToolSessionOnGemini3KeepsItsSignatures(stream: Bool) async throws {
        try await ProxyHarness.run(environment: Self.environment()) { harness in
            var late = FakeGeminiReply(thought: "Now the README.", calls: [Self.read])
            late.lateSignature = true
            harness.gemini.enqueue(
                FakeGeminiReply(thought: "Look around first.", text: "Checking.", calls: [Self.bash, .init(name: "Bash", arguments: ["command": "git status"])]),
                late, FakeGeminiReply(text: "The project is a Swift package."))
            var messages: [JSONValue] = [["role": "user", "content": "What is this project?"]]

            let first = try await reply(harness, messages, stream: stream)
            #expect(first["stop_reason"] == "tool_use")
            messages += [["role": "assistant", "content": first["content"] ?? []], ["role": "user", "content": toolResults(for: first, outputs: ["README.md", "clean"])]]

            let second = try await reply(harness, messages, stream: stream)
            #expect(second["stop_reason"] == "tool_use")
            messages += [["role": "assistant", "content": second["content"] ?? []], ["role": "user", "content": toolResults(for: second, outputs: ["# Swift"])]]

            let third = try await reply(harness, messages, stream: stream)
            #expect(third["content"] == [["type": "text", "text": "The project is a Swift package."]])

            // What Gemini received on the last turn: every step's first call with the signature
            // Gemini issued for it, thoughts with theirs, the answers named after their calls.
            let contents = try #require(harness.gemini.generateRequests.last?["contents"]?.arrayValue)
            #expect(contents.map { $0["role"]?.stringValue ?? "" } == ["user", "model", "user", "model", "user"])
            for step in [contents[1], contents[3]] {
                let parts = step["parts"]?.arrayValue ?? []
                let calls = parts.filter { $0["functionCall"] != nil }
                let signature = try #require(calls.first?["thoughtSignature"]?.stringValue)
                #expect(harness.gemini.isIssued(signature))
                #expect(calls.dropFirst().allSatisfy { $0["thoughtSignature"] == nil })
                let thought = try #require(parts.first { $0["thought"] == true })
                #expect(harness.gemini.isIssued(thought["thoughtSignature"]?.stringValue ?? ""))
            }
            #expect(contents[2]["parts"]?.arrayValue?.compactMap { $0["functionResponse"]?["name"]?.stringValue } == ["Bash", "Bash"])
            #expect(contents[4]["parts"]?[0] == ["functionResponse": ["name": "Read", "response": ["output": "# Swift"]]])
        }
    }

    @Test func anAlteredSignatureIsRejectedAndAnUnknownOneGetsTheStandIn() async throws {
        try await ProxyHarness.run(environment: Self.environment() + ["MAX_RETRIES": "0"]) { harness in
            harness.gemini.enqueue(FakeGeminiReply(calls: [Self.bash]))
            let first = try await reply(harness, [["role": "user", "content": "List."]], stream: false)
            let use = try #require(first["content"]?[0])
            let id = try #require(use["id"]?.stringValue)
            func followUp(_ id: String) -> [JSONValue] {
                var altered = use.objectValue!
                altered["id"] = .string(id)
                return [
                    ["role": "user", "content": "List."], ["role": "assistant", "content": [.object(altered)]],
                    ["role": "user", "content": [["type": "tool_result", "tool_use_id": .string(id), "content": "a.txt"]]],
                ]
            }
            // A client that changed the signature: Gemini refuses, and says why.
            let tampered = id.dropLast(4) + (id.hasSuffix("AAAA") ? "BBBB" : "AAAA")
            let body: JSONValue = ["model": "claude-opus-5-5", "max_tokens": 1_000, "tools": Self.tools, "messages": .array(followUp(String(tampered)))]
            let refused = try await harness.post("/v1/messages", json: body)
            #expect(refused.status == 400)
            #expect(try refused.json["error"]?["type"] == "invalid_request_error")
            #expect(try refused.json["error"]?["message"]?.stringValue?.contains("Corrupted thought signature") == true)
            // History from another model (no signature at all) goes with Google's stand-in.
            harness.gemini.enqueue(FakeGeminiReply(text: "Listed."))
            let accepted = try await harness.post(
                "/v1/messages", json: ["model": "claude-opus-5-5", "max_tokens": 1_000, "tools": Self.tools, "messages": .array(followUp("call_from_openai"))])
            #expect(accepted.status == 200, "\(String(decoding: accepted.body, as: UTF8.self))")
            #expect(harness.gemini.generateRequests.last?["contents"]?[1]?["parts"]?[0]?["thoughtSignature"] == "skip_thought_signature_validator")
        }
    }

    @Test func aSessionStartedOnGeminiGoesOnWithOpenAI() async throws {
        try await ProxyHarness.run(environment: Self.environment()) { harness in
            harness.gemini.enqueue(FakeGeminiReply(calls: [Self.bash]))
            let first = try await reply(harness, [["role": "user", "content": "List."]], stream: false)
            let messages: JSONValue = [
                ["role": "user", "content": "List."], ["role": "assistant", "content": first["content"] ?? []],
                ["role": "user", "content": toolResults(for: first, outputs: ["a.txt"])],
            ]
            // /model switched to an OpenAI model: Gemini's long, signed ids must still be accepted.
            let switched = try await harness.post("/v1/messages", json: ["model": "openai/gpt-4.1", "max_tokens": 1_000, "tools": Self.tools, "messages": messages])
            #expect(switched.status == 200, "\(String(decoding: switched.body, as: UTF8.self))")
            let sent = try #require(harness.fake.receivedRequests.last?["messages"]?.arrayValue)
            let callID = try #require(sent[1]["tool_calls"]?[0]?["id"]?.stringValue)
            #expect(callID.count <= 40)
            #expect(sent[2]["tool_call_id"]?.stringValue == callID)
        }
    }

    // MARK: - The fake is as strict as Gemini

    @Test func theFakeRejectsWhatGeminiRejects() async throws {
        try await ProxyHarness.run { harness in
            func post(_ model: String, _ body: JSONValue) async throws -> (Int, String) {
                var request = HTTPClientRequest(url: harness.upstreamURL + "/v1beta/models/\(model):generateContent")
                request.method = .POST
                request.headers.add(name: "x-goog-api-key", value: FakeGeminiUpstream.apiKey)
                request.body = .bytes(ByteBuffer(bytes: JSONWriter.encode(body)))
                let response = try await harness.client.execute(request, timeout: .seconds(10))
                let reply = try JSONParser.parse(Array(try await response.body.collect(upTo: 1 << 20).readableBytesView))
                return (Int(response.status.code), reply["error"]?["message"]?.stringValue ?? "")
            }
            let user: JSONValue = ["role": "user", "parts": [["text": "Hi"]]]
            let call: JSONValue = ["role": "model", "parts": [["functionCall": ["name": "Bash", "args": ["command": "ls"]]]]]
            let answer: JSONValue = ["role": "user", "parts": [["functionResponse": ["name": "Bash", "response": ["output": "x"]]]]]
            let bash: JSONValue = ["name": "Bash", "parameters": ["type": "object", "properties": ["command": ["type": "string"]]]]
            let rejected: [(String, JSONValue, String)] = [
                ("gemini-2.5-pro", ["contents": [["role": "assistant", "parts": [["text": "Hi"]]]]], "valid role"),
                ("gemini-2.5-pro", ["contents": [["role": "user", "parts": []]]], "must not be empty"),
                ("gemini-2.5-pro", ["contents": [["role": "user", "parts": [["text": ""]]]]], "empty text"),
                ("gemini-2.5-pro", ["contents": [user, user]], "alternate"),
                ("gemini-2.5-pro", ["contents": [user], "model": "x"], "Unknown name \"model\""),
                ("gemini-2.5-pro", ["contents": [user, call, user], "tools": [["functionDeclarations": [bash]]]], "number of function response parts"),
                (
                    "gemini-2.5-pro",
                    ["contents": [user], "tools": [["functionDeclarations": [["name": "Bash", "parameters": ["$schema": "x", "type": "object", "properties": ["a": ["type": "string"]]]]]]]],
                    "Unknown name \"$schema\""
                ),
                (
                    "gemini-2.5-pro",
                    [
                        "contents": [user],
                        "tools": [["functionDeclarations": [["name": "Bash", "parameters": ["type": "object", "properties": ["a": ["type": ["string", "null"]]]]]]]],
                    ], "Proto field is not repeating"
                ),
                (
                    "gemini-2.5-pro",
                    [
                        "contents": [user],
                        "tools": [["functionDeclarations": [["name": "Bash", "parameters": ["type": "object", "properties": ["a": ["type": "string"]], "additionalProperties": false]]]]],
                    ], "Unknown name \"additionalProperties\""
                ),
                ("gemini-2.5-pro", ["contents": [user], "generationConfig": ["maxOutputTokens": 128_000]], "maxOutputTokens value of 128000"),
                ("gemini-2.5-pro", ["contents": [user], "generationConfig": ["thinkingConfig": ["thinkingLevel": "high"]]], "Thinking level is not supported"),
                ("gemini-2.5-pro", ["contents": [user], "generationConfig": ["thinkingConfig": ["thinkingBudget": 0]]], "only works in thinking mode"),
                ("gemini-3-pro-preview", ["contents": [user], "generationConfig": ["thinkingConfig": ["thinkingLevel": "medium"]]], "not supported"),
                ("gemini-3-pro-preview", ["contents": [user, call, answer], "tools": [["functionDeclarations": [bash]]]], "missing a thought_signature"),
                (
                    "gemini-3-pro-preview",
                    [
                        "contents": [
                            user, ["role": "model", "parts": [["functionCall": ["name": "Bash", "args": [:]], "thoughtSignature": "AAAAAAAAAAAAAAAAAAAAAA=="]]], answer,
                        ],
                        "tools": [["functionDeclarations": [bash]]],
                    ], "Corrupted thought signature"
                ),
            ]
            for (model, body, wording) in rejected {
                let (status, message) = try await post(model, body)
                #expect(status == 400, "\(wording): \(message)")
                #expect(message.contains(wording), "\(message)")
            }
            let (status, _) = try await post("gemini-3-pro-preview", ["contents": [user, call.withSignature("skip_thought_signature_validator"), answer], "tools": [["functionDeclarations": [bash]]]])
            #expect(status == 200, "the documented stand-in is accepted")
        }
    }

    // MARK: - Errors

    private static let simple: JSONValue = ["model": "claude-sonnet-4-6", "max_tokens": 100, "messages": [["role": "user", "content": "hi"]]]

    private func post(_ harness: ProxyHarness, stream: Bool = false) async throws -> ProxyHarness.Reply {
        var request = try #require(Self.simple.objectValue)
        request["stream"] = .bool(stream)
        return try await harness.post("/v1/messages", json: .object(request))
    }

    @Test func resourceExhaustedIsARateLimitWithTheRetryDelay() async throws {
        try await ProxyHarness.run(environment: Self.environment() + ["MAX_RETRIES": "0"]) { harness in
            harness.gemini.enqueue(.failure(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.", retryDelay: "41s"))
            let response = try await post(harness)
            #expect(response.status == 429)
            #expect(response.headers["retry-after"] == "41")
            #expect(try response.json["error"]?["type"] == "rate_limit_error")
            #expect(try response.json["error"]?["message"]?.stringValue?.contains("You exceeded your current quota.") == true)
        }
    }

    @Test(arguments: [false, true])
    func unavailableIsAnOverloadBeforeTheStreamStarts(stream: Bool) async throws {
        try await ProxyHarness.run(environment: Self.environment() + ["MAX_RETRIES": "0"]) { harness in
            harness.gemini.enqueue(.failure(503, "UNAVAILABLE", "The model is overloaded. Please try again later."))
            let response = try await post(harness, stream: stream)
            #expect(response.status == 529)
            #expect(response.headers["content-type"] == "application/json")
            #expect(try response.json["error"]?["type"] == "overloaded_error")
        }
    }

    @Test func anOverloadIsRetriedAndTheRetryServes() async throws {
        try await ProxyHarness.run(environment: Self.environment() + ["RETRY_MAX_WAIT_SECONDS": "1"]) { harness in
            harness.gemini.enqueue(.failure(503, "UNAVAILABLE", "The model is overloaded."), FakeGeminiReply(text: "Second time lucky."))
            let response = try await post(harness)
            #expect(response.status == 200)
            #expect(try response.json["content"]?[0]?["text"] == "Second time lucky.")
            #expect(harness.gemini.generateRequests.count == 2)
        }
    }

    @Test func aKeyGeminiRejectsIsA401NamingTheSettingButNotTheKey() async throws {
        let wrongKey = "AIzaWrongKey-abcdefghijklmnopqrstuvwxyz"
        try await ProxyHarness.run(environment: Self.environment() + ["GEMINI_API_KEY": wrongKey]) { harness in
            let response = try await post(harness)
            #expect(response.status == 401)
            let message = try #require(try response.json["error"]?["message"]?.stringValue)
            #expect(try response.json["error"]?["type"] == "authentication_error")
            #expect(message.contains("GEMINI_API_KEY") && message.contains("API key not valid"))
            #expect(!message.contains(wrongKey))
            #expect(!harness.logs.all.contains { $0.contains(wrongKey) })
        }
    }

    @Test(arguments: [false, true])
    func contextOverflowIsTheErrorClaudeCodeCompactsOn(stream: Bool) async throws {
        try await ProxyHarness.run(environment: Self.environment()) { harness in
            harness.gemini.enqueue(
                .failure(400, "INVALID_ARGUMENT", "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576)."))
            let response = try await post(harness, stream: stream)
            #expect(response.status == 400)
            #expect(try response.json["error"]?["type"] == "invalid_request_error")
            #expect(try response.json["error"]?["message"] == "prompt is too long: 1200000 tokens > 1048576 maximum")
        }
    }

    @Test func aStreamCutByGeminiEndsWithAnErrorEventNotMessageStop() async throws {
        try await ProxyHarness.run(environment: Self.environment()) { harness in
            var reply = FakeGeminiReply(text: "This answer will be cut off before it is complete.")
            reply.cutStream = true
            harness.gemini.enqueue(reply)
            let events = try await post(harness, stream: true).events
            #expect(!events.contains(.messageStop))
            guard case .error(let error)? = events.last else {
                Issue.record("the stream must end with an error event, got \(events)")
                return
            }
            #expect(error.kind == .api && error.message.contains("cut off"))
        }
    }

    // MARK: - Malformed function calls

    private static var malformed: FakeGeminiReply {
        var reply = FakeGeminiReply(thought: "I'll call it.", finishReason: "MALFORMED_FUNCTION_CALL")
        reply.finishMessage = "Malformed function call: print(default_api.Bash(command='ls'"
        return reply
    }

    @Test(arguments: [false, true])
    func aMalformedFunctionCallIsAskedForOnceMore(stream: Bool) async throws {
        try await ProxyHarness.run(environment: Self.environment()) { harness in
            harness.gemini.enqueue(Self.malformed, FakeGeminiReply(text: "Listing.", calls: [Self.bash]))
            let response = try await post(harness, stream: stream)
            #expect(response.status == 200)
            let message: AnthropicMessage
            if stream {
                let events = try response.events
                #expect(events.filter { if case .messageStart = $0 { true } else { false } }.count == 1, "one message, continued")
                var accumulator = StreamAccumulator()
                for event in events { try accumulator.consume(event) }
                message = try #require(accumulator.finalMessage)
                #expect(message.content.first.map { if case .thinking("I'll call it.", _) = $0 { true } else { false } } == true)
            } else {
                message = try AnthropicMessage(json: try response.json)
            }
            #expect(message.stopReason == .toolUse)
            #expect(message.content.suffix(2).map { if case .toolUse = $0 { "tool_use" } else if case .text(let text) = $0 { text } else { "?" } } == ["Listing.", "tool_use"])
            #expect(harness.gemini.generateRequests.count == 2)
        }
    }

    @Test(arguments: [false, true])
    func aSecondMalformedFunctionCallIsAClearErrorNotRetriedAgain(stream: Bool) async throws {
        try await ProxyHarness.run(environment: Self.environment()) { harness in
            harness.gemini.enqueue(Self.malformed, Self.malformed, FakeGeminiReply(text: "never sent"))
            let response = try await post(harness, stream: stream)
            let error: AnthropicError
            if stream {
                guard case .error(let streamed)? = try response.events.last else {
                    Issue.record("the stream must end with an error event")
                    return
                }
                error = streamed
            } else {
                #expect(response.status == 502)
                #expect(response.headers["x-should-retry"] == "false")
                error = AnthropicError(.api, try #require(try response.json["error"]?["message"]?.stringValue))
            }
            #expect(error.kind == .api)
            #expect(error.message.contains("malformed function call twice") && error.message.contains("print(default_api.Bash"))
            #expect(harness.gemini.generateRequests.count == 2)
        }
    }

    // MARK: - count_tokens, routing

    @Test func countTokensAsksGeminiAndFallsBackToTheEstimate() async throws {
        try await ProxyHarness.run(environment: Self.environment()) { harness in
            var body = try #require(try claudeCodeFixture("first-turn").objectValue)
            body["max_tokens"] = nil
            body["stream"] = nil
            let counted = try await harness.post("/v1/messages/count_tokens", json: .object(body))
            #expect(counted.status == 200)
            // The fixture's context edit (thinking kept in every turn) clears nothing.
            #expect(
                try counted.json
                    == ["input_tokens": .int(FakeGeminiUpstream.countedTokens), "context_management": ["original_input_tokens": .int(FakeGeminiUpstream.countedTokens)]])
            let asked = try #require(harness.gemini.receivedRequests.last)
            #expect(asked.method == "countTokens")
            #expect(asked.body["generateContentRequest"]?["tools"]?[0]?["functionDeclarations"]?.arrayValue?.count == 11, "the deferred tool that was never loaded is left out")

            harness.gemini.failCountTokens(with: .failure(500, "INTERNAL", "An internal error has occurred."))
            let estimated = try await harness.post("/v1/messages/count_tokens", json: .object(body))
            #expect(estimated.status == 200)
            let tokens = try #require(try estimated.json["input_tokens"]?.intValue)
            #expect(tokens == TokenEstimator.estimate(try MessagesRequest(json: .object(body), countingTokens: true)))
        }
    }

    @Test func preferredProviderGoogleServesClaudeNamesFromGeminiNatively() async throws {
        try await ProxyHarness.run(environment: ["PREFERRED_PROVIDER": "google", "BIG_MODEL": "", "SMALL_MODEL": ""]) { harness in
            harness.gemini.enqueue(FakeGeminiReply(text: "From Gemini."))
            let response = try await post(harness)
            #expect(response.status == 200)
            #expect(response.headers["x-proxy-upstream-model"] == "gemini/gemini-2.5-pro")
            #expect(try response.json["model"] == "claude-sonnet-4-6")
            #expect(try response.json["content"]?[0]?["text"] == "From Gemini.")
            #expect(harness.gemini.receivedRequests.map(\.model) == ["gemini-2.5-pro"])
        }
    }
}

extension [String: String] {
    fileprivate static func + (lhs: Self, rhs: Self) -> Self {
        lhs.merging(rhs) { $1 }
    }
}

extension JSONValue {
    /// A content whose first part carries `signature`.
    fileprivate func withSignature(_ signature: String) -> JSONValue {
        guard var object = objectValue, var parts = object["parts"]?.arrayValue, var first = parts.first?.objectValue else { return self }
        first["thoughtSignature"] = .string(signature)
        parts[0] = .object(first)
        object["parts"] = .array(parts)
        return .object(object)
    }
}
