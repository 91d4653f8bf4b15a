import ProxyCore
import Testing

/// A Responses API event stream becomes exactly the Anthropic event sequence Claude would have sent.
@Suite struct OpenAIResponsesStreamTranslatorTests {
    private static let signature = OpenAIResponsesReasoningSignature.signature(model: "gpt-5", encryptedContent: "gAAAAB-enc")

    private func opening(estimatedInputTokens: Int = 120) -> [AnthropicStreamEvent] {
        [
            .messageStart(
                AnthropicMessage(
                    id: "msg_01TestReply", model: "claude-sonnet-4-5", content: [], stopReason: nil, usage: Usage(inputTokens: estimatedInputTokens))),
            .ping,
        ]
    }

    private func closing(
        _ stopReason: StopReason = .endTurn, usage: Usage = Usage(inputTokens: 100, outputTokens: 20), declinedBecause: String? = nil
    ) -> [AnthropicStreamEvent] {
        [.messageDelta(stopReason: stopReason, stopSequence: nil, usage: usage, stopDetails: declinedBecause.map { RefusalDetails(explanation: $0) }), .messageStop]
    }

    private func translate(_ events: [SSEEvent], context: OpenAIResponsesReplyContext = .forTesting()) -> [AnthropicStreamEvent] {
        var translator = OpenAIResponsesStreamTranslator(context: context)
        return translator.translateAll(events)
    }

    // MARK: - Content

    @Test func messageStartAndAPingComeFirstAndLifecycleEventsAddNothing() {
        var translator = OpenAIResponsesStreamTranslator(context: .forTesting())
        #expect(translator.consume(ResponsesAPI.created()) == .emit(opening()))
        #expect(translator.consume(ResponsesAPI.event("response.in_progress", ["response": ResponsesAPI.response(output: [], status: "in_progress")])) == .emit([]))
        #expect(translator.start() == [])
    }

    @Test func textDeltasStreamIntoOneTextBlock() {
        let item = ResponsesAPI.message(text: "Hello, world")
        let events = translate([
            ResponsesAPI.created(), ResponsesAPI.itemAdded(0, ResponsesAPI.message(status: "in_progress")),
            ResponsesAPI.event("response.content_part.added", ["item_id": "msg_out_1", "output_index": 0, "content_index": 0, "part": ["type": "output_text", "text": ""]]),
            ResponsesAPI.textDelta(0, "Hello"), ResponsesAPI.textDelta(0, ", world"),
            ResponsesAPI.event("response.output_text.done", ["item_id": "msg_out_1", "output_index": 0, "content_index": 0, "text": "Hello, world"]),
            ResponsesAPI.itemDone(0, item), ResponsesAPI.completed(ResponsesAPI.response(output: [item])),
        ])
        #expect(
            events == opening() + [
                .contentBlockStart(index: 0, block: .text), .contentBlockDelta(index: 0, delta: .text("Hello")),
                .contentBlockDelta(index: 0, delta: .text(", world")), .contentBlockStop(index: 0),
            ] + closing())
    }

    @Test func reasoningSummaryStreamsAsThinkingAndTheEncryptedContentAsItsSignature() {
        let reasoning = ResponsesAPI.reasoning(summary: ["Six times", "seven."], encrypted: "gAAAAB-enc")
        let text = ResponsesAPI.message(text: "42.")
        let events = translate([
            ResponsesAPI.created(), ResponsesAPI.itemAdded(0, ResponsesAPI.reasoning()),
            ResponsesAPI.event("response.reasoning_summary_part.added", ["item_id": "rs_1", "output_index": 0, "summary_index": 0, "part": ["type": "summary_text", "text": ""]]),
            ResponsesAPI.summaryDelta(0, "Six "), ResponsesAPI.summaryDelta(0, "times"), ResponsesAPI.summaryDelta(0, "seven.", part: 1),
            ResponsesAPI.itemDone(0, reasoning), ResponsesAPI.itemAdded(1, ResponsesAPI.message(status: "in_progress")), ResponsesAPI.textDelta(1, "42."),
            ResponsesAPI.itemDone(1, text), ResponsesAPI.completed(ResponsesAPI.response(output: [reasoning, text])),
        ])
        #expect(
            events == opening() + [
                .contentBlockStart(index: 0, block: .thinking), .contentBlockDelta(index: 0, delta: .thinking("Six ")),
                .contentBlockDelta(index: 0, delta: .thinking("times")), .contentBlockDelta(index: 0, delta: .thinking("\n\nseven.")),
                .contentBlockDelta(index: 0, delta: .signature(Self.signature)), .contentBlockStop(index: 0),
                .contentBlockStart(index: 1, block: .text), .contentBlockDelta(index: 1, delta: .text("42.")), .contentBlockStop(index: 1),
            ] + closing())
    }

    @Test func reasoningWithOnlyEncryptedContentStillOpensABlockForItsSignature() {
        let reasoning = ResponsesAPI.reasoning(encrypted: "gAAAAB-enc")
        let events = translate([
            ResponsesAPI.itemAdded(0, ResponsesAPI.reasoning()), ResponsesAPI.itemDone(0, reasoning),
            ResponsesAPI.completed(ResponsesAPI.response(output: [reasoning, ResponsesAPI.message(text: "Hi")])),
        ])
        #expect(
            Array(events.dropFirst(2)) == [
                .contentBlockStart(index: 0, block: .thinking), .contentBlockDelta(index: 0, delta: .signature(Self.signature)), .contentBlockStop(index: 0),
                // The message no event announced comes from the final output.
                .contentBlockStart(index: 1, block: .text), .contentBlockDelta(index: 1, delta: .text("Hi")), .contentBlockStop(index: 1),
            ] + closing())
    }

    @Test func functionCallArgumentsStreamAsInputJSONFragmentsAfterAnEmptyStart() {
        let call = ResponsesAPI.functionCall(callID: "call_a", name: "Bash", arguments: #"{"command":"ls"}"#)
        let events = translate([
            ResponsesAPI.itemAdded(0, ResponsesAPI.functionCall(callID: "call_a", name: "Bash", arguments: "", status: "in_progress")),
            ResponsesAPI.argumentsDelta(0, #"{"comm"#), ResponsesAPI.argumentsDelta(0, #"and":"ls"}"#),
            ResponsesAPI.event("response.function_call_arguments.done", ["item_id": "fc_1", "output_index": 0, "arguments": #"{"command":"ls"}"#]),
            ResponsesAPI.itemDone(0, call), ResponsesAPI.completed(ResponsesAPI.response(output: [call])),
        ])
        #expect(
            events == opening() + [
                .contentBlockStart(index: 0, block: .toolUse(id: "call_a", name: "Bash")), .contentBlockDelta(index: 0, delta: .inputJSON(#"{"comm"#)),
                .contentBlockDelta(index: 0, delta: .inputJSON(#"and":"ls"}"#)), .contentBlockStop(index: 0),
            ] + closing(.toolUse))
    }

    @Test func argumentsThatOnlyArriveWithTheFinishedItemAreSentWhole() {
        let call = ResponsesAPI.functionCall(callID: "call_a", name: "Bash", arguments: #"{"command":"ls"}"#)
        let events = translate([
            ResponsesAPI.itemAdded(0, ResponsesAPI.functionCall(callID: "call_a", name: "Bash", arguments: "")), ResponsesAPI.itemDone(0, call),
            ResponsesAPI.completed(ResponsesAPI.response(output: [call])),
        ])
        #expect(events.contains(.contentBlockDelta(index: 0, delta: .inputJSON(#"{"command":"ls"}"#))))
    }

    @Test func parallelCallsInterleavedByOutputIndexNeverInterleaveBlocks() {
        let first = ResponsesAPI.functionCall(id: "fc_1", callID: "call_a", name: "Read", arguments: #"{"file_path":"/a"}"#)
        let second = ResponsesAPI.functionCall(id: "fc_2", callID: "call_b", name: "Bash", arguments: #"{"command":"ls"}"#)
        let events = translate([
            ResponsesAPI.itemAdded(0, ResponsesAPI.functionCall(id: "fc_1", callID: "call_a", name: "Read", arguments: "")),
            ResponsesAPI.itemAdded(1, ResponsesAPI.functionCall(id: "fc_2", callID: "call_b", name: "Bash", arguments: "")),
            ResponsesAPI.argumentsDelta(1, #"{"command":"ls"}"#, itemID: "fc_2"), ResponsesAPI.argumentsDelta(0, #"{"file_path":"/a"}"#, itemID: "fc_1"),
            ResponsesAPI.itemDone(1, second), ResponsesAPI.itemDone(0, first), ResponsesAPI.completed(ResponsesAPI.response(output: [first, second])),
        ])
        #expect(
            Array(events.dropFirst(2)) == [
                .contentBlockStart(index: 0, block: .toolUse(id: "call_a", name: "Read")), .contentBlockDelta(index: 0, delta: .inputJSON(#"{"file_path":"/a"}"#)),
                .contentBlockStop(index: 0), .contentBlockStart(index: 1, block: .toolUse(id: "call_b", name: "Bash")),
                .contentBlockDelta(index: 1, delta: .inputJSON(#"{"command":"ls"}"#)), .contentBlockStop(index: 1),
            ] + closing(.toolUse))
    }

    @Test func deltasFoundByItemIDAloneReachTheirItem() {
        let item = ResponsesAPI.message(id: "msg_x", text: "Hi")
        let events = translate([
            ResponsesAPI.itemAdded(0, ResponsesAPI.message(id: "msg_x")),
            ResponsesAPI.event("response.output_text.delta", ["item_id": "msg_x", "content_index": 0, "delta": "Hi"]), ResponsesAPI.itemDone(0, item),
            ResponsesAPI.completed(ResponsesAPI.response(output: [item])),
        ])
        #expect(events.contains(.contentBlockDelta(index: 0, delta: .text("Hi"))))
    }

    @Test func aRefusalStreamsAsTextAndStopsWithRefusal() {
        let item = ResponsesAPI.message(refusal: "I can't help with that.")
        let events = translate(ResponsesAPI.stream(of: ResponsesAPI.response(output: [item])))
        #expect(events.suffix(2) == closing(.refusal, declinedBecause: "The model declined; its refusal is the reply's text."))
        #expect(events.contains(.contentBlockDelta(index: 0, delta: .text("I ca"))))
    }

    @Test func anEmptyReplyStillHasOneBlock() {
        let events = translate([ResponsesAPI.created(), ResponsesAPI.completed(ResponsesAPI.response(output: []))])
        #expect(events == opening() + [.contentBlockStart(index: 0, block: .text), .contentBlockStop(index: 0)] + closing())
    }

    @Test func incompleteForTheOutputLimitIsMaxTokensWithTheReportedUsage() {
        let item = ResponsesAPI.message(text: "The list goes on", status: "incomplete")
        let response = ResponsesAPI.response(output: [item], status: "incomplete", incompleteReason: "max_output_tokens", usage: ResponsesAPI.usage(input: 50, output: 16, cached: 10))
        let events = translate(ResponsesAPI.stream(of: response))
        #expect(events.suffix(2) == closing(.maxTokens, usage: Usage(inputTokens: 40, outputTokens: 16, cacheReadInputTokens: 10)))
    }

    // MARK: - Failures

    @Test func responseFailedEndsTheStreamWithAnErrorEvent() {
        let events = translate([
            ResponsesAPI.created(), ResponsesAPI.itemAdded(0, ResponsesAPI.message()), ResponsesAPI.textDelta(0, "Partial"),
            ResponsesAPI.event(
                "response.failed",
                ["response": ResponsesAPI.response(output: [], status: "failed", usage: nil, error: ["code": "server_error", "message": "The model crashed."])]),
        ])
        #expect(
            events == opening() + [
                .contentBlockStart(index: 0, block: .text), .contentBlockDelta(index: 0, delta: .text("Partial")),
                .error(AnthropicError(.api, "The OpenAI Responses upstream failed: The model crashed. (server_error)", status: 502)),
            ])
    }

    /// (`error` event fields, the error's kind)
    static let errorEvents: [(JSONObject, AnthropicError.Kind)] = [
        (["code": "rate_limit_exceeded", "message": "Slow down."], .rateLimit),
        (["error": ["code": "server_is_overloaded", "message": "Busy."]], .overloaded),
        (["code": "invalid_prompt", "message": "Bad prompt."], .invalidRequest),
        (["code": nil, "message": "Something broke."], .api),
    ]

    @Test(arguments: errorEvents)
    func errorEventsKeepTheirKind(fields: JSONObject, kind: AnthropicError.Kind) {
        let events = translate([ResponsesAPI.created(), ResponsesAPI.event("error", fields), ResponsesAPI.textDelta(0, "ignored")])
        guard case .error(let error)? = events.last else {
            Issue.record("no error event: \(events)")
            return
        }
        #expect(error.kind == kind)
        #expect(events.count == 3)
    }

    @Test func contextOverflowMidStreamIsTheErrorClaudeCodeCompactsOn() {
        let failed = ResponsesAPI.response(
            output: [], status: "failed", usage: nil, error: ["code": "context_length_exceeded", "message": "Your input exceeds the context window of this model."])
        let events = translate([ResponsesAPI.event("response.failed", ["response": failed])], context: .forTesting(estimatedInputTokens: 420_000, contextWindow: 400_000))
        #expect(events.last == .error(.invalidRequest("prompt is too long: 420000 tokens > 400000 maximum")))
    }

    @Test func aStreamCutBeforeItsFinalEventEndsWithAnErrorNotMessageStop() {
        let events = translate([ResponsesAPI.created(), ResponsesAPI.itemAdded(0, ResponsesAPI.message()), ResponsesAPI.textDelta(0, "Half an")])
        #expect(!events.contains(.messageStop))
        #expect(events.last == .error(AnthropicError(.api, "The upstream's stream ended before the reply was complete; the answer is cut off.", status: 502)))
    }

    @Test func anEventThatIsNotJSONEndsTheStream() {
        var translator = OpenAIResponsesStreamTranslator(context: .forTesting())
        let step = translator.consume(SSEEvent(event: "response.output_text.delta", data: "{\"delta\": "))
        guard case .end(let events, .failed(let error, usage: nil)) = step, events.last == .error(error) else {
            Issue.record("no error event: \(step)")
            return
        }
        #expect(error.status == 502)
        #expect(translator.consume(ResponsesAPI.textDelta(0, "late")) == .emit([]))
        #expect(translator.finish() == .emit([]))
    }

    @Test func withoutUsageTheEstimateCountsWhatWasWritten() {
        let item = ResponsesAPI.message(text: "Twelve chars")
        let events = translate(ResponsesAPI.stream(of: ResponsesAPI.response(output: [item], usage: nil)))
        #expect(events.suffix(2) == closing(usage: Usage(inputTokens: 120, outputTokens: 3)))
    }
}
