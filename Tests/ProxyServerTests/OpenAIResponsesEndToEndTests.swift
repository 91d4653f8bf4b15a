import ProxyCore
import Testing

/// The real server against the strict fake Responses API: every Claude Code fixture goes through,
/// whole and streamed, the stream accumulates to exactly the whole reply, and a reasoning model's
/// encrypted reasoning comes back to it turn after turn through the client.
@Suite struct OpenAIResponsesEndToEndTests {
    static let environment = ["BIG_MODEL": "responses/gpt-5"]
    static let signaturePrefix = "openai-responses:gpt-5#"

    static let replies: [(name: String, reply: FakeReply)] = [
        ("text", FakeReply(text: "I'll look at the project structure first.")),
        ("reasoning", FakeReply(text: "The answer is 42.", reasoning: "The user wants a number; 6 times 7.")),
        ("tool call", FakeReply(text: "Let me list the files.", toolCalls: [.init(id: "call_a1", name: "Bash", arguments: #"{"command":"ls -la","description":"List files"}"#)])),
        (
            "parallel tool calls",
            FakeReply(toolCalls: [
                .init(id: "call_b1", name: "Read", arguments: #"{"file_path":"/tmp/project/README.md"}"#),
                .init(id: "call_b2", name: "Bash", arguments: #"{"command":"git status"}"#),
            ])
        ),
    ]

    /// The whole reply and the streamed reply to the same request and upstream answer.
    private func wholeAndStreamed(_ harness: ProxyHarness, body: JSONValue, reply: FakeReply) async throws -> (AnthropicMessage, AnthropicMessage, ProxyHarness.Reply) {
        var request = try #require(body.objectValue)
        request["stream"] = false
        harness.responses.enqueue(reply)
        let whole = try await harness.post("/v1/messages?beta=true", json: .object(request))
        #expect(whole.status == 200, "\(String(decoding: whole.body, as: UTF8.self))")
        request["stream"] = true
        harness.responses.enqueue(reply)
        let streamed = try await harness.post("/v1/messages?beta=true", json: .object(request))
        #expect(streamed.status == 200, "\(String(decoding: streamed.body, as: UTF8.self))")
        #expect(streamed.headers["content-type"]?.hasPrefix("text/event-stream") == true)
        return (try AnthropicMessage(json: try whole.json), try accumulate(try streamed.events), streamed)
    }

    private func accumulate(_ events: [AnthropicStreamEvent]) throws -> AnthropicMessage {
        var accumulator = StreamAccumulator()
        for event in events { try accumulator.consume(event) }
        return try #require(accumulator.finalMessage)
    }

    @Test(arguments: ["first-turn", "tool-result-turn", "parallel-tool-results-turn"])
    func claudeCodeFixtureGoesThroughWholeAndStreamedWithEveryReplyShape(fixture: String) async throws {
        let body = try claudeCodeFixture(fixture)
        try await ProxyHarness.run(environment: Self.environment) { harness in
            for (name, reply) in Self.replies {
                var (whole, streamed, response) = try await wholeAndStreamed(harness, body: body, reply: reply)
                #expect(response.headers["x-proxy-upstream-model"] == "responses/gpt-5")
                #expect(whole.model == "claude-opus-5-5", "\(name): the reply echoes the client's model")
                #expect(whole.stopReason == (reply.toolCalls.isEmpty ? .endTurn : .toolUse), "\(name)")
                #expect(whole.usage == Usage(inputTokens: 100, outputTokens: 20), "\(name)")
                // A reasoning model always reasons: a thinking block first, its encrypted reasoning in
                // the signature, and no text: Claude Code asks for thinking with its text omitted.
                guard case .thinking(let thinking, let signature)? = whole.content.first else {
                    Issue.record("\(name): no thinking block first in \(whole.content)")
                    continue
                }
                #expect(body["thinking"]?["display"] == "omitted" && thinking.isEmpty, "\(name)")
                #expect(signature.hasPrefix(Self.signaturePrefix), "\(name)")
                let toolUses = whole.content.compactMap { block -> String? in
                    if case .toolUse(let id, let name, _) = block { return "\(id) \(name)" }
                    return nil
                }
                #expect(toolUses == reply.toolCalls.map { "\($0.id ?? "") \($0.name)" }, "\(name)")
                // Each stream got its own encrypted reasoning; everything else is the same.
                streamed.id = whole.id
                streamed.content[0] = .thinking(thinking, signature: signature)
                #expect(streamed == whole, "\(name): the accumulated stream equals the whole reply")
            }
            let sent = harness.responses.receivedRequests
            #expect(sent.count == Self.replies.count * 2)
            #expect(sent.allSatisfy { $0["model"] == "gpt-5" && $0["max_output_tokens"] == 128_000 && $0["store"] == false })
            #expect(sent.allSatisfy { $0["reasoning"] == ["effort": "medium", "summary": "auto"] && $0["include"] == ["reasoning.encrypted_content"] })
            #expect(harness.fake.receivedRequests.isEmpty, "nothing went to Chat Completions")
        }
    }

    @Test func toolInputArrivesAsJSONDeltasAfterAnEmptyStart() async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            let (_, _, streamed) = try await wholeAndStreamed(harness, body: try claudeCodeFixture("first-turn"), reply: Self.replies[2].reply)
            let events = try streamed.events
            #expect(events.contains(.contentBlockStart(index: 2, block: .toolUse(id: "call_a1", name: "Bash"))))
            let fragments = events.compactMap { event -> String? in
                if case .contentBlockDelta(2, .inputJSON(let fragment)) = event { return fragment }
                return nil
            }
            #expect(fragments.count > 1, "the input streams in several fragments")
            #expect(fragments.joined() == #"{"command":"ls -la","description":"List files"}"#)
            // The fixture asks for thinking kept in every turn: nothing cleared, said as Anthropic says it.
            let nothingCleared = ContextEditReport(appliedEdits: [])
            #expect(
                events.suffix(2) == [
                    .messageDelta(stopReason: .toolUse, stopSequence: nil, usage: Usage(inputTokens: 100, outputTokens: 20), contextManagement: nothingCleared),
                    .messageStop,
                ])
        }
    }

    /// Three turns of a tool session, as Claude Code sends them: each turn carries the earlier
    /// replies back whole, and the upstream receives every earlier reasoning item again, with the
    /// encrypted content it issued, right before the call it led to. One turn is streamed.
    @Test func reasoningIsCarriedAcrossAMultiTurnToolSession() async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            let tools: JSONValue = [
                ["name": "Bash", "input_schema": ["type": "object", "properties": ["command": ["type": "string"]], "required": ["command"]]]
            ]
            var messages: [JSONValue] = [["role": "user", "content": "How many files are there?"]]
            var signatures: [String] = []
            for (turn, stream) in [(1, false), (2, true)] {
                harness.responses.enqueue(
                    FakeReply(reasoning: "Turn \(turn): I need to run a command.", toolCalls: [.init(id: "call_\(turn)", name: "Bash", arguments: #"{"command":"ls"}"#)]))
                let reply = try await harness.post(
                    "/v1/messages",
                    json: ["model": "claude-sonnet-4-6", "max_tokens": 4_096, "thinking": ["type": "adaptive"], "tools": tools, "stream": .bool(stream), "messages": .array(messages)])
                #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
                let message = stream ? try accumulate(try reply.events) : try AnthropicMessage(json: try reply.json)
                guard case .thinking(_, let signature)? = message.content.first else {
                    Issue.record("turn \(turn): no thinking block in \(message.content)")
                    return
                }
                signatures.append(signature)
                messages.append(["role": "assistant", "content": .array(message.content.map(\.json))])
                messages.append(["role": "user", "content": [["type": "tool_result", "tool_use_id": .string("call_\(turn)"), "content": "3 files"]]])
            }
            harness.responses.enqueue(FakeReply(text: "There are 3 files."))
            let last = try await harness.post(
                "/v1/messages", json: ["model": "claude-sonnet-4-6", "max_tokens": 4_096, "tools": tools, "messages": .array(messages)])
            #expect(last.status == 200, "\(String(decoding: last.body, as: UTF8.self))")

            let input = try #require(harness.responses.receivedRequests.last?["input"]?.arrayValue)
            let encrypted = signatures.map { String($0.dropFirst(Self.signaturePrefix.count)) }
            #expect(input.map { $0["type"]?.stringValue ?? "" } == [
                "message", "reasoning", "function_call", "function_call_output", "reasoning", "function_call", "function_call_output",
            ])
            #expect(input[1]["encrypted_content"] == .string(encrypted[0]))
            #expect(input[1]["summary"] == [["type": "summary_text", "text": "Turn 1: I need to run a command."]])
            #expect(input[4]["encrypted_content"] == .string(encrypted[1]))
            #expect(Set(encrypted).count == 2)
        }
    }

    @Test func reasoningTamperedWithOrFromAnotherModelIsNotAcceptedUpstream() async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            func ask(signature: String) async throws -> ProxyHarness.Reply {
                try await harness.post(
                    "/v1/messages",
                    json: [
                        "model": "claude-sonnet-4-6", "max_tokens": 100,
                        "messages": [
                            ["role": "user", "content": "Hi"],
                            ["role": "assistant", "content": [["type": "thinking", "thinking": "", "signature": .string(signature)], ["type": "text", "text": "Hello."]]],
                            ["role": "user", "content": "Again"],
                        ],
                    ])
            }
            // The strict fake refuses encrypted reasoning it never issued, as OpenAI does.
            let forged = try await ask(signature: Self.signaturePrefix + "gAAAAB-forged")
            #expect(forged.status == 400)
            #expect(try forged.json["error"]?["message"]?.stringValue?.contains("could not be verified") == true)
            // Another model's reasoning is not sent at all.
            let other = try await ask(signature: "openai-responses:o3#gAAAAB-o3")
            #expect(other.status == 200)
            #expect(harness.responses.receivedRequests.last?["input"]?.arrayValue?.contains { $0["type"] == "reasoning" } == false)
        }
    }

    @Test(arguments: [false, true])
    func contextOverflowBecomesTheErrorClaudeCodeCompactsOn(stream: Bool) async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            var reply = FakeReply()
            reply.failure = .init(
                status: 400, message: "Your input exceeds the context window of this model. Please adjust your input and try again.", code: "context_length_exceeded")
            harness.responses.enqueue(reply)
            let response = try await harness.post(
                "/v1/messages", json: ["model": "claude-opus-5-5", "max_tokens": 128_000, "stream": .bool(stream), "messages": [["role": "user", "content": "hi"]]])
            #expect(response.status == 400)
            // No numbers upstream: the local estimate, raised above gpt-5's 400,000-token window.
            #expect(try response.json["error"] == ["type": "invalid_request_error", "message": "prompt is too long: 400001 tokens > 400000 maximum"])
        }
    }

    @Test func aResponseThatFailsMidStreamEndsWithAnErrorEvent() async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            harness.responses.enqueue(.init(FakeReply(text: "Never finished."), failed: ["code": "server_error", "message": "The model crashed."]))
            let response = try await harness.post(
                "/v1/messages", json: ["model": "claude-sonnet-4-6", "max_tokens": 100, "stream": true, "messages": [["role": "user", "content": "hi"]]])
            let events = try response.events
            #expect(!events.contains(.messageStop))
            #expect(events.last == .error(AnthropicError(.api, "The OpenAI Responses upstream failed: The model crashed. (server_error)")))
        }
    }

    @Test func aStreamCutByTheUpstreamEndsWithAnErrorEvent() async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            var reply = FakeReply(text: "This answer will be cut off before it is complete.")
            reply.cutStream = true
            harness.responses.enqueue(reply)
            let response = try await harness.post(
                "/v1/messages", json: ["model": "claude-sonnet-4-6", "max_tokens": 100, "stream": true, "messages": [["role": "user", "content": "hi"]]])
            guard case .error(let error)? = try response.events.last else {
                Issue.record("the stream must end with an error event")
                return
            }
            #expect(error.message.contains("cut off"))
        }
    }

    @Test func upstreamRateLimitsKeepTheirStatusAndRetryAfter() async throws {
        try await ProxyHarness.run(environment: Self.environment.merging(["MAX_RETRIES": "0"]) { $1 }) { harness in
            var reply = FakeReply()
            reply.failure = .init(status: 429, message: "Rate limit reached for gpt-5", retryAfter: "3")
            harness.responses.enqueue(reply)
            let response = try await harness.post("/v1/messages", json: ["model": "claude-sonnet-4-6", "max_tokens": 100, "messages": [["role": "user", "content": "hi"]]])
            #expect(response.status == 429)
            #expect(response.headers["retry-after"] == "3")
            #expect(try response.json["error"]?["type"] == "rate_limit_error")
        }
    }

    @Test func outputThatRanOutStopsWithMaxTokensWholeAndStreamed() async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            let reply = FakeReply(text: "The list goes on and", finishReason: "length")
            let (whole, streamed, _) = try await wholeAndStreamed(
                harness, body: ["model": "claude-sonnet-4-6", "max_tokens": 100, "messages": [["role": "user", "content": "hi"]]], reply: reply)
            #expect(whole.stopReason == .maxTokens)
            #expect(streamed.stopReason == .maxTokens)
        }
    }

    @Test func modelsOnlyTheResponsesAPIServesGoThereWithoutAPrefix() async throws {
        try await ProxyHarness.run(environment: ["BIG_MODEL": "o3-pro"]) { harness in
            let response = try await harness.post("/v1/messages", json: ["model": "claude-sonnet-4-6", "max_tokens": 200_000, "messages": [["role": "user", "content": "hi"]]])
            #expect(response.status == 200)
            #expect(response.headers["x-proxy-upstream-model"] == "responses/o3-pro")
            #expect(harness.responses.receivedRequests.map { $0["max_output_tokens"] } == [100_000])
            #expect(harness.fake.receivedRequests.isEmpty)
        }
    }

    @Test func stopSequencesEndTheReplyThoughTheAPIHasNone() async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            let body: JSONValue = ["model": "claude-sonnet-4-6", "max_tokens": 100, "stop_sequences": ["END"], "messages": [["role": "user", "content": "hi"]]]
            let (whole, streamed, _) = try await wholeAndStreamed(harness, body: body, reply: FakeReply(text: "First line.\nEND\nNever shown."))
            for message in [whole, streamed] {
                #expect(message.content.last == .text("First line.\n"))
                #expect(message.stopReason == .stopSequence && message.stopSequence == "END")
            }
            #expect(harness.responses.receivedRequests.allSatisfy { $0["stop"] == nil && $0["stop_sequences"] == nil })
        }
    }

    @Test func countTokensIsALocalEstimate() async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            let body: JSONValue = ["model": "claude-sonnet-4-6", "messages": [["role": "user", "content": "hi there"]]]
            let reply = try await harness.post("/v1/messages/count_tokens", json: body)
            #expect(reply.status == 200)
            #expect(try reply.json["input_tokens"] == .int(TokenEstimator.estimate(try MessagesRequest(json: body, countingTokens: true))))
            #expect(harness.responses.receivedRequests.isEmpty)
        }
    }
}
