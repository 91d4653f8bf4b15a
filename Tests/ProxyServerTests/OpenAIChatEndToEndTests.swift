import ProxyCore
import Testing

/// The real server against the strict fake OpenAI upstream: every Claude Code fixture goes through,
/// whole and streamed, and the stream accumulates to exactly the whole reply.
@Suite struct OpenAIChatEndToEndTests {
    static let fixtures = ["first-turn", "tool-result-turn", "parallel-tool-results-turn"]

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
        harness.fake.enqueue(reply)
        let whole = try await harness.post("/v1/messages?beta=true", json: .object(request))
        #expect(whole.status == 200, "\(String(decoding: whole.body, as: UTF8.self))")
        request["stream"] = true
        harness.fake.enqueue(reply)
        let streamed = try await harness.post("/v1/messages?beta=true", json: .object(request))
        #expect(streamed.status == 200, "\(String(decoding: streamed.body, as: UTF8.self))")
        #expect(streamed.headers["content-type"]?.hasPrefix("text/event-stream") == true)
        var accumulator = StreamAccumulator()
        for event in try streamed.events { try accumulator.consume(event) }
        return (try AnthropicMessage(json: try whole.json), try #require(accumulator.finalMessage), streamed)
    }

    @Test(arguments: fixtures)
    func claudeCodeFixtureGoesThroughWholeAndStreamedWithEveryReplyShape(fixture: String) async throws {
        let body = try claudeCodeFixture(fixture)
        try await ProxyHarness.run { harness in
            for (name, reply) in Self.replies {
                var (whole, streamed, _) = try await wholeAndStreamed(harness, body: body, reply: reply)
                #expect(whole.model == "claude-opus-5-5", "\(name): the reply echoes the client's model")
                #expect(whole.stopReason == (reply.toolCalls.isEmpty ? .endTurn : .toolUse), "\(name)")
                #expect(whole.usage == Usage(inputTokens: 100, outputTokens: 20), "\(name)")
                let toolUses = whole.content.compactMap { block -> String? in
                    if case .toolUse(let id, let name, _) = block { return "\(id) \(name)" }
                    return nil
                }
                #expect(toolUses == reply.toolCalls.map { "\($0.id ?? "") \($0.name)" }, "\(name)")
                streamed.id = whole.id
                #expect(streamed == whole, "\(name): the accumulated stream equals the whole reply")
            }
            // Every request the upstream saw passed its strict checks (or it would have answered 400).
            let sent = harness.fake.receivedRequests
            #expect(sent.count == Self.replies.count * 2)
            #expect(sent.allSatisfy { $0["model"] == "gpt-4.1" && $0["max_tokens"] == 32768 })
        }
    }

    @Test func toolInputArrivesAsJSONDeltasAfterAnEmptyStart() async throws {
        try await ProxyHarness.run { harness in
            let (_, _, streamed) = try await wholeAndStreamed(harness, body: try claudeCodeFixture("first-turn"), reply: Self.replies[2].reply)
            let events = try streamed.events
            #expect(events.first.map { if case .messageStart = $0 { true } else { false } } == true)
            #expect(events.contains(.contentBlockStart(index: 1, block: .toolUse(id: "call_a1", name: "Bash"))))
            let fragments = events.compactMap { event -> String? in
                if case .contentBlockDelta(1, .inputJSON(let fragment)) = event { return fragment }
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

    /// OpenAI's reasoning models refuse `stop`, and OpenAI takes four sequences at most: the proxy
    /// ends the reply at them itself, whole and streamed.
    @Test(arguments: [("o3", ["END"]), ("gpt-4.1", ["END", "STOP", "DONE", "QUIT", "HALT"])])
    func stopSequencesTheUpstreamCannotTakeEndTheReplyInTheProxy(model: String, stopSequences: [String]) async throws {
        try await ProxyHarness.run(environment: ["BIG_MODEL": model]) { harness in
            let body: JSONValue = [
                "model": "claude-sonnet-4-6", "max_tokens": 100, "stop_sequences": .array(stopSequences.map(JSONValue.string)),
                "messages": [["role": "user", "content": "hi"]],
            ]
            let (whole, streamed, _) = try await wholeAndStreamed(harness, body: body, reply: FakeReply(text: "First line.\nEND\nNever shown."))
            for message in [whole, streamed] {
                #expect(message.content == [.text("First line.\n")])
                #expect(message.stopReason == .stopSequence && message.stopSequence == "END")
            }
            #expect(harness.fake.receivedRequests.count == 2 && harness.fake.receivedRequests.allSatisfy { $0["stop"] == nil })
        }
    }

    @Test func replyNamesTheUpstreamModelInAHeader() async throws {
        try await ProxyHarness.run { harness in
            let reply = try await harness.post("/v1/messages", json: ["model": "claude-haiku-4-5", "max_tokens": 100, "messages": [["role": "user", "content": "hi"]]])
            #expect(reply.status == 200)
            #expect(reply.headers["x-proxy-upstream-model"] == "openai/gpt-4.1-mini")
            #expect(try reply.json["model"] == "claude-haiku-4-5")
            #expect(try reply.json["content"]?[0]?["text"] == .string(FakeReply.defaultText))
        }
    }

    @Test func streamCutByTheUpstreamEndsWithAnErrorEventNotMessageStop() async throws {
        try await ProxyHarness.run { harness in
            var reply = FakeReply(text: "This answer will be cut off before it is complete.")
            reply.cutStream = true
            harness.fake.enqueue(reply)
            let streamed = try await harness.post("/v1/messages", json: ["model": "claude-sonnet-4-6", "max_tokens": 100, "stream": true, "messages": [["role": "user", "content": "hi"]]])
            let events = try streamed.events
            #expect(!events.contains(.messageStop))
            guard case .error(let error)? = events.last else {
                Issue.record("the stream must end with an error event, got \(events)")
                return
            }
            #expect(error.kind == .api)
            #expect(error.message.contains("cut off"))
        }
    }

    @Test func countTokensEstimatesLocallyForOpenAIModels() async throws {
        try await ProxyHarness.run { harness in
            var body = try #require(try claudeCodeFixture("first-turn").objectValue)
            body["max_tokens"] = nil
            body["stream"] = nil
            let reply = try await harness.post("/v1/messages/count_tokens", json: .object(body))
            #expect(reply.status == 200)
            let tokens = try #require(try reply.json["input_tokens"]?.intValue)
            #expect(tokens > 8_000 && tokens < 20_000)
            #expect(harness.fake.receivedRequests.isEmpty)
        }
    }
}
