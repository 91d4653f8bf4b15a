import ProxyCore
import Testing

/// Server-side fallback (`fallbacks`) through the real server to the strict fakes: a reply that
/// declines (OpenAI's content filter) goes on to the fallbacks, and the client gets one message.
@Suite struct RefusalFallbackEndToEndTests {
    private static func body(fallbacks: JSONValue, stream: Bool = false, model: String = "claude-sonnet-4-6") -> JSONValue {
        [
            "model": .string(model), "max_tokens": 300, "stream": .bool(stream), "fallbacks": fallbacks,
            "messages": [["role": "user", "content": "Explain how this exploit works."]],
        ]
    }

    private static let refusal = FakeReply(text: "I can't help with that.", finishReason: "content_filter")

    /// The events of a streamed reply, as JSON (the proxy's own decoder knows no `fallback` block).
    private static func events(_ reply: ProxyHarness.Reply) throws -> [JSONValue] {
        var parser = SSEParser()
        return try (parser.feed(reply.body) + parser.finish()).map { try JSONParser.parse($0.data) }
    }

    /// A streamed reply's message, gathered from its events as a client's accumulator does.
    private static func message(_ reply: ProxyHarness.Reply) throws -> JSONValue {
        guard reply.headers["content-type"]?.hasPrefix("text/event-stream") == true else { return try reply.json }
        var message = JSONObject()
        var content: [JSONValue] = []
        for event in try events(reply) {
            switch event["type"]?.stringValue {
            case "message_start": message = event["message"]?.objectValue ?? [:]
            case "content_block_start":
                #expect(event["index"]?.intValue == content.count, "blocks are numbered on")
                content.append(event["content_block"] ?? .null)
            case "content_block_delta":
                guard let index = event["index"]?.intValue, var block = content[index].objectValue else { continue }
                block["text"] = .string((block["text"]?.stringValue ?? "") + (event["delta"]?["text"]?.stringValue ?? ""))
                content[index] = .object(block)
            case "message_delta":
                message["stop_reason"] = event["delta"]?["stop_reason"]
                message["stop_details"] = event["delta"]?["stop_details"]
                message["usage"] = event["usage"]
            default: break
            }
        }
        message["content"] = .array(content)
        return .object(message)
    }

    private static func iterations(_ message: JSONValue) -> [String] {
        message["usage"]?["iterations"]?.arrayValue?.map { "\($0["type"]?.stringValue ?? "") \($0["model"]?.stringValue ?? "")" } ?? []
    }

    @Test(arguments: [false, true])
    func aDeclinedReplyIsServedByTheFallback(stream: Bool) async throws {
        try await ProxyHarness.run { harness in
            harness.fake.enqueue(Self.refusal, FakeReply(text: "It overflows a buffer; here is how to patch it."))
            let fallbacks: JSONValue = [["model": "claude-haiku-4-5", "max_tokens": 900]]
            let reply = try await harness.post("/v1/messages", json: Self.body(fallbacks: fallbacks, stream: stream))
            #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
            let message = try Self.message(reply)
            let boundary: JSONValue = [
                "type": "fallback", "from": ["model": "claude-sonnet-4-6"], "to": ["model": "claude-haiku-4-5"], "trigger": ["type": "refusal", "category": .null],
            ]
            let answer: JSONValue = ["type": "text", "text": "It overflows a buffer; here is how to patch it."]
            if stream {
                // What streamed before the refusal stays: the boundary follows it.
                #expect(message["content"] == [["type": "text", "text": "I can't help with that."], boundary, answer])
            } else {
                #expect(message["content"] == [boundary, answer])
            }
            #expect(message["stop_reason"] == "end_turn")
            #expect(Self.iterations(message) == ["message claude-sonnet-4-6", "fallback_message claude-haiku-4-5"])
            let sent = harness.fake.receivedRequests
            #expect(sent.map { $0["model"]?.stringValue ?? "" } == ["gpt-4.1", "gpt-4.1-mini"])
            #expect(sent[1]["max_completion_tokens"] == 900 || sent[1]["max_tokens"] == 900, "the entry's max_tokens is the fallback's")

            let record = try #require(try await harness.records.waitFor(1).first)
            #expect(record.targets.map(\.qualifiedModel) == ["openai/gpt-4.1", "openai/gpt-4.1-mini"])
            #expect(record.declinedReplies.map(\.target.qualifiedModel) == ["openai/gpt-4.1"])
            #expect(record.usage?.inputTokens == 200 && record.usage?.outputTokens == 40, "both replies were billed")
            let each = Usage(inputTokens: 100, outputTokens: 20)
            let prices = PriceCatalog()
            let cost = try #require(prices.cost(of: each, model: "gpt-4.1", provider: .openAI, preset: nil))
                + #require(prices.cost(of: each, model: "gpt-4.1-mini", provider: .openAI, preset: nil))
            #expect(abs(try #require(record.costUSD) - cost) < 1e-12, "each reply at its own model's prices")
            #expect(harness.logs.all.contains { $0.contains("→ openai/gpt-4.1-mini (attempt 2) after a refusal by openai/gpt-4.1 ") })
        }
    }

    @Test func aFallbackOnAnotherProviderIsSplicedOntoTheStream() async throws {
        try await ProxyHarness.run { harness in
            harness.fake.enqueue(Self.refusal)
            harness.gemini.enqueue(FakeGeminiReply(text: "Here is a safer way."))
            let reply = try await harness.post("/v1/messages", json: Self.body(fallbacks: [["model": "gemini/gemini-2.5-pro"]], stream: true))
            let events = try Self.events(reply)
            #expect(events.filter { $0["type"] == "message_start" }.count == 1, "one message")
            #expect(events.compactMap { $0["type"] == "content_block_start" ? $0["content_block"]?["type"]?.stringValue : nil } == ["text", "fallback", "text"])
            let message = try Self.message(reply)
            #expect(message["content"]?[2]?["text"] == "Here is a safer way.")
            #expect(Self.iterations(message) == ["message claude-sonnet-4-6", "fallback_message gemini/gemini-2.5-pro"])
            #expect(events.last?["type"] == "message_stop")
        }
    }

    @Test(arguments: [false, true])
    func theDefaultFallbacksAreTheModelSettingsOtherTargets(stream: Bool) async throws {
        try await ProxyHarness.run(environment: ProxyHarness.fallbackEnvironment) { harness in
            harness.fake.enqueue(Self.refusal, FakeReply(text: "Answered by the backup."))
            let reply = try await harness.post("/v1/messages", json: Self.body(fallbacks: "default", stream: stream))
            let message = try Self.message(reply)
            #expect(message["content"]?.arrayValue?.last?["text"] == "Answered by the backup.")
            #expect(message["content"]?.arrayValue?.first { $0["type"] == "fallback" }?["to"]?["model"] == "openai/gpt-4o:backup")
            #expect(harness.fake.receivedRequests.map { $0["model"]?.stringValue ?? "" } == ["gpt-4.1", "gpt-4o"])
        }
    }

    @Test(arguments: [false, true])
    func whenNoFallbackAnswersTheRefusalStandsNamingABusyOne(stream: Bool) async throws {
        try await ProxyHarness.run(environment: ["MAX_RETRIES": "0"]) { harness in
            harness.fake.enqueue(Self.refusal, FakeReply.failing(529, "Overloaded"))
            let reply = try await harness.post("/v1/messages", json: Self.body(fallbacks: [["model": "claude-haiku-4-5"]], stream: stream))
            #expect(reply.status == 200)
            let message = try Self.message(reply)
            #expect(message["stop_reason"] == "refusal")
            #expect(
                message["stop_details"] == [
                    "type": "refusal", "category": .null, "explanation": "The upstream's content filter withheld the answer (finish_reason content_filter).",
                    "recommended_model": "claude-haiku-4-5",
                ], "the refusal's own details, with the model to ask later")
            #expect(message["content"] == [["type": "text", "text": "I can't help with that."]])
            #expect(Self.iterations(message) == ["message claude-sonnet-4-6"])
            #expect(harness.logs.all.contains { $0.contains("Fallback claude-haiku-4-5 after a refusal failed (529") })
            let record = try #require(try await harness.records.waitFor(1).first)
            #expect(record.usage?.inputTokens == 100, "the refusal was billed, the failed fallback was not")
        }
    }

    /// Claude Code sends `fallbacks` to Anthropic's own API only: the proxy's setting gives its
    /// sessions a chain; a request's own field wins.
    @Test func theConfiguredFallbacksServeRequestsThatNameNone() async throws {
        try await ProxyHarness.run(environment: ["REFUSAL_FALLBACKS": "claude-haiku-4-5"]) { harness in
            harness.fake.enqueue(Self.refusal, FakeReply(text: "Served."), Self.refusal, FakeReply(text: "Served by gpt-4o."))
            let configured = try Self.message(try await harness.post("/v1/messages", json: Self.body(fallbacks: .null, stream: true)))
            #expect(Self.iterations(configured) == ["message claude-sonnet-4-6", "fallback_message claude-haiku-4-5"])
            let own = try Self.message(try await harness.post("/v1/messages", json: Self.body(fallbacks: [["model": "openai/gpt-4o"]])))
            #expect(Self.iterations(own) == ["message claude-sonnet-4-6", "fallback_message openai/gpt-4o"])
            #expect(harness.fake.receivedRequests.map { $0["model"]?.stringValue ?? "" } == ["gpt-4.1", "gpt-4.1-mini", "gpt-4.1", "gpt-4o"])
        }
    }

    /// A fallback's answer may be a while coming (its first byte, its retries): the client's
    /// stream is pinged meanwhile, so it does not look dead.
    @Test func aStreamWaitingForItsFallbackIsPinged() async throws {
        try await ProxyHarness.run(environment: ["PING_INTERVAL_SECONDS": "1"]) { harness in
            let gate = FakeGate()
            var held = FakeReply(text: "Worth the wait.")
            held.headWaitsFor = gate
            harness.fake.enqueue(Self.refusal, held)
            let body = JSONWriter.string(Self.body(fallbacks: [["model": "claude-haiku-4-5"]], stream: true))
            let connection = try await RawConnection(url: harness.proxyURL)
            try await connection.send(
                "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: \(body.utf8.count)\r\n\r\n\(body)")
            // After the refusal's text (its block closed), before the fallback answers.
            let refusalEnd = #"event: content_block_stop"#
            try await waitUntil { connection.text.components(separatedBy: refusalEnd).dropFirst().first?.contains("event: ping") == true }
            gate.open()
            try await waitUntil { connection.text.contains("event: message_stop") }
            let text = connection.text
            let afterRefusal = try #require(text.components(separatedBy: refusalEnd).dropFirst().first)
            #expect(afterRefusal.contains("event: ping") && afterRefusal.contains(#""type":"fallback""#), "pinged after the refusal, before the boundary")
            #expect(afterRefusal.range(of: "event: ping")!.lowerBound < afterRefusal.range(of: #""type":"fallback""#)!.lowerBound)
            #expect(text.contains(#""text":"Wort""#), "the fallback's answer follows")
        }
    }

    @Test func aSecondRefusalGoesOnToTheNextFallback() async throws {
        try await ProxyHarness.run { harness in
            harness.fake.enqueue(Self.refusal, Self.refusal, FakeReply(text: "Third time."))
            let fallbacks: JSONValue = [["model": "claude-haiku-4-5"], ["model": "openai/gpt-4o"]]
            let message = try Self.message(try await harness.post("/v1/messages", json: Self.body(fallbacks: fallbacks, stream: true)))
            let boundaries = message["content"]?.arrayValue?.filter { $0["type"] == "fallback" }.map { "\($0["from"]?["model"]?.stringValue ?? "") > \($0["to"]?["model"]?.stringValue ?? "")" }
            #expect(boundaries == ["claude-sonnet-4-6 > claude-haiku-4-5", "claude-haiku-4-5 > openai/gpt-4o"])
            #expect(Self.iterations(message) == ["message claude-sonnet-4-6", "message claude-haiku-4-5", "fallback_message openai/gpt-4o"])
        }
    }

    @Test func aGeminiRefusalGoesOnToAnOpenAIFallback() async throws {
        try await ProxyHarness.run(environment: ["BIG_MODEL": "gemini/gemini-2.5-pro"]) { harness in
            var blocked = FakeGeminiReply(text: "")
            blocked.finishReason = "SAFETY"
            harness.gemini.enqueue(blocked)
            harness.fake.enqueue(FakeReply(text: "Served by OpenAI."))
            let message = try await harness.post("/v1/messages", json: Self.body(fallbacks: [["model": "openai/gpt-4.1"]])).json
            #expect(message["content"]?.arrayValue?.map { $0["type"]?.stringValue ?? "" } == ["fallback", "text"])
            #expect(message["model"] == "openai/gpt-4.1", "the model that answered")
            #expect(Self.iterations(message) == ["message claude-sonnet-4-6", "fallback_message openai/gpt-4.1"])
        }
    }

    /// A thread keeps the message the client got, boundary and all; the next turn sends it back
    /// upstream without the boundary.
    @Test func aThreadKeepsTheSplicedReply() async throws {
        try await ProxyHarness.run { harness in
            harness.fake.enqueue(Self.refusal, FakeReply(text: "Served."), FakeReply(text: "Glad to help."))
            let beta = ["anthropic-beta": "message-threads-2026-08-12"]
            var first = try #require(Self.body(fallbacks: [["model": "claude-haiku-4-5"]], stream: true).objectValue)
            first["thread"] = ["type": "create"]
            let reply = try Self.message(try await harness.post("/v1/messages", json: .object(first), headers: beta))
            let id = try #require(reply["id"]?.stringValue)
            let next: JSONValue = [
                "model": "claude-sonnet-4-6", "max_tokens": 300, "thread": ["type": "continue", "previous_message_id": .string(id)],
                "messages": [["role": "user", "content": "Thanks."]],
            ]
            let second = try await harness.post("/v1/messages", json: next, headers: beta)
            #expect(second.status == 200, "\(String(decoding: second.body, as: UTF8.self))")
            let sent = try #require(harness.fake.receivedRequests.last?["messages"]?.arrayValue)
            #expect(sent.map { $0["role"]?.stringValue ?? "" } == ["user", "assistant", "user"])
            let history = JSONWriter.string(sent[1])
            #expect(history.contains("Served.") && !history.contains("fallback"))
        }
    }

    @Test func anAnswerIsLeftAsItIs() async throws {
        try await ProxyHarness.run { harness in
            harness.fake.enqueue(FakeReply(text: "Fine."))
            let message = try await harness.post("/v1/messages", json: Self.body(fallbacks: [["model": "claude-haiku-4-5"]])).json
            #expect(message["content"] == [["type": "text", "text": "Fine."]])
            #expect(message["usage"]?["iterations"] == nil)
            #expect(harness.fake.receivedRequests.count == 1)
        }
    }

    @Test func anthropicRunsItsOwnChain() async throws {
        try await ProxyHarness.run(environment: ["BIG_MODEL": "anthropic/claude-sonnet-4-6"]) { harness in
            let fallbacks: JSONValue = [["model": "claude-opus-4-8"]]
            let reply = try await harness.post("/v1/messages", json: Self.body(fallbacks: fallbacks))
            #expect(reply.status == 200)
            let sent = try JSONParser.parse(try #require(harness.anthropic.requests.first).body)
            #expect(sent["fallbacks"] == fallbacks, "passed on for Anthropic to run")
        }
    }

    @Test func aMalformedFieldIsRefusedBeforeTheUpstreamIsAsked() async throws {
        try await ProxyHarness.run { harness in
            let reply = try await harness.post("/v1/messages", json: Self.body(fallbacks: [["model": "claude-haiku-4-5", "temperature": 0]]))
            #expect(reply.status == 400)
            #expect(try reply.json["error"]?["message"] == "fallbacks.0.temperature: Extra inputs are not permitted")
            #expect(harness.fake.receivedRequests.isEmpty)
        }
    }
}
