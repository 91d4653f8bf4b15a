import ProxyCore
import Testing

/// Routing by need through the real server: what the upstream is asked for, the `x-proxy-route`
/// header, the record and the log line, and the refusal of an image no model can read.
@Suite struct RoutingByNeedEndToEndTests {
    private static let routes = [
        "THINK_MODEL": "openai/o3", "LONG_CONTEXT_MODEL": "openai/gpt-4o", "LONG_CONTEXT_THRESHOLD": "2000", "IMAGE_MODEL": "openai/gpt-4o",
        "SMALL_MODEL": "openai/gpt-3.5-turbo",
    ]

    private static func request(_ model: String = "claude-sonnet-4-6", content: JSONValue = "Hello", extra: [String: JSONValue] = [:]) -> JSONValue {
        var body: [String: JSONValue] = ["model": .string(model), "max_tokens": 4096, "messages": [["role": "user", "content": content]]]
        body.merge(extra) { $1 }
        return .object(JSONObject(body.sorted { $0.key < $1.key }))
    }

    private static let image: JSONValue = [
        ["type": "text", "text": "What is in this picture?"],
        ["type": "image", "source": ["type": "base64", "media_type": "image/png", "data": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="]],
    ]

    @Test(arguments: [false, true])
    func aThinkingTurnGoesToTheThinkModel(stream: Bool) async throws {
        try await ProxyHarness.run(environment: Self.routes) { harness in
            let thinking: JSONValue = ["type": "enabled", "budget_tokens": 2048]
            let reply = try await harness.post("/v1/messages", json: Self.request(extra: ["thinking": thinking, "stream": .bool(stream)]))
            #expect(reply.status == 200, "\(String(decoding: reply.body.prefix(300), as: UTF8.self))")
            #expect(reply.headers["x-proxy-route"] == "think")
            #expect(harness.fake.receivedRequests.map { $0["model"] } == ["o3"])
            let record = try #require(try await harness.records.waitFor(1).first)
            #expect(record.route == .think)
            #expect(record.routeReason == "thinking enabled (budget 2048 tokens)")
            #expect(
                harness.logs.all.contains { $0.contains("claude-sonnet-4-6 → openai/o3 [think: thinking enabled (budget 2048 tokens)]") },
                "\(harness.logs.all)")
        }
    }

    @Test func aTurnWithNothingSpecialKeepsItsMappingAndSaysSo() async throws {
        try await ProxyHarness.run(environment: Self.routes) { harness in
            let reply = try await harness.post("/v1/messages", json: Self.request(extra: ["output_config": ["effort": "medium"]]))
            #expect(reply.status == 200)
            #expect(reply.headers["x-proxy-route"] == "default")
            #expect(harness.fake.receivedRequests.map { $0["model"] } == ["gpt-4.1"])
            let record = try #require(try await harness.records.waitFor(1).first)
            #expect(record.routeReason == "claude-sonnet-4-6 maps through BIG_MODEL")
            #expect(!harness.logs.all.contains { $0.contains("[default") }, "the mapping is in the line already")
        }
    }

    @Test(arguments: [false, true])
    func aLongConversationGoesToTheLongContextModel(stream: Bool) async throws {
        try await ProxyHarness.run(environment: Self.routes) { harness in
            // About 2,500 tokens at 4 bytes a token.
            let long = JSONValue.string(String(repeating: "A long session's history. ", count: 400))
            let reply = try await harness.post("/v1/messages", json: Self.request(content: long, extra: ["stream": .bool(stream)]))
            #expect(reply.status == 200)
            #expect(reply.headers["x-proxy-route"] == "long_context")
            #expect(harness.fake.receivedRequests.map { $0["model"] } == ["gpt-4o"])
            let reason = try #require(try await harness.records.waitFor(1).first?.routeReason)
            #expect(reason.hasSuffix("input tokens, over LONG_CONTEXT_THRESHOLD (2000)"), "\(reason)")
        }
    }

    @Test(arguments: [false, true])
    func anImageForAModelThatCannotReadItGoesToTheImageModel(stream: Bool) async throws {
        try await ProxyHarness.run(environment: Self.routes) { harness in
            let reply = try await harness.post("/v1/messages", json: Self.request("claude-haiku-4-5", content: Self.image, extra: ["stream": .bool(stream)]))
            #expect(reply.status == 200)
            #expect(reply.headers["x-proxy-route"] == "image")
            #expect(harness.fake.receivedRequests.map { $0["model"] } == ["gpt-4o"])
            // Text only, haiku stays on its background model.
            _ = try await harness.post("/v1/messages", json: Self.request("claude-haiku-4-5"))
            #expect(harness.fake.receivedRequests.map { $0["model"] } == ["gpt-4o", "gpt-3.5-turbo"])
        }
    }

    @Test func anImageNoConfiguredModelCanReadIsA400NamingImageModel() async throws {
        try await ProxyHarness.run(environment: ["SMALL_MODEL": "openai/gpt-3.5-turbo"]) { harness in
            let reply = try await harness.post("/v1/messages", json: Self.request("claude-haiku-4-5", content: Self.image, extra: ["stream": true]))
            #expect(reply.status == 400)
            let error = try reply.json["error"]
            #expect(error?["type"] == "invalid_request_error")
            let message = try #require(error?["message"]?.stringValue)
            #expect(message.contains("openai/gpt-3.5-turbo cannot read them"), "\(message)")
            #expect(message.contains("set IMAGE_MODEL"), "\(message)")
            #expect(harness.fake.receivedRequests.isEmpty, "nothing is sent that would break the session upstream")
            // The session goes on: the next turn, text only, is served.
            #expect(try await harness.post("/v1/messages", json: Self.request("claude-haiku-4-5")).status == 200)
        }
    }

    @Test func aRoutesFallbackServesWhenItsFirstModelFails() async throws {
        let environment = Self.routes.merging(["THINK_MODEL": "openai/o3, openai/gpt-5", "MAX_RETRIES": "0"]) { $1 }
        try await ProxyHarness.run(environment: environment) { harness in
            harness.fake.enqueue(FakeReply.failing(529, "Overloaded"))
            let reply = try await harness.post("/v1/messages", json: Self.request(extra: ["output_config": ["effort": "max"]]))
            #expect(reply.status == 200, "\(String(decoding: reply.body.prefix(300), as: UTF8.self))")
            #expect(reply.headers["x-proxy-route"] == "think")
            #expect(harness.fake.receivedRequests.map { $0["model"] } == ["o3", "gpt-5"])
            let record = try #require(try await harness.records.waitFor(1).first)
            #expect(record.targets.map(\.model) == ["o3", "gpt-5"])
            #expect(record.routeReason == "effort max")
        }
    }

    @Test func aSearchGoesToTheWebSearchModel() async throws {
        try await ProxyHarness.run(environment: Self.routes.merging(["WEB_SEARCH_MODEL": "gemini/gemini-2.5-flash"]) { $1 }) { harness in
            harness.gemini.enqueue(GeminiWebSearchEndToEndTests.searchedReply)
            var body = try #require(try claudeCodeFixture("web-search-request").objectValue)
            body["model"] = "claude-sonnet-4-6"
            let reply = try await harness.post("/v1/messages", json: .object(body))
            #expect(reply.status == 200, "\(String(decoding: reply.body.prefix(300), as: UTF8.self))")
            #expect(reply.headers["x-proxy-route"] == "web_search")
            #expect(harness.fake.receivedRequests.isEmpty, "gpt-4.1 would have searched through the Responses API; the route takes it")
            #expect(harness.gemini.generateRequests.first?["tools"] == [["googleSearch": [:]]])
            #expect(try await harness.records.waitFor(1).first?.routeReason == "the web search tool")
        }
    }

    @Test func aModelTheClientNamesIsNotRerouted() async throws {
        try await ProxyHarness.run(environment: Self.routes) { harness in
            let reply = try await harness.post("/v1/messages", json: Self.request("openai/gpt-4.1-mini", extra: ["output_config": ["effort": "high"]]))
            #expect(reply.status == 200)
            #expect(reply.headers["x-proxy-route"] == "named")
            #expect(harness.fake.receivedRequests.map { $0["model"] } == ["gpt-4.1-mini"])
        }
    }
}
