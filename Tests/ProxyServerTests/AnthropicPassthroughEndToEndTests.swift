import ProxyCore
import Testing

/// `anthropic/` models reach Anthropic with the body untouched but for the model, the API's headers
/// passed on, and the client's model name restored in the reply.
@Suite struct AnthropicPassthroughEndToEndTests {
    @Test func wholeRequestIsForwardedByteForByteButForTheModel() async throws {
        try await ProxyHarness.run(environment: ["ANTHROPIC_API_KEY": "sk-ant-configured-key-000000000000"]) { harness in
            let body = Array(#"{"model" : "anthropic/claude-sonnet-4-5",  "max_tokens":10,"messages":[{"role":"user","content":"hi"}],"metadata":{"user_id":"u"}}"#.utf8)
            let reply = try await harness.send(
                .POST, "/v1/messages?beta=true", body: body,
                headers: ["anthropic-version": "2023-06-01", "anthropic-beta": "claude-code-20250219", "x-api-key": "client-key"])
            #expect(reply.status == 200)
            let sent = try #require(harness.anthropic.requests.first)
            #expect(sent.path == "/v1/messages?beta=true")
            #expect(String(decoding: sent.body, as: UTF8.self) == #"{"model" : "claude-sonnet-4-5",  "max_tokens":10,"messages":[{"role":"user","content":"hi"}],"metadata":{"user_id":"u"}}"#)
            #expect(sent.headers["anthropic-version"] == "2023-06-01")
            #expect(sent.headers["anthropic-beta"] == "claude-code-20250219")
            #expect(sent.headers["x-api-key"] == "sk-ant-configured-key-000000000000")
            #expect(try reply.json["model"] == "anthropic/claude-sonnet-4-5")
            #expect(try reply.json["content"]?[0]?["text"] == "Hi from claude-sonnet-4-5")
            #expect(reply.headers["request-id"] == "req_fake")
        }
    }

    /// A late session's body, whose model is rewritten on the bulk threads, goes as it came too.
    @Test func aLargeBodyIsForwardedByteForByteButForTheModel() async throws {
        let content = String(repeating: #"a line of a long tool result, \"quoted\", caf\u00e9 and ünïcödé\n"#, count: 300 * 1024 / 60)
        let body = #"{"messages":[{"role":"user","content":""# + content + #""}],"model":"anthropic/claude-sonnet-4-5","max_tokens":10}"#
        try await ProxyHarness.run(environment: ["ANTHROPIC_API_KEY": "sk-ant-configured-key-000000000000"]) { harness in
            #expect(try await harness.send(.POST, "/v1/messages", body: Array(body.utf8)).status == 200)
            let sent = try #require(harness.anthropic.requests.first)
            let expected = body.replacingOccurrences(of: #""model":"anthropic/claude-sonnet-4-5""#, with: #""model":"claude-sonnet-4-5""#)
            #expect(sent.body == Array(expected.utf8))
        }
    }

    @Test func aBodyNamingTheTargetsModelGoesAsItCame() async throws {
        try await ProxyHarness.run(environment: ["ANTHROPIC_API_KEY": "sk-ant-configured-key-000000000000", "BIG_MODEL": "anthropic/claude-sonnet-4-5"]) { harness in
            let body = #"{ "max_tokens":10,"model" :"claude-sonnet-4-5","messages":[{"role":"user","content":"caf\u00e9 \"hi\""}]}"#
            #expect(try await harness.send(.POST, "/v1/messages", body: Array(body.utf8)).status == 200)
            let sent = try #require(harness.anthropic.requests.first)
            #expect(String(decoding: sent.body, as: UTF8.self) == body)
        }
    }

    /// The MCP connector, which only Anthropic runs (and other backends refuse), reaches it as sent.
    @Test func theMCPConnectorsFieldsGoToAnthropicAsTheyCame() async throws {
        try await ProxyHarness.run(environment: ["ANTHROPIC_API_KEY": "sk-ant-configured-key-000000000000", "BIG_MODEL": "anthropic/claude-sonnet-4-5"]) { harness in
            let body = #"{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"mcp_servers":[{"type":"url","url":"https://mcp.example.com/sse","name":"example"}],"tools":[{"type":"mcp_toolset","mcp_server_name":"example"}]}"#
            let reply = try await harness.send(.POST, "/v1/messages", body: Array(body.utf8), headers: ["anthropic-beta": "mcp-client-2025-11-20"])
            #expect(reply.status == 200)
            let sent = try #require(harness.anthropic.requests.first)
            #expect(String(decoding: sent.body, as: UTF8.self) == body)
            #expect(sent.headers["anthropic-beta"] == "mcp-client-2025-11-20")
        }
    }

    @Test func aBodyNamingTwoModelsHasTheLastRewrittenToTheOneItWasRoutedBy() async throws {
        try await ProxyHarness.run(environment: ["ANTHROPIC_API_KEY": "sk-ant-configured-key-000000000000", "BIG_MODEL": "anthropic/claude-sonnet-4-5"]) { harness in
            // Routed by the first, as every lookup of the member finds it; Anthropic reads the last.
            let body = #"{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"model":"claude-opus-4-1"}"#
            #expect(try await harness.send(.POST, "/v1/messages", body: Array(body.utf8)).status == 200)
            let sent = try #require(harness.anthropic.requests.first)
            #expect(
                String(decoding: sent.body, as: UTF8.self)
                    == #"{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"model":"claude-sonnet-4-5"}"#)
        }
    }

    @Test func withoutAConfiguredKeyTheClientsOwnKeyGoesToAnthropic() async throws {
        try await ProxyHarness.run { harness in
            let reply = try await harness.post(
                "/v1/messages", json: ["model": "anthropic/claude-haiku-4-5", "max_tokens": 10, "messages": [["role": "user", "content": "hi"]]],
                headers: ["x-api-key": "sk-ant-client-own-key"])
            #expect(reply.status == 200)
            #expect(harness.anthropic.requests.first?.headers["x-api-key"] == "sk-ant-client-own-key")
        }
    }

    /// Anthropic's own compaction: every iteration is billed, not only the message's top-level counts.
    @Test func aCompactedReplyIsBilledForBothIterations() async throws {
        try await ProxyHarness.run { harness in
            let reply = try await harness.post(
                "/v1/messages",
                json: [
                    "model": "anthropic/claude-sonnet-4-6", "max_tokens": 10, "messages": [["role": "user", "content": "hi"]],
                    "context_management": ["edits": [["type": "compact_20260112"]]],
                ])
            #expect(reply.status == 200)
            #expect(try reply.json["content"]?[0]?["type"] == "compaction")
            #expect(try await harness.records.waitFor(1).first?.usage == Usage(inputTokens: 50_007, outputTokens: 203))
        }
    }

    @Test func streamIsForwardedWithTheModelRestoredInMessageStart() async throws {
        try await ProxyHarness.run { harness in
            let reply = try await harness.post(
                "/v1/messages", json: ["model": "anthropic/claude-opus-4-1", "max_tokens": 10, "stream": true, "messages": [["role": "user", "content": "hi"]]])
            #expect(reply.status == 200)
            var accumulator = StreamAccumulator()
            for event in try reply.events { try accumulator.consume(event) }
            let message = try #require(accumulator.finalMessage)
            #expect(message.model == "anthropic/claude-opus-4-1")
            #expect(message.content == [.text("Hi from claude-opus-4-1")])
            #expect(message.usage.outputTokens == 3)
            // The access log has the usage the stream told the client (its line comes with the record).
            #expect(try await harness.records.waitFor(1).count == 1)
            #expect(harness.logs.all.contains { $0.contains("stream → 200") && $0.hasSuffix("tokens in 7 out 3") }, "\(harness.logs.all)")
        }
    }

    @Test func countTokensIsAnsweredByAnthropic() async throws {
        try await ProxyHarness.run { harness in
            let reply = try await harness.post(
                "/v1/messages/count_tokens", json: ["model": "anthropic/claude-sonnet-4-5", "messages": [["role": "user", "content": "hi"]]])
            #expect(try reply.json["input_tokens"] == 4242)
            #expect(harness.anthropic.requests.first?.path == "/v1/messages/count_tokens")
        }
    }
}
