import ProxyCore
import Testing

/// Web search, web fetch, tool search and threads through the real server: where they go, what is
/// refused and how, and what the upstream is told.
@Suite struct ServerToolsEndToEndTests {
    /// A local OpenAI-compatible server, chosen with `:local`: it has no search of its own.
    static let localServer = ["CHANNEL_LOCAL_BASE_URL": "{upstream}/v1", "CHANNEL_LOCAL_API_KEY": FakeOpenAIUpstream.apiKey]

    private func webSearchRequest(model: String, stream: Bool) throws -> JSONValue {
        var body = try #require(try claudeCodeFixture("web-search-request").objectValue)
        body["model"] = .string(model)
        body["stream"] = .bool(stream)
        return .object(body)
    }

    @Test(arguments: [false, true])
    func aSearchOnAServerWithoutSearchIsA400NamingWebSearchModel(stream: Bool) async throws {
        try await ProxyHarness.run(environment: Self.localServer) { harness in
            let reply = try await harness.post("/v1/messages", json: try webSearchRequest(model: "openai/qwen3:local", stream: stream))
            #expect(reply.status == 400)
            #expect(reply.headers["content-type"] == "application/json")
            let error = try reply.json["error"]
            #expect(error?["type"] == "invalid_request_error")
            let message = try #require(error?["message"]?.stringValue)
            #expect(message.contains("set WEB_SEARCH_MODEL"), "\(message)")
            #expect(message.contains("openai/qwen3:local has no search of its own"), "\(message)")
            #expect(harness.fake.receivedRequests.isEmpty, "nothing is sent that would answer without results")
            let records = try await harness.records.waitFor(1)
            #expect(records.first?.status == 400)
        }
    }

    @Test(arguments: [false, true])
    func aSearchOnAServerWithoutSearchIsServedByWebSearchModel(stream: Bool) async throws {
        var environment = Self.localServer
        environment["WEB_SEARCH_MODEL"] = "gemini/gemini-2.5-flash"
        try await ProxyHarness.run(environment: environment) { harness in
            harness.gemini.enqueue(GeminiWebSearchEndToEndTests.searchedReply)
            let reply = try await harness.post("/v1/messages", json: try webSearchRequest(model: "openai/qwen3:local", stream: stream))
            #expect(reply.status == 200, "\(String(decoding: reply.body.prefix(400), as: UTF8.self))")
            #expect(harness.fake.receivedRequests.isEmpty, "the local server has no search; it is not asked")
            let sent = try #require(harness.gemini.receivedRequests.first)
            #expect(sent.model == "gemini-2.5-flash")
            #expect(sent.body["tools"] == [["googleSearch": [:]]])
            let message: AnthropicMessage
            if stream {
                var accumulator = StreamAccumulator()
                for event in try reply.events { try accumulator.consume(event) }
                message = try #require(accumulator.finalMessage)
            } else {
                message = try AnthropicMessage(json: try reply.json)
            }
            #expect(message.model == "openai/qwen3:local", "the client's model name is echoed")
            #expect(
                GeminiWebSearchEndToEndTests.comparable(message).filter { if case .thinking = $0 { false } else { true } }
                    == GeminiWebSearchEndToEndTests.searchedContent)
            #expect(message.usage.webSearchRequests == 1)
            let records = try await harness.records.waitFor(1)
            #expect(records.first?.targets.map(\.model) == ["gemini-2.5-flash"])
            #expect(records.first?.serverToolUses == 1)
            #expect(harness.logs.all.contains { $0.contains("→ gemini/gemini-2.5-flash") && $0.hasSuffix(", 1 web search") }, "\(harness.logs.all)")
        }
    }

    @Test func openAIsOwnChatModelSearchesThroughTheResponsesAPI() async throws {
        try await ProxyHarness.run { harness in
            let reply = try await harness.post("/v1/messages", json: try webSearchRequest(model: "openai/gpt-4.1", stream: false))
            #expect(reply.status == 200, "\(String(decoding: reply.body.prefix(400), as: UTF8.self))")
            #expect(harness.fake.receivedRequests.isEmpty, "not Chat Completions")
            let sent = try #require(harness.responses.receivedRequests.first)
            #expect(sent["model"] == "gpt-4.1")
            #expect(sent["tools"]?.arrayValue?.contains { $0["type"] == "web_search" } == true)
            let records = try await harness.records.waitFor(1)
            #expect(records.first?.targets.map(\.provider) == [.openAIResponses])
        }
    }

    @Test(arguments: [false, true])
    func aDeferredToolReachesTheUpstreamOnlyAfterItWasLoaded(stream: Bool) async throws {
        try await ProxyHarness.run { harness in
            for fixture in ["first-turn", "tool-search-turn"] {
                var body = try #require(try claudeCodeFixture(fixture).objectValue)
                body["stream"] = .bool(stream)
                let reply = try await harness.post("/v1/messages?beta=true", json: .object(body))
                #expect(reply.status == 200, "\(fixture): \(String(decoding: reply.body.prefix(300), as: UTF8.self))")
            }
            let sent = harness.fake.receivedRequests.map { request in
                (request["tools"]?.arrayValue ?? []).compactMap { $0["function"]?["name"]?.stringValue }
            }
            #expect(sent.count == 2)
            #expect(!sent[0].contains("WebSearch") && !sent[0].contains("DeferredToolPlaceholder"), "\(sent[0])")
            #expect(sent[1].contains("WebSearch"), "loaded by the ToolSearch result's tool_reference")
            #expect(!sent[1].contains("DeferredToolPlaceholder"), "still deferred")
            let toolMessage = harness.fake.receivedRequests[1]["messages"]?.arrayValue?.first { $0["role"] == "tool" }
            #expect(toolMessage?["content"] == "Tool WebSearch is now available.")
        }
    }
}
