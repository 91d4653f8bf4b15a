import ProxyCore
import Testing

/// A whole Chat Completions response becomes the Anthropic message Claude would have sent.
@Suite struct OpenAIChatResponseTranslatorTests {
    private static let reportedUsage = ChatCompletion.usage(prompt: 100, completion: 20)

    private func translate(_ response: JSONValue, context: OpenAIChatReplyContext = .forTesting()) throws -> AnthropicMessage {
        try OpenAIChatResponseTranslator(context: context).translate(response)
    }

    /// The translation of a reply whose choice holds `message`, reporting 100 prompt and 20 completion tokens.
    private func translate(
        message: JSONValue, finishReason: JSONValue = "stop", choiceExtras: JSONObject = [:], context: OpenAIChatReplyContext = .forTesting()
    ) throws -> AnthropicMessage {
        try translate(
            ChatCompletion.response(message: message, finishReason: finishReason, usage: Self.reportedUsage, choiceExtras: choiceExtras), context: context)
    }

    /// The message expected back, with the test context's id and model.
    private func reply(
        _ content: [ContentBlock], stopReason: StopReason = .endTurn, stopSequence: String? = nil, usage: Usage = Usage(inputTokens: 100, outputTokens: 20)
    ) -> AnthropicMessage {
        AnthropicMessage(
            id: OpenAIChatReplyContext.testMessageID, model: OpenAIChatReplyContext.testRequestedModel, content: content, stopReason: stopReason,
            stopSequence: stopSequence, usage: usage)
    }

    private func toolCall(id: JSONValue = "call_a", name: String = "Bash", arguments: String) -> JSONValue {
        var call: JSONObject = ["type": "function", "function": ["name": .string(name), "arguments": .string(arguments)]]
        if !id.isNull { call["id"] = id }
        return .object(call)
    }

    // MARK: - Content

    @Test func textBecomesATextBlock() throws {
        let message = try translate(message: ["role": "assistant", "content": "Hello.", "refusal": nil, "annotations": []])
        #expect(message == reply([.text("Hello.")]))
    }

    @Test(arguments: ["reasoning_content", "reasoning"])
    func reasoningBecomesAThinkingBlockBeforeTheText(field: String) throws {
        var choiceMessage: JSONObject = ["role": "assistant", "content": "42."]
        choiceMessage[field] = "Six times seven."
        let message = try translate(message: .object(choiceMessage))
        #expect(message == reply([.thinking("Six times seven.", signature: ""), .text("42.")]))
    }

    @Test func toolCallsBecomeToolUseBlocksWithParsedInput() throws {
        let message = try translate(
            message: [
                "role": "assistant", "content": "Let me look.",
                "tool_calls": [
                    toolCall(id: "call_a", name: "Read", arguments: #"{"file_path":"/a"}"#),
                    toolCall(id: "call_b", name: "Bash", arguments: #"{"command":"ls","timeout":5}"#),
                ],
            ], finishReason: "tool_calls")
        #expect(
            message
                == reply(
                    [
                        .text("Let me look."),
                        .toolUse(id: "call_a", name: "Read", input: ["file_path": "/a"]),
                        .toolUse(id: "call_b", name: "Bash", input: ["command": "ls", "timeout": 5]),
                    ], stopReason: .toolUse))
    }

    /// Kept rather than dropped, so the client's schema check tells the model what went wrong.
    @Test(arguments: ["not json", "[1,2]", #""ls""#, #"{"command":"#])
    func argumentsThatAreNotAJSONObjectAreKeptRaw(arguments: String) throws {
        let message = try translate(message: ["role": "assistant", "content": nil, "tool_calls": [toolCall(arguments: arguments)]], finishReason: "tool_calls")
        #expect(message.content == [.toolUse(id: "call_a", name: "Bash", input: ["_raw_arguments": .string(arguments)])])
    }

    @Test(arguments: ["", "  \n"])
    func emptyArgumentsBecomeAnEmptyInput(arguments: String) throws {
        let message = try translate(message: ["role": "assistant", "content": nil, "tool_calls": [toolCall(arguments: arguments)]], finishReason: "tool_calls")
        #expect(message.content == [.toolUse(id: "call_a", name: "Bash", input: [:])])
    }

    /// Derived from the reply's id and the call's position, so the streamed translation agrees.
    @Test func missingToolIDGetsAStableGeneratedID() throws {
        let response = ChatCompletion.response(
            message: ["role": "assistant", "content": nil, "tool_calls": [toolCall(id: nil, arguments: "{}"), toolCall(id: "", arguments: "{}")]],
            finishReason: "tool_calls", usage: Self.reportedUsage)
        let message = try translate(response)
        #expect(
            message.content == [
                .toolUse(id: "toolu_01TestReply_0", name: "Bash", input: [:]), .toolUse(id: "toolu_01TestReply_1", name: "Bash", input: [:]),
            ])
        #expect(try translate(response) == message)
    }

    @Test func toolNamesAreMappedBackToTheClientsNames() throws {
        let message = try translate(
            message: [
                "role": "assistant", "content": nil,
                "tool_calls": [
                    toolCall(id: "call_a", name: "mcp__github_create_issue_d5f23d1c", arguments: "{}"), toolCall(id: "call_b", name: "Bash", arguments: "{}"),
                ],
            ], finishReason: "tool_calls", context: .forTesting(tools: ["mcp__github.create_issue", "Bash"]))
        #expect(
            message.content == [.toolUse(id: "call_a", name: "mcp__github.create_issue", input: [:]), .toolUse(id: "call_b", name: "Bash", input: [:])])
    }

    @Test func refusalBecomesATextBlockAndARefusal() throws {
        let message = try translate(message: ["role": "assistant", "content": nil, "refusal": "I can't help with that."])
        var refused = reply([.text("I can't help with that.")], stopReason: .refusal)
        refused.stopDetails = RefusalDetails(explanation: "The model declined; its refusal is the reply's text.")
        #expect(message == refused)
    }

    @Test(arguments: [JSONValue.null, ""])
    func emptyMessageBecomesOneEmptyTextBlock(content: JSONValue) throws {
        let message = try translate(message: ["role": "assistant", "content": content])
        #expect(message == reply([.text("")]))
    }

    // MARK: - Stop reasons

    @Test(arguments: [("stop", StopReason.endTurn), ("length", .maxTokens), ("tool_calls", .toolUse), ("content_filter", .refusal)])
    func finishReasonMapsToStopReason(finishReason: String, stopReason: StopReason) throws {
        let message = try translate(message: ["role": "assistant", "content": "Partial"], finishReason: .string(finishReason))
        #expect(message.stopReason == stopReason)
        #expect(message.stopSequence == nil)
        #expect(message.stopDetails == (stopReason == .refusal ? .contentFilter(reportedIn: "finish_reason") : nil))
    }

    /// Some servers finish tool calls with `stop`.
    @Test func toolCallsFinishedWithStopAreToolUse() throws {
        let message = try translate(message: ["role": "assistant", "content": nil, "tool_calls": [toolCall(arguments: "{}")]], finishReason: "stop")
        #expect(message.stopReason == .toolUse)
    }

    /// vLLM names the matched string in `stop_reason`, SGLang in `matched_stop`.
    @Test(arguments: ["stop_reason", "matched_stop"])
    func matchedStopSequenceIsReported(field: String) throws {
        let message = try translate(
            message: ["role": "assistant", "content": "Done"], choiceExtras: JSONObject([(key: field, value: "END")]),
            context: .forTesting(stopSequences: ["\n\nHuman:", "END"]))
        #expect(message.stopReason == .stopSequence)
        #expect(message.stopSequence == "END")
    }

    /// vLLM reports an EOS token id, SGLang the model's own end marker: neither is a requested sequence.
    @Test(arguments: [("stop_reason", 128_001), ("matched_stop", "<|im_end|>"), ("stop_reason", nil)] as [(String, JSONValue)])
    func stopThatIsNotARequestedSequenceIsAnEndTurn(field: String, value: JSONValue) throws {
        let message = try translate(
            message: ["role": "assistant", "content": "Done"], choiceExtras: JSONObject([(key: field, value: value)]),
            context: .forTesting(stopSequences: ["END"]))
        #expect(message.stopReason == .endTurn)
        #expect(message.stopSequence == nil)
    }

    // MARK: - Usage

    @Test(
        arguments: [
            ["prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120, "prompt_tokens_details": ["cached_tokens": 64]],
            ["prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120, "prompt_cache_hit_tokens": 64, "prompt_cache_miss_tokens": 36],
        ] as [JSONValue])
    func cachedPromptTokensAreReportedAsCacheReads(usage: JSONValue) throws {
        let message = try translate(ChatCompletion.response(message: ["role": "assistant", "content": "Hi"], usage: usage))
        #expect(message.usage == Usage(inputTokens: 36, outputTokens: 20, cacheReadInputTokens: 64))
    }

    /// The prompt from the context's estimate; the output at four characters a token, counting
    /// reasoning, text and arguments (4 + 12 + 7 characters).
    @Test func missingUsageIsEstimated() throws {
        let response = ChatCompletion.response(
            message: ["role": "assistant", "reasoning_content": "Hmm.", "content": "Hello, world", "tool_calls": [toolCall(arguments: #"{"a":1}"#)]],
            finishReason: "tool_calls")
        let message = try translate(response, context: .forTesting(estimatedInputTokens: 345))
        #expect(message.usage == Usage(inputTokens: 345, outputTokens: 6))
    }

    // MARK: - The reply

    @Test(arguments: [[:], ["choices": []], ["choices": [["index": 0, "finish_reason": "stop"]]]] as [JSONValue])
    func replyWithoutAMessageIsABadGateway(response: JSONValue) {
        let error = #expect(throws: AnthropicError.self) { try translate(response) }
        #expect(error == AnthropicError(.api, "The upstream's reply has no choices[0].message.", status: 502))
    }

    @Test func replyCarriesTheRequestedModelAndTheContextsID() throws {
        let message = try translate(message: ["role": "assistant", "content": "Hi"])
        #expect(message.id == "msg_01TestReply")
        #expect(message.model == "claude-sonnet-4-5")
    }

    /// Exactly the members Anthropic sends, with these values.
    @Test func wholeReplyJSONHasExactlyAnthropicsFields() throws {
        let response = ChatCompletion.response(
            message: [
                "role": "assistant", "reasoning_content": "Check the file.", "content": "Reading it.",
                "tool_calls": [toolCall(id: "call_a", name: "Read", arguments: #"{"file_path":"/a"}"#)],
            ], finishReason: "tool_calls", usage: ChatCompletion.usage(prompt: 100, completion: 20, cached: 64))
        #expect(
            try translate(response).json == [
                "id": "msg_01TestReply", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
                "content": [
                    ["type": "thinking", "thinking": "Check the file.", "signature": ""],
                    ["type": "text", "text": "Reading it."],
                    ["type": "tool_use", "id": "call_a", "name": "Read", "input": ["file_path": "/a"]],
                ],
                "stop_reason": "tool_use", "stop_sequence": nil,
                "usage": ["input_tokens": 36, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 64, "output_tokens": 20],
            ])
    }
}
