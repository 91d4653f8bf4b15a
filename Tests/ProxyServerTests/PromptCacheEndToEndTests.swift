import ProxyCore
import Testing

/// The prompt cache discount on OpenAI through the real server: the strict fakes see one
/// `prompt_cache_key` for every turn of a Claude Code session and another for another session
/// (cached tokens come back as Anthropic counts them: `ClaudeCodeContinuityTests`).
@Suite struct PromptCacheEndToEndTests {
    private static let fixtures = ["first-turn", "tool-result-turn", "parallel-tool-results-turn"]

    private static func turn(_ fixture: String, session: String, model: String, stream: Bool) throws -> JSONValue {
        var body = try #require(try claudeCodeFixture(fixture).objectValue)
        body["model"] = .string(model)
        body["stream"] = .bool(stream)
        body["metadata"] = ["user_id": .string(#"{"device_id": "d", "account_uuid": "", "session_id": "\#(session)"}"#)]
        return .object(body)
    }

    @Test(arguments: [false, true])
    func chatCompletionsSeesOneKeyPerSession(stream: Bool) async throws {
        try await ProxyHarness.run { harness in
            for fixture in Self.fixtures {
                let reply = try await harness.post("/v1/messages", json: try Self.turn(fixture, session: "session-a", model: "openai/gpt-4.1", stream: stream))
                #expect(reply.status == 200, "\(String(decoding: reply.body.prefix(300), as: UTF8.self))")
            }
            let other = try await harness.post("/v1/messages", json: try Self.turn("first-turn", session: "session-b", model: "openai/gpt-4.1", stream: stream))
            #expect(other.status == 200)
            let sent = harness.fake.receivedRequests
            let keys = sent.compactMap { $0["prompt_cache_key"]?.stringValue }
            #expect(keys.count == 4)
            #expect(Set(keys.prefix(3)).count == 1, "every turn of session a on one cache: \(keys)")
            #expect(keys[3] != keys[0], "session b on another")
            #expect(sent.allSatisfy { $0["prompt_cache_retention"] == "24h" }, "gpt-4.1 keeps its cache a day")
        }
    }

    @Test func theResponsesAPISeesOneKeyPerSessionToo() async throws {
        try await ProxyHarness.run { harness in
            for fixture in Self.fixtures {
                let reply = try await harness.post("/v1/messages", json: try Self.turn(fixture, session: "session-a", model: "responses/gpt-5", stream: false))
                #expect(reply.status == 200, "\(String(decoding: reply.body.prefix(300), as: UTF8.self))")
            }
            let keys = harness.responses.receivedRequests.compactMap { $0["prompt_cache_key"]?.stringValue }
            #expect(keys.count == 3 && Set(keys).count == 1, "\(keys)")
        }
    }

    @Test func aModelWithoutADaysCacheIsNotAskedForOne() async throws {
        try await ProxyHarness.run { harness in
            let reply = try await harness.post("/v1/messages", json: try Self.turn("first-turn", session: "s", model: "openai/gpt-4o", stream: false))
            #expect(reply.status == 200, "\(String(decoding: reply.body.prefix(300), as: UTF8.self))")
            let sent = try #require(harness.fake.receivedRequests.first)
            #expect(sent["prompt_cache_key"] != nil)
            #expect(sent["prompt_cache_retention"] == nil)
        }
    }
}
