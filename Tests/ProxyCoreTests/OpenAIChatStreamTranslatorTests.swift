import ProxyCore
import Testing

/// A Chat Completions stream becomes exactly the Anthropic event sequence Claude would have sent.
@Suite struct OpenAIChatStreamTranslatorTests {
    private static let usage = ChatCompletion.usage(prompt: 100, completion: 20)

    /// `message_start`, carrying the prompt estimate as usage, and a `ping`.
    private func opening(estimatedInputTokens: Int = 120) -> [AnthropicStreamEvent] {
        [
            .messageStart(
                AnthropicMessage(
                    id: "msg_01TestReply", model: "claude-sonnet-4-5", content: [], stopReason: nil, usage: Usage(inputTokens: estimatedInputTokens))),
            .ping,
        ]
    }

    /// `message_delta` and `message_stop`, by default with the usage the upstream reported.
    private func closing(
        _ stopReason: StopReason = .endTurn, usage: Usage = Usage(inputTokens: 100, outputTokens: 20), stopDetails: RefusalDetails? = nil
    ) -> [AnthropicStreamEvent] {
        [.messageDelta(stopReason: stopReason, stopSequence: nil, usage: usage, stopDetails: stopDetails), .messageStop]
    }

    /// The upstream's last events: the finishing chunk, the usage chunk and `[DONE]`.
    private func finishing(_ finishReason: JSONValue = "stop") -> [SSEEvent] {
        [ChatCompletion.chunk([:], finishReason: finishReason), ChatCompletion.usageChunk(Self.usage), ChatCompletion.done]
    }

    private func translate(_ events: [SSEEvent], context: OpenAIChatReplyContext = .forTesting()) -> [AnthropicStreamEvent] {
        var translator = OpenAIChatStreamTranslator(context: context)
        return translator.translateAll(events)
    }

    private func toolCalls(_ calls: JSONValue...) -> JSONValue {
        ["tool_calls": .array(calls)]
    }

    // MARK: - Content

    @Test func messageStartWithTheEstimatedUsageAndAPingComeFirst() {
        var translator = OpenAIChatStreamTranslator(context: .forTesting())
        #expect(translator.consume(ChatCompletion.chunk(["role": "assistant", "content": ""])) == .emit(opening()))
        #expect(translator.start() == [])
    }

    @Test func textDeltasStreamIntoOneTextBlock() {
        let events = translate(
            [
                ChatCompletion.chunk(["role": "assistant", "content": ""]), ChatCompletion.chunk(["content": "Hello"]),
                ChatCompletion.chunk(["content": ", world"]),
            ] + finishing())
        #expect(
            events == opening() + [
                .contentBlockStart(index: 0, block: .text), .contentBlockDelta(index: 0, delta: .text("Hello")),
                .contentBlockDelta(index: 0, delta: .text(", world")), .contentBlockStop(index: 0),
            ] + closing())
    }

    @Test(arguments: ["reasoning_content", "reasoning"])
    func reasoningThenTextBecomeAThinkingBlockThenATextBlock(field: String) {
        func delta(content: JSONValue, reasoning: JSONValue) -> JSONValue {
            .object(JSONObject([(key: "content", value: content), (key: field, value: reasoning)]))
        }
        let events = translate(
            [
                ChatCompletion.chunk(delta(content: nil, reasoning: "Six times")), ChatCompletion.chunk(delta(content: nil, reasoning: " seven.")),
                ChatCompletion.chunk(delta(content: "42.", reasoning: nil)),
            ] + finishing())
        #expect(
            events == opening() + [
                .contentBlockStart(index: 0, block: .thinking), .contentBlockDelta(index: 0, delta: .thinking("Six times")),
                .contentBlockDelta(index: 0, delta: .thinking(" seven.")), .contentBlockStop(index: 0),
                .contentBlockStart(index: 1, block: .text), .contentBlockDelta(index: 1, delta: .text("42.")), .contentBlockStop(index: 1),
            ] + closing())
    }

    @Test func toolCallArgumentsStreamAsInputJSONFragments() {
        let events = translate(
            [
                ChatCompletion.chunk(toolCalls(ChatCompletion.toolCallDelta(index: 0, id: "call_a", name: "Bash", arguments: ""))),
                ChatCompletion.chunk(toolCalls(ChatCompletion.toolCallDelta(index: 0, arguments: #"{"comm"#))),
                ChatCompletion.chunk(toolCalls(ChatCompletion.toolCallDelta(index: 0, arguments: #"and":"ls"}"#))),
            ] + finishing("tool_calls"))
        #expect(
            events == opening() + [
                .contentBlockStart(index: 0, block: .toolUse(id: "call_a", name: "Bash")),
                .contentBlockDelta(index: 0, delta: .inputJSON(#"{"comm"#)), .contentBlockDelta(index: 0, delta: .inputJSON(#"and":"ls"}"#)),
                .contentBlockStop(index: 0),
            ] + closing(.toolUse))
    }

    /// Anthropic blocks cannot interleave: the first call streams live, the second is held whole.
    @Test func interleavedToolCallsStreamTheFirstLiveAndTheSecondAtTheEnd() {
        var translator = OpenAIChatStreamTranslator(context: .forTesting())
        func consume(_ call: JSONValue) -> StreamStep {
            translator.consume(ChatCompletion.chunk(toolCalls(call)))
        }
        #expect(
            consume(ChatCompletion.toolCallDelta(index: 0, id: "call_a", name: "Read", arguments: "")) == .emit(opening() + [
                .contentBlockStart(index: 0, block: .toolUse(id: "call_a", name: "Read"))
            ]))
        #expect(consume(ChatCompletion.toolCallDelta(index: 1, id: "call_b", name: "Bash", arguments: "")) == .emit([]))
        #expect(
            consume(ChatCompletion.toolCallDelta(index: 0, arguments: #"{"file_path":"#)) == .emit([
                .contentBlockDelta(index: 0, delta: .inputJSON(#"{"file_path":"#))
            ]))
        #expect(consume(ChatCompletion.toolCallDelta(index: 1, arguments: #"{"command":"ls"}"#)) == .emit([]))
        #expect(consume(ChatCompletion.toolCallDelta(index: 0, arguments: #""/a"}"#)) == .emit([.contentBlockDelta(index: 0, delta: .inputJSON(#""/a"}"#))]))
        #expect(
            finishing("tool_calls").flatMap { translator.consume($0).events } == [
                .contentBlockStop(index: 0),
                .contentBlockStart(index: 1, block: .toolUse(id: "call_b", name: "Bash")),
                .contentBlockDelta(index: 1, delta: .inputJSON(#"{"command":"ls"}"#)),
                .contentBlockStop(index: 1),
            ] + closing(.toolUse))
    }

    /// Gemini's OpenAI-compatible endpoint leaves `index` out: a new id starts a new call.
    @Test func toolCallDeltasWithoutIndexAreToldApartByTheirIDs() {
        func call(id: String?, name: String?, arguments: String) -> SSEEvent {
            var delta: JSONObject = ["function": .object(name.map { ["name": .string($0), "arguments": .string(arguments)] } ?? ["arguments": .string(arguments)])]
            if let id { delta["id"] = .string(id) }
            return ChatCompletion.chunk(["tool_calls": [.object(delta)]])
        }
        let events = translate(
            [
                call(id: "call_a", name: "Read", arguments: #"{"file_path":"#), call(id: nil, name: nil, arguments: #""/a"}"#),
                call(id: "call_b", name: "Bash", arguments: #"{"command":"ls"}"#),
            ] + finishing("tool_calls"))
        #expect(
            events == opening() + [
                .contentBlockStart(index: 0, block: .toolUse(id: "call_a", name: "Read")), .contentBlockDelta(index: 0, delta: .inputJSON(#"{"file_path":"#)),
                .contentBlockDelta(index: 0, delta: .inputJSON(#""/a"}"#)), .contentBlockStop(index: 0),
                .contentBlockStart(index: 1, block: .toolUse(id: "call_b", name: "Bash")), .contentBlockDelta(index: 1, delta: .inputJSON(#"{"command":"ls"}"#)),
                .contentBlockStop(index: 1),
            ] + closing(.toolUse))
    }

    /// A call cut off by the output limit has broken input: `max_tokens`, as Anthropic says, so the
    /// client does not run it.
    @Test func toolCallCutOffByTheOutputLimitStopsWithMaxTokens() {
        let events = translate(
            [ChatCompletion.chunk(toolCalls(ChatCompletion.toolCallDelta(index: 0, id: "call_a", name: "Bash", arguments: #"{"command":"l"#)))] + finishing("length"))
        #expect(events.suffix(2) == closing(.maxTokens))
    }

    @Test func wholeToolCallInOneChunkFollowsTheText() {
        let events = translate(
            [
                ChatCompletion.chunk(["role": "assistant", "content": "Listing."]),
                ChatCompletion.chunk(toolCalls(ChatCompletion.toolCallDelta(index: 0, id: "call_a", name: "Bash", arguments: #"{"command":"ls"}"#))),
            ] + finishing("tool_calls"))
        #expect(
            events == opening() + [
                .contentBlockStart(index: 0, block: .text), .contentBlockDelta(index: 0, delta: .text("Listing.")), .contentBlockStop(index: 0),
                .contentBlockStart(index: 1, block: .toolUse(id: "call_a", name: "Bash")),
                .contentBlockDelta(index: 1, delta: .inputJSON(#"{"command":"ls"}"#)), .contentBlockStop(index: 1),
            ] + closing(.toolUse))
    }

    @Test func toolCallWithoutIDOrWithAnUpstreamNameGetsTheClientsForms() {
        let events = translate(
            [ChatCompletion.chunk(toolCalls(ChatCompletion.toolCallDelta(index: 0, name: "mcp__github_create_issue_d5f23d1c", arguments: "{}")))]
                + finishing("tool_calls"),
            context: .forTesting(tools: ["mcp__github.create_issue"]))
        #expect(
            events == opening() + [
                .contentBlockStart(index: 0, block: .toolUse(id: "toolu_01TestReply_0", name: "mcp__github.create_issue")),
                .contentBlockDelta(index: 0, delta: .inputJSON("{}")), .contentBlockStop(index: 0),
            ] + closing(.toolUse))
    }

    @Test func emptyReplyStillHasOneEmptyTextBlock() {
        let events = translate([ChatCompletion.chunk(["role": "assistant", "content": ""])] + finishing())
        #expect(events == opening() + [.contentBlockStart(index: 0, block: .text), .contentBlockStop(index: 0)] + closing())
    }

    // MARK: - Finishing

    @Test func finishReasonMayArriveWithTheLastContent() {
        let events = translate([
            ChatCompletion.chunk(["role": "assistant", "content": "Done."], finishReason: "stop"), ChatCompletion.usageChunk(Self.usage), ChatCompletion.done,
        ])
        #expect(
            events == opening() + [
                .contentBlockStart(index: 0, block: .text), .contentBlockDelta(index: 0, delta: .text("Done.")), .contentBlockStop(index: 0),
            ]
                + closing())
    }

    /// A refusal says why in `stop_details`: the model's own words, or the content filter.
    @Test func aRefusalSaysWhoDeclinedInItsStopDetails() {
        let refused = translate([ChatCompletion.chunk(["role": "assistant", "refusal": "I can't help with that."], finishReason: "stop")] + [ChatCompletion.usageChunk(Self.usage), ChatCompletion.done])
        #expect(refused.suffix(2) == closing(.refusal, stopDetails: .modelsOwnRefusal))
        let filtered = translate([ChatCompletion.chunk(["role": "assistant", "content": "Partial"], finishReason: "content_filter")] + [ChatCompletion.usageChunk(Self.usage), ChatCompletion.done])
        #expect(filtered.suffix(2) == closing(.refusal, stopDetails: .contentFilter(reportedIn: "finish_reason")))
        #expect(
            filtered.suffix(2).first?.json["delta"] == [
                "stop_reason": "refusal", "stop_sequence": nil,
                "stop_details": ["type": "refusal", "category": nil, "explanation": "The upstream's content filter withheld the answer (finish_reason content_filter)."],
            ])
        let answered = translate([ChatCompletion.chunk(["role": "assistant", "content": "Done."], finishReason: "stop")] + [ChatCompletion.usageChunk(Self.usage), ChatCompletion.done])
        #expect(answered.suffix(2).first?.json["delta"]?["stop_details"] == nil, "only a refusal has stop_details")
    }

    /// Usage comes in a chunk of its own after `finish_reason`, so the reply ends only at `[DONE]`.
    @Test func stopWaitsForDoneSoUsageInALastChunkIsReported() {
        var translator = OpenAIChatStreamTranslator(context: .forTesting())
        #expect(
            translator.consume(ChatCompletion.chunk(["content": "Hi"]))
                == .emit(opening() + [.contentBlockStart(index: 0, block: .text), .contentBlockDelta(index: 0, delta: .text("Hi"))]))
        #expect(translator.consume(ChatCompletion.chunk([:], finishReason: "stop")) == .emit([]))
        #expect(translator.consume(ChatCompletion.usageChunk(ChatCompletion.usage(prompt: 100, completion: 20, cached: 64))) == .emit([]))
        let usage = Usage(inputTokens: 36, outputTokens: 20, cacheReadInputTokens: 64)
        #expect(translator.consume(ChatCompletion.done) == .end([.contentBlockStop(index: 0)] + closing(usage: usage), .completed(usage)))
    }

    /// A server that reports no usage (llama.cpp's): the context's prompt estimate, and the chunks
    /// that carried output, as it streams a token a chunk (four characters a token would say 2).
    @Test func missingUsageCountsATokenPerChunkWithOutput() {
        let tokens = ["1", ".", " ", "1", "\n"]
        let events = translate(
            tokens.map { ChatCompletion.chunk(["content": .string($0)]) } + [ChatCompletion.chunk([:], finishReason: "length"), ChatCompletion.done],
            context: .forTesting(estimatedInputTokens: 18))
        guard case .messageDelta(_, _, let usage, _, _)? = events.dropLast().last else {
            Issue.record("no message_delta: \(events)")
            return
        }
        #expect(usage == Usage(inputTokens: 18, outputTokens: 5))
    }

    /// A reply cut off without `finish_reason` must not look complete.
    @Test func streamEndingWithoutAFinishReasonIsAnErrorWithoutMessageStop() {
        var translator = OpenAIChatStreamTranslator(context: .forTesting())
        #expect(
            translator.consume(ChatCompletion.chunk(["content": "Hel"]))
                == .emit(opening() + [.contentBlockStart(index: 0, block: .text), .contentBlockDelta(index: 0, delta: .text("Hel"))]))
        let cutOff = AnthropicError(.api, "The upstream's stream ended before the reply was complete; the answer is cut off.", status: 502)
        #expect(translator.finish() == .end([.error(cutOff)], .failed(cutOff, usage: nil)))
    }

    // MARK: - Errors

    @Test func chunkThatIsNotJSONIsAnError() {
        var translator = OpenAIChatStreamTranslator(context: .forTesting())
        _ = translator.consume(ChatCompletion.chunk(["content": "Hi"]))
        let step = translator.consume(SSEEvent(data: #"{"choices": ["#))
        #expect(step.isEnd)
        let events = step.events
        #expect(events.count == 1)
        guard case .error(let error)? = events.first else {
            Issue.record("expected an error event, got \(events)")
            return
        }
        #expect(error.kind == .api)
        #expect(error.status == 502)
        #expect(error.message.hasPrefix("The upstream sent a stream event that is not JSON ("))
        #expect(translator.finish() == .emit([]))
    }

    @Test func errorChunkIsAnErrorEvent() {
        let events = translate([
            SSEEvent(data: #"{"error":{"message":"Rate limit reached for gpt-4.1","type":"requests","code":"rate_limit_exceeded"}}"#)
        ])
        #expect(events == opening() + [.error(AnthropicError(.api, "The upstream failed mid-stream: Rate limit reached for gpt-4.1", status: 502))])
    }

    /// Restated in the one wording Claude Code compacts on.
    @Test(arguments: [
        (
            #"{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens.","code":"context_length_exceeded"}}"#,
            "prompt is too long: 131072 tokens > 128000 maximum"
        ),
        (#"{"error":{"message":"Context length exceeded.","code":"context_length_exceeded"}}"#, "prompt is too long: 140000 tokens > 128000 maximum"),
    ])
    func contextOverflowChunkSaysThePromptIsTooLong(chunk: String, message: String) {
        let events = translate([SSEEvent(data: chunk)], context: .forTesting(estimatedInputTokens: 140_000, contextWindow: 128_000))
        #expect(events == opening(estimatedInputTokens: 140_000) + [.error(.invalidRequest(message))])
    }

    // MARK: - After the end

    @Test func nothingFollowsTheEndOfTheReply() {
        var translator = OpenAIChatStreamTranslator(context: .forTesting())
        let steps = ([ChatCompletion.chunk(["content": "Hi"])] + finishing()).map { translator.consume($0) }
        #expect(steps.last?.isEnd == true)
        #expect(translator.consume(ChatCompletion.chunk(["content": "more"])) == .emit([]))
        #expect(translator.consume(ChatCompletion.done) == .emit([]))
        #expect(translator.finish() == .emit([]))
    }

    @Test func nothingFollowsAnError() {
        var translator = OpenAIChatStreamTranslator(context: .forTesting())
        let step = translator.consume(SSEEvent(data: #"{"error":{"message":"Internal error"}}"#))
        #expect(step.isEnd)
        #expect(translator.consume(ChatCompletion.chunk(["content": "late"])) == .emit([]))
        #expect(translator.finish() == .emit([]))
    }
}
