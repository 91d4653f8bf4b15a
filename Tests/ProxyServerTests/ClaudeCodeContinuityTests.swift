import ProxyCore
import Testing

/// What keeps a long Claude Code session going: overflow it can compact, pings while a model
/// thinks, and usage that matches the upstream's.
@Suite struct ClaudeCodeContinuityTests {
    static let request: JSONValue = ["model": "claude-opus-5-5", "max_tokens": 128000, "messages": [["role": "user", "content": "hi"]]]

    @Test(arguments: [false, true])
    func upstreamOverflowBecomesTheErrorClaudeCodeCompactsOn(stream: Bool) async throws {
        try await ProxyHarness.run { harness in
            var reply = FakeReply()
            reply.failure = .init(
                status: 400,
                message: "This model's maximum context length is 1047576 tokens. However, your messages resulted in 1100000 tokens. Please reduce the length of the messages.",
                code: "context_length_exceeded")
            harness.fake.enqueue(reply)
            var request = try #require(Self.request.objectValue)
            request["stream"] = .bool(stream)
            let response = try await harness.post("/v1/messages", json: .object(request))
            #expect(response.status == 400)
            let json = try response.json
            #expect(json["error"]?["type"] == "invalid_request_error")
            #expect(json["error"]?["message"] == "prompt is too long: 1100000 tokens > 1047576 maximum")
        }
    }

    @Test(arguments: [false, true])
    func finalUsageIsTheUpstreamsOwnCount(stream: Bool) async throws {
        try await ProxyHarness.run { harness in
            var reply = FakeReply(text: "counted")
            reply.promptTokens = 12_345
            reply.cachedTokens = 10_000
            reply.completionTokens = 678
            harness.fake.enqueue(reply)
            var request = try #require(Self.request.objectValue)
            request["stream"] = .bool(stream)
            let response = try await harness.post("/v1/messages", json: .object(request))
            let expected = Usage(inputTokens: 2_345, outputTokens: 678, cacheReadInputTokens: 10_000)
            if stream {
                let events = try response.events
                guard case .messageStart(let start)? = events.first else {
                    Issue.record("no message_start first: \(events)")
                    return
                }
                #expect(start.usage.inputTokens == TokenEstimator.estimate(try MessagesRequest(json: .object(request))))
                #expect(events.contains(.messageDelta(stopReason: .endTurn, stopSequence: nil, usage: expected)))
            } else {
                #expect(try AnthropicMessage(json: response.json).usage == expected)
            }
        }
    }

    /// A reasoning model silent after its first chunk: pings fill the silence, and the answer
    /// arrives whole. When pings are due is the supervisor's (`StreamSupervisorTests`); this shows
    /// that one reaches the client while the upstream is silent.
    @Test func silentUpstreamIsBridgedWithPings() async throws {
        try await ProxyHarness.run(environment: ["PING_INTERVAL_SECONDS": "1"]) { harness in
            var reply = FakeReply(text: "Thought it through.")
            // Three intervals of silence: the ping is due after one, so a test process whose event
            // loops are held for a second (the whole suite at once on two cores, as in CI) still
            // sees it before the text.
            reply.pauseAfterFirstChunk = .seconds(3)
            harness.fake.enqueue(reply)
            var body = try #require(Self.request.objectValue)
            body["stream"] = true
            let events = try await harness.post("/v1/messages", json: .object(body)).events
            guard case .messageStart? = events.first else {
                Issue.record("the stream must open with message_start")
                return
            }
            // The opening's own ping, then at least one more during the silence, before any text.
            let beforeText = events.prefix { if case .contentBlockStart = $0 { false } else { true } }
            #expect(beforeText.filter { $0 == .ping }.count >= 2, "\(beforeText)")
            var accumulator = StreamAccumulator()
            for event in events { try accumulator.consume(event) }
            #expect(try #require(accumulator.finalMessage).content == [.text("Thought it through.")])
        }
    }
}
