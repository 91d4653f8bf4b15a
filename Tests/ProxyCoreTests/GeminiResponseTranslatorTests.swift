import ProxyCore
import Testing

/// Whole Gemini replies become exactly the Anthropic message Claude would have sent.
@Suite struct GeminiResponseTranslatorTests {
    private static let signature = "CiQBjz1rX+/9kL2a/b+cQw=="
    private static let usage = GeminiReply.usage(prompt: 100, candidates: 20)

    private func translate(_ response: JSONValue, context: GeminiReplyContext = .forTesting(tools: ["Bash", "Read"])) throws -> AnthropicMessage {
        try GeminiResponseTranslator(context: context).translate(response)
    }

    private func message(
        _ content: [ContentBlock], _ stopReason: StopReason = .endTurn, usage: Usage = Usage(inputTokens: 100, outputTokens: 20), declinedBecause: String? = nil
    ) -> AnthropicMessage {
        .testReply(content, stopReason, usage: usage, declinedBecause: declinedBecause)
    }

    @Test func textPartsBecomeOneTextBlock() throws {
        let reply = try translate(GeminiReply.response([GeminiReply.text("Hello"), GeminiReply.text(", world.")], finishReason: "STOP", usage: Self.usage))
        #expect(reply == message([.text("Hello, world.")]))
        #expect(
            reply.json == [
                "id": "msg_01TestReply", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
                "content": [["type": "text", "text": "Hello, world."]], "stop_reason": "end_turn", "stop_sequence": nil,
                "usage": ["input_tokens": 100, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": 20],
            ])
    }

    @Test func thoughtsBecomeThinkingCarryingTheirSignatureThenText() throws {
        let reply = try translate(
            GeminiReply.response(
                [GeminiReply.thought("Six times"), GeminiReply.thought(" seven.", signature: Self.signature), GeminiReply.thought("Then check."), GeminiReply.text("42.")],
                finishReason: "STOP", usage: GeminiReply.usage(prompt: 100, candidates: 5, thoughts: 15)))
        #expect(
            reply == message([.thinking("Six times seven.", signature: "gemini:" + Self.signature), .thinking("Then check.", signature: ""), .text("42.")]))
    }

    @Test func functionCallsBecomeToolUseBlocksAfterTheTextWithSignaturesInTheirIDs() throws {
        let reply = try translate(
            GeminiReply.response(
                [
                    GeminiReply.text("Reading both."), GeminiReply.call("Read", ["file_path": "/a"], signature: Self.signature),
                    GeminiReply.call("Read", ["file_path": "/b"]), GeminiReply.text(" Then I'll answer."),
                ], finishReason: "STOP", usage: Self.usage))
        #expect(
            reply
                == message(
                    [
                        .text("Reading both. Then I'll answer."),
                        .toolUse(id: "toolu_01TestReply_0_sig_CiQBjz1rX-_9kL2a_b-cQw", name: "Read", input: ["file_path": "/a"]),
                        .toolUse(id: "toolu_01TestReply_1", name: "Read", input: ["file_path": "/b"]),
                    ], .toolUse))
    }

    @Test func aCallsOwnIDIsKeptAndACallWithoutArgumentsHasEmptyInput() throws {
        let reply = try translate(GeminiReply.response([GeminiReply.call("Bash", nil, id: "fc_9")], finishReason: "STOP", usage: Self.usage))
        #expect(reply.content == [.toolUse(id: "fc_9", name: "Bash", input: [:])])
    }

    @Test func aSignatureOnAnEmptyPartGoesToTheFirstCallWithoutOne() throws {
        let reply = try translate(
            GeminiReply.response([GeminiReply.call("Bash", ["command": "ls"]), GeminiReply.text("", signature: Self.signature)], finishReason: "STOP", usage: Self.usage))
        #expect(reply.content == [.toolUse(id: "toolu_01TestReply_0_sig_CiQBjz1rX-_9kL2a_b-cQw", name: "Bash", input: ["command": "ls"])])
    }

    @Test func upstreamToolNamesMapBackToTheClients() throws {
        let name = "mcp__github.create_issue"
        let reply = try translate(
            GeminiReply.response([GeminiReply.call(ToolNameMapping.upstreamName(for: name), ["title": "Bug"])], finishReason: "STOP"),
            context: .forTesting(tools: [name]))
        #expect(reply.content == [.toolUse(id: "toolu_01TestReply_0", name: name, input: ["title": "Bug"])])
    }

    @Test(arguments: [
        ("STOP", StopReason.endTurn), ("MAX_TOKENS", .maxTokens), ("SAFETY", .refusal), ("RECITATION", .refusal), ("PROHIBITED_CONTENT", .refusal),
        ("BLOCKLIST", .refusal), ("SPII", .refusal), ("OTHER", .endTurn), ("FINISH_REASON_UNSPECIFIED", .endTurn), ("SOMETHING_NEW", .endTurn),
    ])
    func finishReasonsMapToStopReasons(finishReason: String, stopReason: StopReason) throws {
        let reply = try translate(GeminiReply.response([GeminiReply.text("Partial")], finishReason: finishReason, usage: Self.usage))
        #expect(reply.stopReason == stopReason)
        #expect(reply.content == [.text("Partial")])
    }

    @Test func callsMakeTheStopReasonToolUseUnlessTheOutputRanOutOrWasWithheld() throws {
        let call = GeminiReply.call("Bash", ["command": "ls"])
        #expect(try translate(GeminiReply.response([call], finishReason: "STOP")).stopReason == .toolUse)
        #expect(try translate(GeminiReply.response([call], finishReason: "OTHER")).stopReason == .toolUse)
        #expect(try translate(GeminiReply.response([call], finishReason: "MAX_TOKENS")).stopReason == .maxTokens)
        #expect(try translate(GeminiReply.response([call], finishReason: "SAFETY")).stopReason == .refusal)
    }

    @Test func aReplyWithNothingInItSaysWhy() throws {
        #expect(try translate(GeminiReply.response([], finishReason: "STOP", usage: Self.usage)) == message([.text("")]))
        #expect(
            try translate(GeminiReply.response([], finishReason: "SAFETY", usage: Self.usage))
                == message(
                    [.text("Gemini withheld its answer (finishReason SAFETY).")], .refusal, declinedBecause: "Gemini withheld its answer (finishReason SAFETY)."))
        #expect(
            try translate(GeminiReply.response([], finishReason: "UNEXPECTED_TOOL_CALL", finishMessage: "no tools", usage: Self.usage))
                == message([.text("Gemini stopped without an answer (finishReason UNEXPECTED_TOOL_CALL): no tools.")]))
    }

    @Test func aBlockedPromptIsARefusalSayingSo() throws {
        let reply = try translate(["promptFeedback": ["blockReason": "PROHIBITED_CONTENT"], "usageMetadata": ["promptTokenCount": 9, "totalTokenCount": 9]])
        #expect(
            reply
                == message(
                    [.text("Gemini blocked the prompt (blockReason PROHIBITED_CONTENT).")], .refusal, usage: Usage(inputTokens: 9),
                    declinedBecause: "Gemini blocked the prompt (blockReason PROHIBITED_CONTENT)."))
        #expect(
            reply.json["stop_details"] == ["type": "refusal", "category": nil, "explanation": "Gemini blocked the prompt (blockReason PROHIBITED_CONTENT)."])
    }

    @Test func usageCountsCachedTokensAsCacheReadsAndThoughtsAsOutput() throws {
        var usage = GeminiReply.usage(prompt: 2_000, candidates: 30, thoughts: 70, cached: 1_536).objectValue!
        usage["toolUsePromptTokenCount"] = 10
        let reply = try translate(GeminiReply.response([GeminiReply.text("Cached.")], finishReason: "STOP", usage: .object(usage)))
        #expect(reply.usage == Usage(inputTokens: 474, outputTokens: 100, cacheReadInputTokens: 1_536))
    }

    @Test func withoutUsageTheLocalEstimateStands() throws {
        let reply = try translate(GeminiReply.response([GeminiReply.text("Twelve chars")], finishReason: "STOP"))
        #expect(reply.usage == Usage(inputTokens: 120, outputTokens: 3))
    }

    @Test func aMalformedFunctionCallIsAnErrorNotToBeRetriedAgain() throws {
        #expect(GeminiReplyContext.isMalformedFunctionCall(GeminiReply.response([], finishReason: "MALFORMED_FUNCTION_CALL")))
        let error = try #require(
            #expect(throws: AnthropicError.self) {
                try translate(GeminiReply.response([], finishReason: "MALFORMED_FUNCTION_CALL", finishMessage: "Malformed function call: print(x"))
            })
        #expect(error.status == 502 && error.kind == .api)
        #expect(error.headers["x-should-retry"] == "false")
        #expect(error.message.contains("malformed function call twice") && error.message.contains("print(x"))
    }

    @Test func anErrorBodyOrAReplyWithoutCandidatesIsAnError() throws {
        let error = try #require(
            #expect(throws: AnthropicError.self) { try translate(["error": ["code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"]]) })
        #expect(error.kind == .overloaded)
        let empty = try #require(#expect(throws: AnthropicError.self) { try translate(["usageMetadata": ["promptTokenCount": 3]]) })
        #expect(empty.status == 502)
    }
}
