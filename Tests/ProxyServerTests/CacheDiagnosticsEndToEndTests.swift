import ProxyCore
import Testing

/// Cache diagnostics through the real server to the strict OpenAI fake: each reply, whole or
/// streamed, says where its prompt diverged from the request whose reply the client names.
@Suite struct CacheDiagnosticsEndToEndTests {
    private static func body(
        system: String = "You are terse.", messages: [JSONValue], previous: String?, stream: Bool = false
    ) -> JSONValue {
        [
            "model": "claude-sonnet-4-6", "max_tokens": 200, "stream": .bool(stream), "system": .string(system), "messages": .array(messages),
            "diagnostics": ["previous_message_id": previous.map { .string($0) } ?? .null],
        ]
    }

    private static func estimate(_ body: JSONValue) throws -> Int {
        TokenEstimator.estimate(try MessagesRequest(json: body))
    }

    @Test(arguments: [false, true])
    func aSessionIsDiagnosedTurnByTurn(stream: Bool) async throws {
        try await ProxyHarness.run { harness in
            let question: JSONValue = ["role": "user", "content": "What is 2 + 2?"]
            let first = Self.body(messages: [question], previous: nil, stream: stream)
            harness.fake.enqueue(FakeReply(text: "4."))
            let firstReply = try await harness.post("/v1/messages", json: first)
            #expect(firstReply.status == 200, "\(String(decoding: firstReply.body, as: UTF8.self))")
            let firstMessage = try firstReply.message
            #expect(firstMessage.cacheDiagnosis == .unchanged, "a first turn has nothing to compare with")
            if !stream { #expect(try firstReply.json["diagnostics"] == .null) }

            let conversation = [question, ["role": "assistant", "content": "4."], ["role": "user", "content": "And 3 + 3?"]]
            let second = Self.body(messages: conversation, previous: firstMessage.id, stream: stream)
            harness.fake.enqueue(FakeReply(text: "6."))
            let secondMessage = try await harness.post("/v1/messages", json: second).message
            #expect(secondMessage.cacheDiagnosis == .unchanged, "only messages were added")

            // A timestamp in the system prompt: everything the previous prompt had from there on is missed.
            let third = Self.body(system: "You are terse. It is 10:42.", messages: conversation, previous: secondMessage.id, stream: stream)
            harness.fake.enqueue(FakeReply(text: "6."))
            let thirdMessage = try await harness.post("/v1/messages", json: third).message
            #expect(thirdMessage.cacheDiagnosis == .missed(.systemChanged(missedTokens: try Self.estimate(second))))

            let edited = [question, ["role": "assistant", "content": "Four."], ["role": "user", "content": "And 3 + 3?"]]
            harness.fake.enqueue(FakeReply(text: "6."))
            let fourth = try await harness.post("/v1/messages", json: Self.body(system: "You are terse. It is 10:42.", messages: edited, previous: thirdMessage.id, stream: stream))
            let missed = try Self.estimate(third) - Self.estimate(Self.body(system: "You are terse. It is 10:42.", messages: [question], previous: nil))
            #expect(try fourth.message.cacheDiagnosis == .missed(.messagesChanged(missedTokens: missed)), "the reply and the question after it")

            harness.fake.enqueue(FakeReply(text: "6."))
            let unknown = try await harness.post("/v1/messages", json: Self.body(messages: conversation, previous: "msg_01UnknownReplyId0000000", stream: stream))
            #expect(try unknown.message.cacheDiagnosis == .missed(.previousMessageNotFound))
            #expect(harness.fake.receivedRequests.allSatisfy { $0["diagnostics"] == nil }, "the upstream is not told")
        }
    }

    /// Gemini's translators open their streams their own way: the diagnosis is in them all the same.
    @Test func geminiRepliesCarryTheDiagnosisToo() async throws {
        try await ProxyHarness.run(environment: ["BIG_MODEL": "gemini/gemini-2.5-pro"]) { harness in
            let question: JSONValue = ["role": "user", "content": "What is 2 + 2?"]
            harness.gemini.enqueue(FakeGeminiReply(text: "4."))
            let first = try await harness.post("/v1/messages", json: Self.body(messages: [question], previous: nil, stream: true)).message
            #expect(first.cacheDiagnosis == .unchanged)
            let conversation = [question, ["role": "assistant", "content": "4."], ["role": "user", "content": "And 3 + 3?"]]
            let second = Self.body(system: "You are terse. It is 10:42.", messages: conversation, previous: first.id)
            harness.gemini.enqueue(FakeGeminiReply(text: "6."))
            let reply = try await harness.post("/v1/messages", json: second)
            #expect(reply.headers["x-proxy-upstream-model"] == "gemini/gemini-2.5-pro")
            #expect(try reply.message.cacheDiagnosis == .missed(.systemChanged(missedTokens: try Self.estimate(Self.body(messages: [question], previous: nil)))))
        }
    }

    @Test func aFallbackThatServedAnotherModelIsAModelChange() async throws {
        try await ProxyHarness.run(environment: ProxyHarness.fallbackEnvironment) { harness in
            let question: JSONValue = ["role": "user", "content": "What is 2 + 2?"]
            let first = Self.body(messages: [question], previous: nil)
            harness.fake.enqueue(FakeReply.failing(529, "Overloaded"))
            harness.fake.enqueue(FakeReply(text: "4."))
            let firstReply = try await harness.post("/v1/messages", json: first)
            #expect(firstReply.headers["x-proxy-upstream-model"] == "openai/gpt-4o:backup")
            let conversation = [question, ["role": "assistant", "content": "4."], ["role": "user", "content": "And 3 + 3?"]]
            harness.fake.enqueue(FakeReply(text: "6."))
            let second = try await harness.post("/v1/messages", json: Self.body(messages: conversation, previous: try firstReply.message.id))
            #expect(second.headers["x-proxy-upstream-model"] == "openai/gpt-4.1")
            #expect(try second.message.cacheDiagnosis == .missed(.modelChanged(missedTokens: try Self.estimate(first))), "the backup's cache is not the primary's")
        }
    }

    @Test func anotherClientsReplyIsNotFound() async throws {
        try await ProxyHarness.run { harness in
            let alice = ["x-api-key": "sk-ant-alice-000000000000000000000000"]
            let question: JSONValue = ["role": "user", "content": "What is 2 + 2?"]
            harness.fake.enqueue(FakeReply(text: "4."))
            let first = try await harness.post("/v1/messages", json: Self.body(messages: [question], previous: nil), headers: alice)
            let conversation = [question, ["role": "assistant", "content": "4."], ["role": "user", "content": "And 3 + 3?"]]
            let next = Self.body(messages: conversation, previous: try first.message.id)
            harness.fake.enqueue(FakeReply(text: "6."))
            let bob = try await harness.post("/v1/messages", json: next, headers: ["x-api-key": "sk-ant-bob-00000000000000000000000000"])
            #expect(try bob.message.cacheDiagnosis == .missed(.previousMessageNotFound))
            harness.fake.enqueue(FakeReply(text: "6."))
            #expect(try await harness.post("/v1/messages", json: next, headers: alice).message.cacheDiagnosis == .unchanged)
        }
    }

    @Test func aBadFieldIsRefusedBeforeTheUpstreamIsAsked() async throws {
        try await ProxyHarness.run { harness in
            var body = try #require(Self.body(messages: [["role": "user", "content": "hi"]], previous: nil).objectValue)
            body["diagnostics"] = ["previous_message_id": 42]
            let reply = try await harness.post("/v1/messages", json: .object(body))
            #expect(reply.status == 400)
            #expect(
                try reply.json["error"]?["message"]
                    == "diagnostics.previous_message_id: must be the id (msg_...) of the reply to your previous request, or null on a first turn, not number")
            #expect(harness.fake.receivedRequests.isEmpty)
        }
    }
}
