import ProxyCore
import Testing

/// `context_management` through the real server to the strict OpenAI fake: older tool results
/// reach the upstream as placeholders, whole and streamed replies say what was cleared, a later
/// turn served from the kept conversation is cleared the same, and `count_tokens` reports the
/// count before the edits.
@Suite struct ContextEditingEndToEndTests {
    private static let placeholder: JSONValue = "[This tool result was cleared to save context.]"
    /// Clears all but the last 3 tool results once the prompt is over 1,000 estimated tokens.
    private static let edits: JSONValue = ["edits": [["type": "clear_tool_uses_20250919", "trigger": ["type": "input_tokens", "value": 1_000]]]]

    private static func output(_ use: Int) -> String {
        "total \(use)\n" + String(repeating: "-rw-r--r-- 1 dev dev 42 Dec  2 file\(use).swift\n", count: 20)
    }

    /// A session of `uses` Bash calls, each with its listing, then a question.
    private static func body(uses: Int, stream: Bool = false) -> JSONValue {
        var messages: [JSONValue] = [["role": "user", "content": "List every folder."]]
        for use in 0..<uses {
            messages.append(["role": "assistant", "content": [["type": "tool_use", "id": .string("toolu_\(use)"), "name": "Bash", "input": ["command": .string("ls dir\(use)")]]]])
            messages.append(["role": "user", "content": [["type": "tool_result", "tool_use_id": .string("toolu_\(use)"), "content": .string(output(use))]]])
        }
        messages.append(["role": "user", "content": "Which folder is largest?"])
        return [
            "model": "claude-sonnet-4-5", "max_tokens": 1_024, "stream": .bool(stream), "messages": .array(messages),
            "tools": [["name": "Bash", "description": "Runs a command", "input_schema": ["type": "object", "properties": ["command": ["type": "string"]]]]],
            "context_management": edits,
        ]
    }

    private static let beta = ["anthropic-beta": "context-management-2025-06-27"]

    /// The `tool` messages' contents the upstream got in `request`.
    private static func toolResults(_ request: JSONValue) -> [JSONValue?] {
        (request["messages"]?.arrayValue ?? []).filter { $0["role"] == "tool" }.map { $0["content"] }
    }

    private static func expectedResults(uses: Int, cleared: Int) -> [JSONValue?] {
        (0..<uses).map { $0 < cleared ? placeholder : .string(output($0)) }
    }

    @Test func olderToolResultsReachTheUpstreamClearedAndTheReplySaysSo() async throws {
        // An 868-byte result is 4 + 4 + 217 tokens, the placeholder's block 20.
        let report = ContextEditReport(appliedEdits: [.clearedToolUses(count: 2, inputTokens: 2 * (225 - 20))])
        try await ProxyHarness.run { harness in
            for stream in [false, true] {
                harness.fake.enqueue(FakeReply(text: "dir4."))
                let reply = try await harness.post("/v1/messages", json: Self.body(uses: 5, stream: stream), headers: Self.beta)
                #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
                #expect(try reply.message.contextManagement == report, "stream: \(stream)")
            }
            let sent = harness.fake.receivedRequests
            #expect(sent.count == 2)
            for request in sent { #expect(Self.toolResults(request) == Self.expectedResults(uses: 5, cleared: 2)) }
            #expect(sent.allSatisfy { $0["context_management"] == nil }, "the upstream is not told of the edits")

            harness.fake.enqueue(FakeReply(text: "dir0."))
            var plain = try #require(Self.body(uses: 5).objectValue)
            plain["context_management"] = nil
            let unedited = try await harness.post("/v1/messages", json: .object(plain))
            #expect(try unedited.json["context_management"] == nil, "a request without edits gets no report")
        }
    }

    @Test func laterTurnsAreClearedAsWithoutThePrefixCache() async throws {
        var sent: [[JSONValue]] = []
        for cache in ["on", "off"] {
            sent.append(
                try await ProxyHarness.run(environment: ["PREFIX_CACHE": cache]) { harness in
                    for uses in 5...7 {
                        harness.fake.enqueue(FakeReply(text: "More."))
                        let reply = try await harness.post("/v1/messages", json: Self.body(uses: uses), headers: Self.beta)
                        #expect(reply.status == 200)
                        #expect(try reply.json["context_management"]?["applied_edits"]?[0]?["cleared_tool_uses"] == .int(uses - 3))
                    }
                    return harness.fake.receivedRequests
                })
        }
        #expect(sent[0] == sent[1], "the kept conversation is edited where it changed")
        #expect(sent[0].map(Self.toolResults) == (5...7).map { Self.expectedResults(uses: $0, cleared: $0 - 3) })
    }

    @Test func countTokensGivesTheCountBeforeTheEditsBesideIt() async throws {
        try await ProxyHarness.run { harness in
            var body = try #require(Self.body(uses: 5).objectValue)
            body["max_tokens"] = nil
            let counted = try await harness.post("/v1/messages/count_tokens", json: .object(body), headers: Self.beta)
            #expect(counted.status == 200)
            let count = try #require(try counted.json["input_tokens"]?.intValue)
            #expect(try counted.json["context_management"] == ["original_input_tokens": .int(count + 2 * (225 - 20))])
            body["context_management"] = nil
            let unedited = try await harness.post("/v1/messages/count_tokens", json: .object(body))
            #expect(try unedited.json == ["input_tokens": .int(count + 2 * (225 - 20))], "the same count the conversation has unedited")
        }
    }

    @Test func aBadEditIsA400ThatNamesIt() async throws {
        try await ProxyHarness.run { harness in
            var body = try #require(Self.body(uses: 1).objectValue)
            body["context_management"] = ["edits": [["type": "clear_tool_uses_20250919", "keep": ["type": "turns", "value": 2]]]]
            let reply = try await harness.post("/v1/messages", json: .object(body), headers: Self.beta)
            #expect(reply.status == 400)
            #expect(try reply.json["error"]?["type"] == "invalid_request_error")
            #expect(try reply.json["error"]?["message"] == "context_management.edits.0.keep.type: must be tool_uses, not 'turns'")
            #expect(harness.fake.receivedRequests.isEmpty)
        }
    }
}
