import Foundation
import ProxyCore
import Testing

/// Message threads (beta `message-threads-2026-08-12`) through the real proxy: a `continue` turn
/// carries only its new messages, and the upstream gets the whole conversation every time.
@Suite struct MessageThreadsEndToEndTests {
    private static let beta = ["anthropic-beta": "message-threads-2026-08-12"]
    private static let tools: JSONValue = [
        ["name": "Bash", "description": "Runs a command.", "input_schema": ["type": "object", "properties": ["command": ["type": "string"]]]]
    ]

    private static func create(model: String = "claude-sonnet-4-6", stream: Bool = false) -> JSONValue {
        [
            "model": .string(model), "max_tokens": 200, "stream": .bool(stream), "system": "You run commands.", "tools": tools,
            "thread": ["type": "create"],
            "messages": [["role": "user", "content": [["type": "text", "text": "List files.", "cache_control": ["type": "ephemeral"]]]]],
        ]
    }

    private static func `continue`(_ previousID: String, _ messages: [JSONValue], model: String = "claude-sonnet-4-6", stream: Bool = false) -> JSONValue {
        [
            "model": .string(model), "max_tokens": 200, "stream": .bool(stream),
            "thread": ["type": "continue", "previous_message_id": .string(previousID)], "messages": .array(messages),
        ]
    }

    private static func toolResult(_ id: String, _ text: String) -> JSONValue {
        ["role": "user", "content": [["type": "tool_result", "tool_use_id": .string(id), "content": .string(text)]]]
    }

    /// A turn's reply, its id and its message, whole or streamed.
    private func send(_ body: JSONValue, on harness: ProxyHarness) async throws -> (id: String, message: AnthropicMessage) {
        let reply = try await harness.post("/v1/messages", json: body, headers: Self.beta)
        try #require(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
        let message = try reply.message
        return (message.id, message)
    }

    private func expectError(_ reply: ProxyHarness.Reply, status: Int, code: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(reply.status == status, "\(String(decoding: reply.body, as: UTF8.self))", sourceLocation: sourceLocation)
        #expect(try reply.json["error"]?["details"]?["error_code"] == .string(code), sourceLocation: sourceLocation)
    }

    @Test(arguments: [false, true])
    func aToolLoopSendsOnlyNewTurnsAndTheUpstreamGetsTheWholeConversation(stream: Bool) async throws {
        try await ProxyHarness.run { harness in
            harness.fake.enqueue(
                FakeReply(text: "Listing.", toolCalls: [.init(id: "call_1", name: "Bash", arguments: #"{"command":"ls"}"#)]),
                FakeReply(toolCalls: [.init(id: "call_2", name: "Bash", arguments: #"{"command":"ls -a"}"#)]),
                FakeReply(text: "Two files, one hidden."))
            let first = try await send(Self.create(stream: stream), on: harness)
            #expect(first.message.stopReason == .toolUse)
            let second = try await send(Self.continue(first.id, [Self.toolResult("call_1", "a.txt")], stream: stream), on: harness)
            let third = try await send(Self.continue(second.id, [Self.toolResult("call_2", ".env\na.txt")], stream: stream), on: harness)
            #expect(third.message.content == [.text("Two files, one hidden.")])
            #expect(Set([first.id, second.id, third.id]).count == 3)

            let sent = harness.fake.receivedRequests
            try #require(sent.count == 3)
            let roles = sent.map { $0["messages"]?.arrayValue?.compactMap { $0["role"]?.stringValue } ?? [] }
            #expect(roles[0] == ["system", "user"])
            #expect(roles[1] == ["system", "user", "assistant", "tool"])
            #expect(roles[2] == ["system", "user", "assistant", "tool", "assistant", "tool"])
            #expect(sent.allSatisfy { $0["tools"]?.arrayValue?.first?["function"]?["name"] == "Bash" }, "the thread's tools go on every turn")
            #expect(sent[2]["messages"]?[0]?["content"] == "You run commands.")
            #expect(sent[2]["messages"]?[2]?["tool_calls"]?[0]?["id"] == "call_1", "the first reply, as kept, is sent back")
            #expect(sent[2]["messages"]?[5] == ["role": "tool", "tool_call_id": "call_2", "content": ".env\na.txt"])
            #expect(sent[1]["messages"]?[1] == sent[2]["messages"]?[1], "the history is sent the same way each turn")

            let records = try await harness.records.waitFor(3)
            #expect(records.map(\.messageCount) == [1, 3, 5], "a record counts the whole conversation")
            #expect(records.map(\.toolCount) == [1, 1, 1])
        }
    }

    @Test func theThreadGoesOnAcrossBackendsAndAFallback() async throws {
        try await ProxyHarness.run { harness in
            harness.gemini.enqueue(FakeGeminiReply(text: "From Gemini."))
            let first = try await send(Self.create(model: "gemini/gemini-2.5-flash"), on: harness)
            harness.fake.enqueue(FakeReply(text: "From OpenAI."))
            let second = try await send(Self.continue(first.id, [["role": "user", "content": "And now?"]], model: "openai/gpt-4.1"), on: harness)
            #expect(second.message.content == [.text("From OpenAI.")])
            let sent = try #require(harness.fake.receivedRequests.first)
            #expect(sent["messages"]?.arrayValue?.compactMap { $0["content"]?.stringValue } == ["You run commands.", "List files.", "From Gemini.", "And now?"])
        }
    }

    @Test(arguments: [false, true])
    func anthropicGetsTheWholeConversationWithoutTheThread(stream: Bool) async throws {
        // Large enough that the turns after it are written on the bulk threads.
        let long = String(repeating: "More, with \"quotes\" and ünïcödé.\n", count: 300 * 1024 / 36)
        try await ProxyHarness.run(environment: ["ANTHROPIC_API_KEY": "sk-ant-configured-key-000000000000"]) { harness in
            let first = try await send(Self.create(model: "anthropic/claude-sonnet-4-5", stream: stream), on: harness)
            let second = try await send(Self.continue(first.id, [["role": "user", "content": .string(long)]], model: "anthropic/claude-sonnet-4-5", stream: stream), on: harness)
            _ = try await send(Self.continue(second.id, [["role": "user", "content": "Again."]], model: "anthropic/claude-sonnet-4-5", stream: stream), on: harness)
            let sent = try harness.anthropic.requests.map { try JSONParser.parse($0.body) }
            try #require(sent.count == 3)
            #expect(sent.allSatisfy { $0["thread"] == nil })
            #expect(sent[2]["system"] == "You run commands.")
            #expect(sent[2]["tools"] == Self.tools)
            #expect(sent[2]["model"] == "claude-sonnet-4-5")
            let messages = try #require(sent[2]["messages"]?.arrayValue)
            #expect(messages.count == 5)
            #expect(messages[0] == ["role": "user", "content": [["type": "text", "text": "List files."]]], "a kept turn's breakpoint is not sent again")
            #expect(messages[1] == ["role": "assistant", "content": [["type": "text", "text": "Hi from claude-sonnet-4-5"]]])
            #expect(messages[2] == ["role": "user", "content": .string(long)])
            #expect(messages[4] == ["role": "user", "content": "Again."])
        }
    }

    /// A thread begun with a whole late session (as after its thread was lost): kept on the bulk
    /// threads, its breakpoint left out, and sent whole on the turn after.
    @Test func aThreadCreatedWithALongConversationGoesOnWhole() async throws {
        let long = String(repeating: "Output with \"quotes\" and ünïcödé.\n", count: 300 * 1024 / 36)
        let model = "anthropic/claude-sonnet-4-5"
        let toolResult: JSONValue = ["type": "tool_result", "tool_use_id": "toolu_1", "content": .string(long)]
        let history: [JSONValue] = [
            ["role": "user", "content": "List files."],
            ["role": "assistant", "content": [["type": "tool_use", "id": "toolu_1", "name": "Bash", "input": ["command": "ls"]]]],
            ["role": "user", "content": [["type": "tool_result", "tool_use_id": "toolu_1", "content": .string(long), "cache_control": ["type": "ephemeral"]]]],
        ]
        var create = try #require(Self.create(model: model).objectValue)
        create["messages"] = .array(history)
        try await ProxyHarness.run(environment: ["ANTHROPIC_API_KEY": "sk-ant-configured-key-000000000000"]) { harness in
            let first = try await send(.object(create), on: harness)
            _ = try await send(Self.continue(first.id, [["role": "user", "content": "All of them?"]], model: model), on: harness)
            let sent = try harness.anthropic.requests.map { try JSONParser.parse($0.body) }
            try #require(sent.count == 2)
            #expect(sent[0]["messages"] == .array(history), "the first turn goes as it came")
            let messages = try #require(sent[1]["messages"]?.arrayValue)
            #expect(messages.count == 5)
            #expect(Array(messages.prefix(2)) == Array(history.prefix(2)))
            #expect(messages[2] == ["role": "user", "content": [toolResult]], "a kept turn's breakpoint is not sent again")
            #expect(messages[3] == ["role": "assistant", "content": [["type": "text", "text": "Hi from claude-sonnet-4-5"]]])
            #expect(messages[4] == ["role": "user", "content": "All of them?"])
        }
    }

    @Test func aReplyCanBeContinuedOnceAndOnlyByOneTurnAtATime() async throws {
        try await ProxyHarness.run { harness in
            harness.fake.enqueue(FakeReply(text: "One."))
            let first = try await send(Self.create(), on: harness)
            let gate = FakeGate()
            var held = FakeReply(text: "Two.")
            held.headWaitsFor = gate
            harness.fake.enqueue(held)
            let inFlight = Task { try await harness.post("/v1/messages", json: Self.continue(first.id, [["role": "user", "content": "Go on."]]), headers: Self.beta) }
            while harness.fake.receivedRequests.count < 2 { try await Task.sleep(for: .milliseconds(10)) }
            let meanwhile = try await harness.post("/v1/messages", json: Self.continue(first.id, [["role": "user", "content": "Or this."]]), headers: Self.beta)
            try expectError(meanwhile, status: 400, code: "thread_continue_in_flight")
            gate.open()
            #expect(try await inFlight.value.status == 200)
            let again = try await harness.post("/v1/messages", json: Self.continue(first.id, [["role": "user", "content": "Or this."]]), headers: Self.beta)
            try expectError(again, status: 400, code: "thread_already_continued")
            #expect(harness.fake.receivedRequests.count == 2, "refused turns reach no upstream")
        }
    }

    @Test func aFailedTurnLeavesItsReplyToContinueAgain() async throws {
        try await ProxyHarness.run(environment: ["MAX_RETRIES": "0"]) { harness in
            harness.fake.enqueue(FakeReply(text: "One."))
            let first = try await send(Self.create(), on: harness)
            harness.fake.enqueue(.failing(400, "This model's maximum context length is exceeded."))
            let failed = try await harness.post("/v1/messages", json: Self.continue(first.id, [["role": "user", "content": "Go on."]]), headers: Self.beta)
            #expect(failed.status == 400)
            harness.fake.enqueue(FakeReply(text: "Two."))
            let retried = try await send(Self.continue(first.id, [["role": "user", "content": "Go on."]]), on: harness)
            #expect(retried.message.content == [.text("Two.")])
        }
    }

    @Test func unknownRepliesAndChangedFieldsAreRefusedBeforeAnyUpstream() async throws {
        try await ProxyHarness.run { harness in
            try expectError(
                try await harness.post("/v1/messages", json: Self.continue("msg_never", [["role": "user", "content": "Hi."]]), headers: Self.beta),
                status: 404, code: "thread_not_found")
            harness.fake.enqueue(FakeReply(text: "One."))
            let first = try await send(Self.create(), on: harness)
            var changed = try #require(Self.continue(first.id, [["role": "user", "content": "Hi."]]).objectValue)
            changed["system"] = "You write poems."
            try expectError(try await harness.post("/v1/messages", json: .object(changed), headers: Self.beta), status: 400, code: "thread_fingerprint_mismatch")
            // The refusal let the reply go: it is still there to continue.
            harness.fake.enqueue(FakeReply(text: "Two."))
            changed["system"] = "You run commands."
            #expect(try await harness.post("/v1/messages", json: .object(changed), headers: Self.beta).status == 200)
            #expect(harness.fake.receivedRequests.count == 2)
        }
    }

    @Test func aThreadIsContinuedOnlyWithTheKeyThatMadeIt() async throws {
        try await ProxyHarness.run { harness in
            harness.fake.enqueue(FakeReply(text: "One."))
            let made = try await harness.post("/v1/messages", json: Self.create(), headers: Self.beta.merging(["x-api-key": "sk-ant-alice-000"]) { $1 })
            let id = try #require(try made.json["id"]?.stringValue)
            let next = Self.continue(id, [["role": "user", "content": "Hi."]])
            let bob = try await harness.post("/v1/messages", json: next, headers: Self.beta.merging(["x-api-key": "sk-ant-bob-000"]) { $1 })
            try expectError(bob, status: 404, code: "thread_not_found")
            harness.fake.enqueue(FakeReply(text: "Two."))
            let alice = try await harness.post("/v1/messages", json: next, headers: Self.beta.merging(["authorization": "Bearer sk-ant-alice-000"]) { $1 })
            #expect(alice.status == 200, "the same key, as a bearer token")
        }
    }

    @Test func aThreadNeedsItsBetaAndIsNotCounted() async throws {
        try await ProxyHarness.run { harness in
            let noBeta = try await harness.post("/v1/messages", json: Self.create())
            #expect(noBeta.status == 400)
            #expect(try reply(noBeta).contains("add 'message-threads-2026-08-12' to the anthropic-beta header"))
            let counted = try await harness.post("/v1/messages/count_tokens", json: Self.create(), headers: Self.beta)
            #expect(counted.status == 400)
            #expect(try reply(counted).hasPrefix("thread: count_tokens counts the conversation as sent"))
            #expect(harness.fake.receivedRequests.isEmpty)
        }
    }

    @Test func offTheyAreRefusedTheWayTheSDKsToolRunnerRecoversFrom() async throws {
        try await ProxyHarness.run(environment: ["MESSAGE_THREADS": "off"]) { harness in
            let reply = try await harness.post("/v1/messages", json: Self.create(), headers: Self.beta)
            #expect(reply.status == 400)
            #expect(try reply.json["error"]?["type"] == "invalid_request_error")
            #expect(try reply.json["error"]?["details"] == ["error_code": "thread_unsupported_request", "unsupported": ["thread"]])
            #expect(harness.fake.receivedRequests.isEmpty)
        }
    }

    private func reply(_ reply: ProxyHarness.Reply) throws -> String {
        try reply.json["error"]?["message"]?.stringValue ?? ""
    }
}
