import AsyncHTTPClient
import NIOCore
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

    /// A reasoning model silent for 25 s after its first chunk: message_start arrives at once,
    /// pings fill the silence (none of the gaps reaches 12 s), and the answer arrives whole.
    @Test func silentUpstreamIsBridgedWithPings() async throws {
        try await ProxyHarness.run { harness in
            var reply = FakeReply(text: "Thought it through.")
            reply.pauseAfterFirstChunk = .seconds(25)
            harness.fake.enqueue(reply)
            var request = HTTPClientRequest(url: harness.proxyURL + "/v1/messages")
            request.method = .POST
            var body = try #require(Self.request.objectValue)
            body["stream"] = true
            request.body = .bytes(ByteBuffer(bytes: JSONWriter.encode(.object(body))))
            let sent = ContinuousClock.now
            let response = try await harness.client.execute(request, timeout: .seconds(60))
            var parser = SSEParser()
            var arrivals: [(event: AnthropicStreamEvent, at: Duration)] = []
            for try await chunk in response.body {
                for event in parser.feed(chunk.readableBytesView) {
                    arrivals.append((try AnthropicStreamEvent(sse: event), ContinuousClock.now - sent))
                }
            }
            guard case .messageStart? = arrivals.first?.event else {
                Issue.record("the stream must open with message_start")
                return
            }
            // At once: before the 25 s silence, not after it (a bound of a second measured the
            // load of the machine running the suite as much as the proxy).
            #expect(arrivals[0].at + .seconds(20) < arrivals[arrivals.count - 1].at)
            let gaps = zip(arrivals.dropFirst(), arrivals).map { $0.at - $1.at }
            #expect(gaps.allSatisfy { $0 < .seconds(12) }, "gaps: \(gaps)")
            #expect(arrivals.filter { $0.event == .ping }.count >= 3)
            var accumulator = StreamAccumulator()
            for arrival in arrivals { try accumulator.consume(arrival.event) }
            #expect(try #require(accumulator.finalMessage).content == [.text("Thought it through.")])
        }
    }
}
