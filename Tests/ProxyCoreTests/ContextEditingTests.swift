import ProxyCore
import Testing

/// `context_management` on the backends that translate: tool result clearing and thinking block
/// clearing applied to the conversation before translation, as Anthropic applies them, and the
/// reply saying what was cleared. Token figures follow TokenEstimator: a 1,000-byte tool result
/// block is 258 tokens, the placeholder's block 20.
@Suite struct ContextEditingTests {
    private static let placeholder = "[This tool result was cleared to save context.]"
    private static let configuration = try! ProxyConfiguration(environment: ["OPENAI_API_KEY": "sk", "DEEPSEEK_API_KEY": "ds"])
    private static let router = ModelRouter(configuration: configuration)
    private static let catalog = ModelCatalog(configuration: configuration)

    /// A conversation of `uses` tool exchanges: call N runs `command N` with `tool`, its result is
    /// 1,000 bytes of N's digit; then a closing user question.
    private static func conversation(uses: Int, tool: (Int) -> String = { _ in "Bash" }, thinking: Bool = false) -> [JSONValue] {
        var messages: [JSONValue] = [["role": "user", "content": "Look around."]]
        for use in 0..<uses {
            var assistant: [JSONValue] = []
            if thinking { assistant.append(["type": "thinking", "thinking": .string("Thought \(use)."), "signature": ""]) }
            assistant.append(["type": "tool_use", "id": .string("toolu_\(use)"), "name": .string(tool(use)), "input": ["command": .string("command \(use)")]])
            messages.append(["role": "assistant", "content": .array(assistant)])
            let result = String(repeating: String(use % 10), count: 1_000)
            messages.append(["role": "user", "content": [["type": "tool_result", "tool_use_id": .string("toolu_\(use)"), "content": .string(result)]]])
        }
        messages.append(["role": "assistant", "content": "Done looking."])
        messages.append(["role": "user", "content": "What did you find?"])
        return messages
    }

    private static func request(_ messages: [JSONValue], edits: [JSONValue]?, thinking: Bool = false) throws -> MessagesRequest {
        var body: JSONObject = ["model": "claude-sonnet-4-5", "max_tokens": 1_024, "messages": .array(messages)]
        if let edits { body["context_management"] = ["edits": .array(edits)] }
        if thinking { body["thinking"] = ["type": "enabled", "budget_tokens": 2_048] }
        return try MessagesRequest(json: .object(body))
    }

    private static func clearToolUses(_ fields: JSONObject = [:]) -> JSONValue {
        var edit = fields
        edit["type"] = "clear_tool_uses_20250919"
        return .object(edit)
    }

    /// The result of tool use `use` in `request` (each exchange is two messages after the first).
    private static func result(_ use: Int, in request: MessagesRequest) -> ContentBlock? {
        request.messages[2 + use * 2].content.first
    }

    private static func cleared(_ use: Int) -> ContentBlock {
        .toolResult(toolUseID: "toolu_\(use)", content: [.text(placeholder)], isError: false)
    }

    @Test func belowTheTriggerNothingIsCleared() throws {
        let plain = try Self.request(Self.conversation(uses: 6), edits: nil)
        let edited = try Self.request(Self.conversation(uses: 6), edits: [Self.clearToolUses()])
        #expect(edited.messages == plain.messages, "the default trigger is 100,000 input tokens")
        #expect(edited.contextEdits == ContextEditReport(appliedEdits: []))
        #expect(plain.contextEdits == nil)
    }

    @Test func overTheTriggerEveryToolResultButTheLastThreeIsCleared() throws {
        let request = try Self.request(Self.conversation(uses: 6), edits: [Self.clearToolUses(["trigger": ["type": "input_tokens", "value": 1_000]])])
        for use in 0..<3 { #expect(Self.result(use, in: request) == Self.cleared(use)) }
        for use in 3..<6 {
            #expect(Self.result(use, in: request) == .toolResult(toolUseID: "toolu_\(use)", content: [.text(String(repeating: String(use), count: 1_000))], isError: false))
        }
        #expect(request.messages[1].content == [.toolUse(id: "toolu_0", name: "Bash", input: ["command": "command 0"])], "calls keep their input by default")
        #expect(request.contextEdits == ContextEditReport(appliedEdits: [.clearedToolUses(count: 3, inputTokens: 3 * (258 - 20))]))
        #expect(request.contextEdits?.json == ["applied_edits": [["type": "clear_tool_uses_20250919", "cleared_tool_uses": 3, "cleared_input_tokens": 714]]])
    }

    @Test func aToolUsesTriggerKeepExcludedToolsAndClearedInputs() throws {
        let edit = Self.clearToolUses([
            "trigger": ["type": "tool_uses", "value": 4], "keep": ["type": "tool_uses", "value": 1], "exclude_tools": ["Read"],
            "clear_tool_inputs": ["Bash"],
        ])
        let tools = ["Bash", "Read", "Edit", "Bash", "Read"]
        let request = try Self.request(Self.conversation(uses: 5, tool: { tools[$0] }), edits: [edit])
        #expect(Self.result(0, in: request) == Self.cleared(0))
        #expect(request.messages[1].content == [.toolUse(id: "toolu_0", name: "Bash", input: [:])], "Bash's inputs are cleared too")
        #expect(Self.result(1, in: request) != Self.cleared(1), "Read is excluded")
        #expect(Self.result(2, in: request) == Self.cleared(2))
        #expect(request.messages[5].content == [.toolUse(id: "toolu_2", name: "Edit", input: ["command": "command 2"])], "only Bash's inputs are cleared")
        #expect(Self.result(3, in: request) != Self.cleared(3), "the last use of a tool that is not excluded is kept")
        // A Bash input of 23 bytes is 8 tokens, `{}` 1.
        #expect(request.contextEdits == ContextEditReport(appliedEdits: [.clearedToolUses(count: 2, inputTokens: 2 * 238 + 7)]))

        let notYet = try Self.request(Self.conversation(uses: 4), edits: [edit])
        #expect(notYet.contextEdits == ContextEditReport(appliedEdits: []), "4 tool uses do not exceed a trigger of 4")
    }

    @Test func clearingEveryInputWithTrue() throws {
        let edit = Self.clearToolUses(["trigger": ["type": "tool_uses", "value": 0], "keep": ["type": "tool_uses", "value": 0], "clear_tool_inputs": true])
        let request = try Self.request(Self.conversation(uses: 2), edits: [edit])
        #expect(request.messages[1].content == [.toolUse(id: "toolu_0", name: "Bash", input: [:])])
        #expect(request.messages[3].content == [.toolUse(id: "toolu_1", name: "Bash", input: [:])])
        #expect(request.contextEdits?.appliedEdits == [.clearedToolUses(count: 2, inputTokens: 2 * (238 + 7))])
    }

    @Test func aClearingSmallerThanClearAtLeastIsNotApplied() throws {
        let messages = Self.conversation(uses: 5)
        let trigger: JSONValue = ["type": "input_tokens", "value": 1_000]
        let small = try Self.request(messages, edits: [Self.clearToolUses(["trigger": trigger, "clear_at_least": ["type": "input_tokens", "value": 477]])])
        #expect(small.messages == (try Self.request(messages, edits: nil)).messages, "two results clear 476 tokens")
        #expect(small.contextEdits == ContextEditReport(appliedEdits: []))
        let enough = try Self.request(messages, edits: [Self.clearToolUses(["trigger": trigger, "clear_at_least": ["type": "input_tokens", "value": 476]])])
        #expect(enough.contextEdits?.appliedEdits == [.clearedToolUses(count: 2, inputTokens: 476)])
    }

    @Test func thinkingIsClearedFromAllButTheLastTurnsThatHaveIt() throws {
        var messages = Self.conversation(uses: 3, thinking: true)
        // A turn that holds only thinking (a reply cut off while thinking) is left out once cleared.
        messages.insert(["role": "assistant", "content": [["type": "redacted_thinking", "data": "opaque"]]], at: 1)
        messages.insert(["role": "user", "content": "Go on."], at: 2)
        let edit: JSONValue = ["type": "clear_thinking_20251015", "keep": ["type": "thinking_turns", "value": 1]]
        let request = try Self.request(messages, edits: [edit], thinking: true)
        let assistantTurns = request.messages.filter { $0.role == .assistant }.map(\.content)
        #expect(assistantTurns.count == 4, "the turn of thinking alone is gone")
        #expect(assistantTurns[0] == [.toolUse(id: "toolu_0", name: "Bash", input: ["command": "command 0"])])
        #expect(assistantTurns[1] == [.toolUse(id: "toolu_1", name: "Bash", input: ["command": "command 1"])])
        #expect(assistantTurns[2].first == .thinking("Thought 2.", signature: ""), "the last turn with thinking keeps it")
        #expect(request.messages.count == messages.count - 1)
        // "Thought 0." is 10 bytes: 4 + 3 tokens; "opaque" 4 + 1.
        #expect(request.contextEdits?.appliedEdits == [.clearedThinking(turns: 3, inputTokens: 7 + 7 + 5)])
        #expect(request.contextEdits?.json == ["applied_edits": [["type": "clear_thinking_20251015", "cleared_thinking_turns": 3, "cleared_input_tokens": 19]]])
    }

    @Test func keepingAllThinkingChangesNothing() throws {
        let messages = Self.conversation(uses: 3, thinking: true)
        let plain = try Self.request(messages, edits: nil, thinking: true)
        for keep: JSONValue? in ["all", ["type": "all"], nil] {
            var edit: JSONObject = ["type": "clear_thinking_20251015"]
            if let keep { edit["keep"] = keep }
            let request = try Self.request(messages, edits: [.object(edit)], thinking: true)
            #expect(request.messages == plain.messages)
            #expect(request.contextEdits == ContextEditReport(appliedEdits: []))
        }
    }

    @Test func combinedEditsReportEachAndTheTriggerCountsWhatThinkingClearingLeft() throws {
        let messages = Self.conversation(uses: 5, thinking: true)
        let estimate = TokenEstimator.estimate(try Self.request(messages, edits: nil, thinking: true))
        let thinking: JSONValue = ["type": "clear_thinking_20251015", "keep": ["type": "thinking_turns", "value": 2]]
        // Thinking clearing takes 3 x 7 tokens: a trigger just under the whole prompt is no longer reached.
        let untriggered = Self.clearToolUses(["trigger": ["type": "input_tokens", "value": .int(estimate - 21)]])
        let request = try Self.request(messages, edits: [thinking, untriggered], thinking: true)
        #expect(request.contextEdits?.appliedEdits == [.clearedThinking(turns: 3, inputTokens: 21)])
        let triggered = Self.clearToolUses(["trigger": ["type": "input_tokens", "value": .int(estimate - 22)]])
        let both = try Self.request(messages, edits: [thinking, triggered], thinking: true)
        #expect(both.contextEdits?.appliedEdits == [.clearedThinking(turns: 3, inputTokens: 21), .clearedToolUses(count: 2, inputTokens: 476)])
        #expect(both.contextEdits?.countTokensJSON(inputTokens: 1_000) == ["original_input_tokens": 1_497])
    }

    /// Compaction is a request to the upstream of its own (CompactionPlanTests), not an edit.
    @Test func compactionLeavesTheDecodedConversationWhole() throws {
        let messages = Self.conversation(uses: 4)
        let request = try Self.request(messages, edits: [["type": "compact_20260112", "trigger": ["type": "input_tokens", "value": 50_000]]])
        #expect(request.messages == (try Self.request(messages, edits: nil)).messages)
        #expect(request.contextEdits == ContextEditReport(appliedEdits: []))
    }

    private static let badEdits: [(JSONValue, String)] = [
        (["type": "clear_everything"], "context_management.edits.0.type: must be clear_tool_uses_20250919, clear_thinking_20251015 or compact_20260112, not 'clear_everything'"),
        (["type": "clear_tool_uses_20250919", "trigger": ["type": "messages", "value": 3]], "context_management.edits.0.trigger.type: must be input_tokens or tool_uses, not 'messages'"),
        (["type": "clear_tool_uses_20250919", "keep": ["type": "tool_uses", "value": -1]], "context_management.edits.0.keep.value: must not be negative"),
        (["type": "clear_tool_uses_20250919", "clear_tool_inputs": "yes"], "context_management.edits.0.clear_tool_inputs: must be a boolean or a list of tool names, not string"),
        (["type": "clear_tool_uses_20250919", "exclude_tools": [3]], "context_management.edits.0.exclude_tools.0: must be a tool name (a string)"),
        (["type": "clear_thinking_20251015", "keep": ["type": "thinking_turns", "value": 0]], "context_management.edits.0.keep.value: must be greater than 0; use \"all\" to keep every turn's thinking"),
        (["type": "clear_thinking_20251015", "keep": 2], "context_management.edits.0.keep: must be \"all\" or {\"type\": \"thinking_turns\", \"value\": N}, not number"),
    ]

    @Test(arguments: badEdits)
    func badEditsSayWhatToFix(edit: JSONValue, message: String) throws {
        let error = #expect(throws: AnthropicError.self) { try Self.request(Self.conversation(uses: 1), edits: [edit]) }
        #expect(error?.status == 400)
        #expect(error?.message == message)
    }

    @Test func thinkingClearingComesFirstAndEachEditOnce() throws {
        let thinking: JSONValue = ["type": "clear_thinking_20251015", "keep": "all"]
        let late = #expect(throws: AnthropicError.self) { try Self.request(Self.conversation(uses: 1), edits: [Self.clearToolUses(), thinking]) }
        #expect(late?.message == "context_management.edits.1.type: clear_thinking_20251015 must be the first of the edits when edits are combined")
        let twice = #expect(throws: AnthropicError.self) { try Self.request(Self.conversation(uses: 1), edits: [Self.clearToolUses(), Self.clearToolUses()]) }
        #expect(twice?.message == "context_management.edits.1.type: 'clear_tool_uses_20250919' is listed twice; list each edit once")
    }

    @Test func theReplyAndTheStreamSayWhatWasCleared() throws {
        let request = try Self.request(Self.conversation(uses: 6), edits: [Self.clearToolUses(["trigger": ["type": "input_tokens", "value": 1_000]])])
        let report = try #require(request.contextEdits)
        let adapter = OpenAIChatAdapter(request: request, target: try Self.router.route("openai/gpt-4.1"), catalog: Self.catalog)
        let reply = ChatCompletion.response(message: ["role": "assistant", "content": "Six listings."], usage: ChatCompletion.usage(prompt: 900, completion: 3))
        let message = try adapter.translateClientReply(reply, thinkingDisplay: .shown, contextEdits: report)
        #expect(message.json["context_management"] == report.json)
        #expect(try adapter.translateClientReply(reply, thinkingDisplay: .shown).json["context_management"] == nil)

        let stream = [
            ChatCompletion.chunk(["role": "assistant", "content": "Six listings."]), ChatCompletion.chunk([:], finishReason: "stop"),
            ChatCompletion.usageChunk(ChatCompletion.usage(prompt: 900, completion: 3)), ChatCompletion.done,
        ]
        var plain = adapter.makeStreamTranslator()
        var reporting = adapter.makeClientStreamTranslator(thinkingDisplay: .shown, contextEdits: report)
        let expected = plain.translateAll(stream).map { event -> AnthropicStreamEvent in
            guard case .messageDelta(let reason, let sequence, let usage, nil, nil) = event else { return event }
            return .messageDelta(stopReason: reason, stopSequence: sequence, usage: usage, contextManagement: report)
        }
        let events = reporting.translateAll(stream)
        #expect(events == expected)
        let delta = try #require(events.first { $0.name == "message_delta" })
        #expect(delta.json["context_management"] == ["applied_edits": [["type": "clear_tool_uses_20250919", "cleared_tool_uses": 3, "cleared_input_tokens": 714]]])
    }

    @Test func theUpstreamGetsTheEditedConversation() throws {
        let target = try Self.router.route("openai/gpt-4.1")
        let edited = try Self.request(Self.conversation(uses: 5), edits: [Self.clearToolUses(["trigger": ["type": "input_tokens", "value": 1_000]])])
        var byHand = Self.conversation(uses: 5)
        for use in 0..<2 {
            byHand[2 + use * 2] = ["role": "user", "content": [["type": "tool_result", "tool_use_id": .string("toolu_\(use)"), "content": .string(Self.placeholder)]]]
        }
        let cleared = try Self.request(byHand, edits: nil)
        #expect(
            try OpenAIChatAdapter(request: edited, target: target, catalog: Self.catalog).requestBody()
                == OpenAIChatAdapter(request: cleared, target: target, catalog: Self.catalog).requestBody())
    }

    @Test func deepSeekGetsAnEmptyReasoningForATurnWhoseThinkingWasCleared() throws {
        let edit: JSONValue = ["type": "clear_thinking_20251015", "keep": ["type": "thinking_turns", "value": 1]]
        let request = try Self.request(Self.conversation(uses: 2, thinking: true), edits: [edit], thinking: true)
        let adapter = OpenAIChatAdapter(request: request, target: try Self.router.route("deepseek/deepseek-reasoner"), catalog: Self.catalog)
        let messages = try JSONParser.parse(try adapter.requestBody())["messages"]?.arrayValue ?? []
        let calls = messages.filter { $0["tool_calls"] != nil }
        #expect(calls.map { $0["reasoning_content"] } == ["", "Thought 1."], "DeepSeek refuses a tool-calling turn without the field")
    }
}
