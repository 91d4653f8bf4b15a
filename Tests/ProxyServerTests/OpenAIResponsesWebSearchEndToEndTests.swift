import ProxyCore
import Testing

/// The real server against the strict fake Responses API, driven by Claude Code's own web search
/// request: the upstream's search and its cited answer reach the client as Anthropic's web search
/// blocks, whole and streamed alike; the client's domain lists and `max_uses` hold; web fetch is
/// refused before anything is sent; structured outputs reach the upstream as `text.format`.
@Suite struct OpenAIResponsesWebSearchEndToEndTests {
    static let environment = ["BIG_MODEL": "responses/gpt-5", "SMALL_MODEL": "responses/gpt-5"]
    static let release = "https://www.swift.org/blog/swift-6-3-released/"
    static let changelog = "https://github.com/swiftlang/swift/blob/main/CHANGELOG.md"
    static let answer = "Swift 6.3 arrived in March 2026 — „schneller“ builds 🚀 and better C++ interop."

    /// The upstream searches once, reads two pages and cites both.
    static let script = FakeResponsesUpstream.Script(
        FakeReply(text: answer), searches: [.init(query: "swift 6.3 release notes", sources: [release, changelog])],
        citations: [
            .init(quote: "Swift 6.3 arrived in March 2026", url: release, title: "Swift 6.3 Released"),
            .init(quote: "„schneller“ builds 🚀", url: changelog, title: "swift/CHANGELOG.md at main"),
        ])

    private static func cited(_ text: String, _ url: String, _ title: String) -> ContentBlock {
        .citedText(text, citations: [WebSearchCitation(url: url + "?utm_source=openai", title: title, citedText: text)])
    }

    /// The whole reply, the streamed one, and the stream's events, for `body` answered by `script`.
    private func wholeAndStreamed(
        _ harness: ProxyHarness, body: JSONValue, script: FakeResponsesUpstream.Script
    ) async throws -> (whole: ProxyHarness.Reply, streamed: ProxyHarness.Reply) {
        var request = try #require(body.objectValue)
        request["stream"] = false
        harness.responses.enqueue(script)
        let whole = try await harness.post("/v1/messages?beta=true", json: .object(request))
        #expect(whole.status == 200, "\(String(decoding: whole.body, as: UTF8.self))")
        request["stream"] = true
        harness.responses.enqueue(script)
        let streamed = try await harness.post("/v1/messages?beta=true", json: .object(request))
        #expect(streamed.status == 200, "\(String(decoding: streamed.body, as: UTF8.self))")
        return (whole, streamed)
    }

    private func accumulate(_ events: [AnthropicStreamEvent]) throws -> AnthropicMessage {
        var accumulator = StreamAccumulator()
        for event in events { try accumulator.consume(event) }
        return try #require(accumulator.finalMessage)
    }

    @Test func claudeCodesWebSearchGetsTheSearchItsResultsAndTheCitedAnswerWholeAndStreamed() async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            let (wholeReply, streamedReply) = try await wholeAndStreamed(harness, body: try claudeCodeFixture("web-search-request"), script: Self.script)
            let whole = try AnthropicMessage(json: try wholeReply.json)
            var streamed = try accumulate(try streamedReply.events)

            // gpt-5 reasons first: a thinking block carrying only its encrypted reasoning.
            guard case .thinking("", let signature)? = whole.content.first else {
                Issue.record("no thinking block first in \(whole.content)")
                return
            }
            #expect(signature.hasPrefix("openai-responses:gpt-5#"))
            #expect(
                Array(whole.content.dropFirst()) == [
                    .serverToolUse(id: "srvtoolu_fake0", name: "web_search", input: ["query": "swift 6.3 release notes"]),
                    .webSearchToolResult(
                        toolUseID: "srvtoolu_fake0",
                        content: .results([
                            WebSearchResult(url: Self.release, title: "Swift 6.3 Released"), WebSearchResult(url: Self.changelog, title: "swift/CHANGELOG.md at main"),
                        ])),
                    Self.cited("Swift 6.3 arrived in March 2026", Self.release, "Swift 6.3 Released"), .text(" — "),
                    Self.cited("„schneller“ builds 🚀", Self.changelog, "swift/CHANGELOG.md at main"), .text(" and better C++ interop."),
                ])
            #expect(whole.stopReason == .endTurn)
            #expect(try wholeReply.json["usage"]?["server_tool_use"] == ["web_search_requests": 1])

            // Each stream gets its own encrypted reasoning; everything else is the same.
            streamed.id = whole.id
            streamed.content[0] = whole.content[0]
            #expect(streamed == whole)
            let messageDelta = try streamedReply.events.first { $0.name == "message_delta" }
            #expect(messageDelta?.json["usage"]?["server_tool_use"] == ["web_search_requests": 1])

            let sent = harness.responses.receivedRequests
            #expect(sent.count == 2)
            #expect(sent.allSatisfy { $0["tools"] == [["type": "web_search"]] && $0["tool_choice"] == "auto" })
            #expect(sent.allSatisfy { $0["include"] == ["reasoning.encrypted_content", "web_search_call.action.sources"] })
        }
    }

    @Test(arguments: [false, true])
    func blockedDomainsAreFilteredHereAndSearchesPastMaxUsesAreRefused(stream: Bool) async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            var script = Self.script
            script.searches.append(.init(query: "swift 6.3 changelog", sources: [Self.changelog]))
            harness.responses.enqueue(script)
            let reply = try await harness.post(
                "/v1/messages",
                json: [
                    "model": "claude-sonnet-4-6", "max_tokens": 4_096, "stream": .bool(stream),
                    "tools": [["type": "web_search_20250305", "name": "web_search", "max_uses": 1, "blocked_domains": ["github.com"]]],
                    "messages": [["role": "user", "content": "What is new in Swift 6.3?"]],
                ])
            #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
            let message = stream ? try accumulate(try reply.events) : try AnthropicMessage(json: try reply.json)
            #expect(
                Array(message.content.dropFirst()) == [
                    .serverToolUse(id: "srvtoolu_fake0", name: "web_search", input: ["query": "swift 6.3 release notes"]),
                    .webSearchToolResult(toolUseID: "srvtoolu_fake0", content: .results([WebSearchResult(url: Self.release, title: "Swift 6.3 Released")])),
                    .serverToolUse(id: "srvtoolu_fake1", name: "web_search", input: ["query": "swift 6.3 changelog"]),
                    .webSearchToolResult(toolUseID: "srvtoolu_fake1", content: .error(code: "max_uses_exceeded")),
                    Self.cited("Swift 6.3 arrived in March 2026", Self.release, "Swift 6.3 Released"),
                    .text(" — „schneller“ builds 🚀 and better C++ interop."),
                ])
            #expect(message.usage.webSearchRequests == 2)
            // Neither limit has an API setting: the tool goes up bare.
            #expect(harness.responses.receivedRequests.last?["tools"] == [["type": "web_search"]])
        }
    }

    @Test func allowedDomainsAndTheLocationReachTheUpstreamWhichReadsOnlyThoseDomains() async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            harness.responses.enqueue(Self.script)
            let reply = try await harness.post(
                "/v1/messages",
                json: [
                    "model": "claude-sonnet-4-6", "max_tokens": 4_096,
                    "tools": [
                        [
                            "type": "web_search_20250305", "name": "web_search", "allowed_domains": ["swift.org"],
                            "user_location": ["type": "approximate", "city": "Cupertino", "region": "California", "country": "US", "timezone": "America/Los_Angeles"],
                        ]
                    ],
                    "messages": [["role": "user", "content": "What is new in Swift 6.3?"]],
                ])
            #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
            #expect(
                harness.responses.receivedRequests.last?["tools"] == [
                    [
                        "type": "web_search", "filters": ["allowed_domains": ["swift.org"]],
                        "user_location": ["type": "approximate", "city": "Cupertino", "region": "California", "country": "US", "timezone": "America/Los_Angeles"],
                    ]
                ])
            let message = try AnthropicMessage(json: try reply.json)
            #expect(message.content[2] == .webSearchToolResult(toolUseID: "srvtoolu_fake0", content: .results([WebSearchResult(url: Self.release, title: "Swift 6.3 Released")])))
        }
    }

    @Test func webFetchIsRefusedBeforeAnythingIsSent() async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            let reply = try await harness.post(
                "/v1/messages",
                json: [
                    "model": "claude-sonnet-4-6", "max_tokens": 1_024, "tools": [["type": "web_fetch_20250910", "name": "web_fetch"]],
                    "messages": [["role": "user", "content": "Read https://www.swift.org"]],
                ])
            #expect(reply.status == 400)
            #expect(try reply.json["error"]?["type"] == "invalid_request_error")
            #expect(try reply.json["error"]?["message"]?.stringValue?.hasPrefix("tools: web fetch runs only on Gemini (its URL context) or Anthropic") == true)
            #expect(harness.responses.receivedRequests.isEmpty)
        }
    }

    @Test(arguments: [false, true])
    func structuredOutputsReachTheUpstreamAsTextFormatAndTheJSONComesBack(stream: Bool) async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            let json = #"{"city":"Paris","celsius":21.5}"#
            harness.responses.enqueue(FakeReply(text: json))
            let schema: JSONValue = [
                "type": "object", "properties": ["city": ["type": "string"], "celsius": ["type": "number"]], "required": ["city", "celsius"],
                "additionalProperties": false,
            ]
            let reply = try await harness.post(
                "/v1/messages",
                json: [
                    "model": "claude-sonnet-4-6", "max_tokens": 1_024, "stream": .bool(stream), "output_config": ["format": ["type": "json_schema", "schema": schema]],
                    "messages": [["role": "user", "content": "The weather in Paris, as JSON."]],
                ])
            #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
            let message = stream ? try accumulate(try reply.events) : try AnthropicMessage(json: try reply.json)
            #expect(message.content.last == .text(json))
            #expect(harness.responses.receivedRequests.last?["text"] == ["format": ["type": "json_schema", "name": "response", "schema": schema, "strict": true]])
        }
    }

    /// The fake refuses what OpenAI refuses, so that the tests above would fail on a request the
    /// real API would not take.
    @Test(arguments: [
        (["type": "web_search", "max_uses": 8], "Unknown parameter: 'tools[0].max_uses'."),
        (["type": "web_search", "filters": ["blocked_domains": ["github.com"]]], "Unknown parameter: 'tools[0].filters.blocked_domains'."),
        (["type": "web_search", "filters": ["allowed_domains": ["https://swift.org"]]], "Invalid 'tools[0].filters.allowed_domains': domains must be given without a scheme."),
        (["type": "web_search", "user_location": ["type": "exact", "country": "US"]], "Invalid value for 'tools[0].user_location.type': expected 'approximate'."),
    ] as [(JSONValue, String)])
    func theFakeRefusesWebSearchToolsTheAPIRefuses(tool: JSONValue, message: String) {
        let body: JSONValue = ["model": "gpt-5", "store": false, "input": [["role": "user", "content": "hi"]], "tools": [tool]]
        #expect(StrictResponsesValidator.problem(with: body, isIssued: { _, _ in false })?.message == message)
    }

    @Test func theFakeRefusesUnknownToolsIncludesAndUnnamedOrFalselyStrictSchemas() {
        func problem(_ extra: JSONObject) -> String? {
            var body: JSONObject = ["model": "gpt-5", "store": false, "input": [["role": "user", "content": "hi"]]]
            for member in extra.members { body[member.key] = member.value }
            return StrictResponsesValidator.problem(with: .object(body), isIssued: { _, _ in false })?.message
        }
        #expect(problem(["tools": [["type": "web_fetch"]]])?.hasPrefix("Invalid value: 'web_fetch'. Supported values are: ") == true)
        #expect(problem(["include": ["web_search_call.sources"]])?.hasPrefix("Invalid value: 'web_search_call.sources'.") == true)
        #expect(problem(["text": ["format": ["type": "json_schema", "schema": ["type": "object"]]]]) == "Missing required parameter: 'text.format.name'.")
        let optional: JSONValue = ["type": "object", "properties": ["note": ["type": "string"]], "additionalProperties": false]
        #expect(problem(["text": ["format": ["type": "json_schema", "name": "r", "schema": optional, "strict": true]]])?.hasPrefix("Invalid schema for response_format 'r'") == true)
        #expect(problem(["text": ["format": ["type": "json_schema", "name": "r", "schema": optional, "strict": false]]]) == nil)
    }
}
