import ProxyCore
import Testing

/// A Gemini stream becomes exactly the Anthropic event sequence Claude would have sent.
@Suite struct GeminiStreamTranslatorTests {
    private static let signature = "CiQBjz1rX+/9kL2a/b+cQw=="
    private static let usage = GeminiReply.usage(prompt: 100, candidates: 20)

    private func opening() -> [AnthropicStreamEvent] {
        [
            .messageStart(
                AnthropicMessage(id: "msg_01TestReply", model: "claude-sonnet-4-5", content: [], stopReason: nil, usage: Usage(inputTokens: 120))),
            .ping,
        ]
    }

    private func closing(
        _ stopReason: StopReason = .endTurn, usage: Usage = Usage(inputTokens: 100, outputTokens: 20), declinedBecause: String? = nil
    ) -> [AnthropicStreamEvent] {
        [.messageDelta(stopReason: stopReason, stopSequence: nil, usage: usage, stopDetails: declinedBecause.map { RefusalDetails(explanation: $0) }), .messageStop]
    }

    private func translate(_ responses: [JSONValue]) -> [AnthropicStreamEvent] {
        var translator = GeminiStreamTranslator(context: .forTesting(tools: ["Bash", "Read"]))
        return translator.translateAll(responses.map(GeminiReply.event))
    }

    @Test func messageStartAndAPingComeFirst() {
        var translator = GeminiStreamTranslator(context: .forTesting())
        #expect(translator.start() == opening())
        #expect(translator.consume(GeminiReply.event(GeminiReply.response([GeminiReply.text("Hi")]))) == .emit([
            .contentBlockStart(index: 0, block: .text), .contentBlockDelta(index: 0, delta: .text("Hi")),
        ]))
    }

    @Test func eachEventsNewTextStreamsIntoOneTextBlock() {
        let events = translate([
            GeminiReply.response([GeminiReply.text("Hello")], usage: GeminiReply.usage(prompt: 100, candidates: 1)),
            GeminiReply.response([GeminiReply.text(", world.")], finishReason: "STOP", usage: Self.usage),
        ])
        #expect(
            events == opening() + [
                .contentBlockStart(index: 0, block: .text), .contentBlockDelta(index: 0, delta: .text("Hello")),
                .contentBlockDelta(index: 0, delta: .text(", world.")), .contentBlockStop(index: 0),
            ] + closing())
    }

    @Test func thoughtsStreamAsThinkingAndTheirSignatureClosesTheBlock() {
        let events = translate([
            GeminiReply.response([GeminiReply.thought("Six times")]),
            GeminiReply.response([GeminiReply.thought(" seven.", signature: Self.signature)]),
            GeminiReply.response([GeminiReply.text("42.")], finishReason: "STOP", usage: Self.usage),
        ])
        #expect(
            events == opening() + [
                .contentBlockStart(index: 0, block: .thinking), .contentBlockDelta(index: 0, delta: .thinking("Six times")),
                .contentBlockDelta(index: 0, delta: .thinking(" seven.")), .contentBlockDelta(index: 0, delta: .signature("gemini:" + Self.signature)),
                .contentBlockStop(index: 0),
                .contentBlockStart(index: 1, block: .text), .contentBlockDelta(index: 1, delta: .text("42.")), .contentBlockStop(index: 1),
            ] + closing())
    }

    @Test func aSignatureOnlyThoughtPartSealsTheOpenThinkingBlock() {
        let events = translate([
            GeminiReply.response([GeminiReply.thought("Planning.")]),
            GeminiReply.response([GeminiReply.thought("", signature: Self.signature)], finishReason: "STOP", usage: Self.usage),
        ])
        #expect(
            events == opening() + [
                .contentBlockStart(index: 0, block: .thinking), .contentBlockDelta(index: 0, delta: .thinking("Planning.")),
                .contentBlockDelta(index: 0, delta: .signature("gemini:" + Self.signature)), .contentBlockStop(index: 0),
            ] + closing())
    }

    @Test func functionCallsBecomeToolUseBlocksWithWholeInputAfterTheText() {
        let events = translate([
            GeminiReply.response([GeminiReply.text("Reading both.")]),
            GeminiReply.response([GeminiReply.call("Read", ["file_path": "/a"], signature: Self.signature), GeminiReply.call("Read", ["file_path": "/b"])]),
            GeminiReply.response([GeminiReply.text(" Then done.")], finishReason: "STOP", usage: Self.usage),
        ])
        #expect(
            events == opening() + [
                .contentBlockStart(index: 0, block: .text), .contentBlockDelta(index: 0, delta: .text("Reading both.")),
                .contentBlockDelta(index: 0, delta: .text(" Then done.")), .contentBlockStop(index: 0),
                .contentBlockStart(index: 1, block: .toolUse(id: "toolu_01TestReply_0_sig_CiQBjz1rX-_9kL2a_b-cQw", name: "Read")),
                .contentBlockDelta(index: 1, delta: .inputJSON(#"{"file_path":"/a"}"#)), .contentBlockStop(index: 1),
                .contentBlockStart(index: 2, block: .toolUse(id: "toolu_01TestReply_1", name: "Read")),
                .contentBlockDelta(index: 2, delta: .inputJSON(#"{"file_path":"/b"}"#)), .contentBlockStop(index: 2),
            ] + closing(.toolUse))
    }

    @Test func aSignatureArrivingAfterItsCallInAnEmptyPartStillReachesTheCall() {
        let events = translate([
            GeminiReply.response([GeminiReply.call("Bash", ["command": "ls"])]),
            GeminiReply.response([GeminiReply.text("", signature: Self.signature)], finishReason: "STOP", usage: Self.usage),
        ])
        #expect(
            events == opening() + [
                .contentBlockStart(index: 0, block: .toolUse(id: "toolu_01TestReply_0_sig_CiQBjz1rX-_9kL2a_b-cQw", name: "Bash")),
                .contentBlockDelta(index: 0, delta: .inputJSON(#"{"command":"ls"}"#)), .contentBlockStop(index: 0),
            ] + closing(.toolUse))
    }

    @Test func usageArrivingAfterTheFinishReasonIsTheOneReported() {
        let events = translate([
            GeminiReply.response([GeminiReply.text("Done.")], finishReason: "STOP", usage: GeminiReply.usage(prompt: 100, candidates: 1)),
            ["usageMetadata": GeminiReply.usage(prompt: 100, candidates: 20, cached: 60)],
        ])
        #expect(events.suffix(2) == closing(usage: Usage(inputTokens: 40, outputTokens: 20, cacheReadInputTokens: 60)))
    }

    @Test func anEmptyReplyStillHasOneBlockAndAWithheldOneSaysWhy() {
        #expect(
            translate([GeminiReply.response([], finishReason: "STOP", usage: Self.usage)])
                == opening() + [.contentBlockStart(index: 0, block: .text), .contentBlockStop(index: 0)] + closing())
        #expect(
            translate([GeminiReply.response([GeminiReply.text("")], finishReason: "RECITATION", usage: Self.usage)])
                == opening() + [
                    .contentBlockStart(index: 0, block: .text), .contentBlockDelta(index: 0, delta: .text("Gemini withheld its answer (finishReason RECITATION).")),
                    .contentBlockStop(index: 0),
                ] + closing(.refusal, declinedBecause: "Gemini withheld its answer (finishReason RECITATION)."))
    }

    @Test func aStreamThatEndsWithoutAFinishReasonIsCutOff() {
        let events = translate([GeminiReply.response([GeminiReply.text("The answer is")])])
        #expect(events.dropLast() == opening() + [.contentBlockStart(index: 0, block: .text), .contentBlockDelta(index: 0, delta: .text("The answer is"))])
        guard case .error(let error)? = events.last else {
            Issue.record("expected an error event, got \(events)")
            return
        }
        #expect(error.kind == .api && error.message.contains("cut off"))
    }

    @Test func anErrorEventIsTheMappedErrorAndOverflowTheOneClaudeCodeCompactsOn() {
        let throttled = translate([
            GeminiReply.response([GeminiReply.text("Hi")]),
            ["error": ["code": 429, "message": "Resource has been exhausted (e.g. check quota).", "status": "RESOURCE_EXHAUSTED"]],
        ])
        guard case .error(let error)? = throttled.last else {
            Issue.record("expected an error event, got \(throttled)")
            return
        }
        #expect(error.kind == .rateLimit && error.message.contains("Resource has been exhausted"))
        let overflow = translate([
            [
                "error": [
                    "code": 400, "message": "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).",
                    "status": "INVALID_ARGUMENT",
                ]
            ]
        ])
        #expect(overflow == opening() + [.error(.invalidRequest("prompt is too long: 1200000 tokens > 1048576 maximum"))])
    }

    @Test func anEventThatIsNotJSONEndsTheStreamWithAnError() {
        var translator = GeminiStreamTranslator(context: .forTesting())
        let step = translator.consume(SSEEvent(data: #"{"candidates": [{"content": "#))
        guard case .end(let events, .failed(let error, usage: nil)) = step, events.last == .error(error) else {
            Issue.record("expected an error event, got \(step)")
            return
        }
        #expect(error.status == 502)
        #expect(translator.finish() == .emit([]))
    }

    @Test func aMalformedFunctionCallAsksForAnotherStreamThatContinuesTheMessage() {
        var translator = GeminiStreamTranslator(context: .forTesting(tools: ["Bash"]))
        var events = translator.consume(GeminiReply.event(GeminiReply.response([GeminiReply.thought("I'll run it.")]))).events
        let malformed = translator.consume(GeminiReply.event(GeminiReply.response([], finishReason: "MALFORMED_FUNCTION_CALL", usage: Self.usage)))
        guard case .emit(let closed) = malformed else {
            Issue.record("the stream goes on until the upstream's ends: \(malformed)")
            return
        }
        events += closed
        #expect(translator.finish() == .emitAndResend([]))
        events += translator.translateAll([
            GeminiReply.event(GeminiReply.response([GeminiReply.call("Bash", ["command": "ls"], signature: "c2ln")], finishReason: "STOP", usage: Self.usage))
        ])
        #expect(
            events == opening() + [
                .contentBlockStart(index: 0, block: .thinking), .contentBlockDelta(index: 0, delta: .thinking("I'll run it.")), .contentBlockStop(index: 0),
                .contentBlockStart(index: 1, block: .toolUse(id: "toolu_01TestReply_0_sig_c2ln", name: "Bash")),
                .contentBlockDelta(index: 1, delta: .inputJSON(#"{"command":"ls"}"#)), .contentBlockStop(index: 1),
            ] + closing(.toolUse))
    }

    @Test func aSecondMalformedFunctionCallOrAFailedResendIsAnError() {
        var translator = GeminiStreamTranslator(context: .forTesting())
        _ = translator.consume(GeminiReply.event(GeminiReply.response([], finishReason: "MALFORMED_FUNCTION_CALL")))
        #expect(translator.finish() == .emitAndResend([]))
        let second = translator.consume(GeminiReply.event(GeminiReply.response([], finishReason: "MALFORMED_FUNCTION_CALL")))
        guard case .end(let events, .failed(let error, usage: nil)) = second, events.last == .error(error) else {
            Issue.record("expected an error event, got \(second)")
            return
        }
        #expect(error.headers["x-should-retry"] == "false")
        #expect(error.message.contains("malformed function call"))

        // Sending the request again failed: the server hands the translator its error.
        var unanswered = GeminiStreamTranslator(context: .forTesting())
        _ = unanswered.consume(GeminiReply.event(GeminiReply.response([], finishReason: "MALFORMED_FUNCTION_CALL")))
        #expect(unanswered.finish() == .emitAndResend([]))
        let refused = AnthropicError(.overloaded, "Gemini is overloaded.")
        #expect(unanswered.fail(refused) == .end([.error(refused)], .failed(refused, usage: nil)))

        // The request sent again answered with an empty stream: the reply is cut off.
        var emptied = GeminiStreamTranslator(context: .forTesting())
        _ = emptied.consume(GeminiReply.event(GeminiReply.response([], finishReason: "MALFORMED_FUNCTION_CALL")))
        #expect(emptied.finish() == .emitAndResend([]))
        let cutOff = AnthropicError(.api, "Gemini's stream ended before the reply was complete; the answer is cut off.", status: 502)
        #expect(emptied.finish() == .end([.error(cutOff)], .failed(cutOff, usage: nil)))
    }
}
