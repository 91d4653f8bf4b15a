import ProxyCore
import Testing

/// Whole Responses API replies become exactly the Anthropic message Claude would have sent.
@Suite struct OpenAIResponsesResponseTranslatorTests {
    private func translate(_ response: JSONValue, context: OpenAIResponsesReplyContext = .forTesting()) throws -> AnthropicMessage {
        try OpenAIResponsesResponseTranslator(context: context).translate(response)
    }

    private func message(
        _ content: [ContentBlock], _ stopReason: StopReason = .endTurn, usage: Usage = Usage(inputTokens: 100, outputTokens: 20), declinedBecause: String? = nil
    ) -> AnthropicMessage {
        .testReply(content, stopReason, usage: usage, declinedBecause: declinedBecause)
    }

    private static let signature = OpenAIResponsesReasoningSignature.signature(model: "gpt-5", encryptedContent: "gAAAAB-enc")

    @Test func textBecomesATextBlockWithTheClientsModelAndAnAnthropicID() throws {
        let reply = try translate(ResponsesAPI.response(output: [ResponsesAPI.message(text: "Hello there.")]))
        #expect(reply == message([.text("Hello there.")]))
        #expect(reply.json["id"] == "msg_01TestReply")
        #expect(reply.json["model"] == "claude-sonnet-4-5")
    }

    @Test func reasoningBecomesAThinkingBlockCarryingItsEncryptedContentInTheSignature() throws {
        let reply = try translate(
            ResponsesAPI.response(output: [
                ResponsesAPI.reasoning(summary: ["**Counting**\n\nSix times seven.", "That is 42."], encrypted: "gAAAAB-enc"),
                ResponsesAPI.message(text: "42."),
            ]))
        #expect(reply == message([.thinking("**Counting**\n\nSix times seven.\n\nThat is 42.", signature: Self.signature), .text("42.")]))
        #expect(Self.signature == "openai-responses:gpt-5#gAAAAB-enc")
    }

    @Test func reasoningWithoutSummaryStillCarriesItsSignatureAndReasoningWithNeitherIsDropped() throws {
        let reply = try translate(
            ResponsesAPI.response(output: [
                ResponsesAPI.reasoning(id: "rs_1", encrypted: "gAAAAB-enc"), ResponsesAPI.reasoning(id: "rs_2"), ResponsesAPI.message(text: "Done."),
            ]))
        #expect(reply.content == [.thinking("", signature: Self.signature), .text("Done.")])
    }

    @Test func reasoningTextFromServersThatReturnTheReasoningItselfIsThinkingToo() throws {
        let item: JSONValue = ["id": "rs_1", "type": "reasoning", "summary": [], "content": [["type": "reasoning_text", "text": "Let me think."]]]
        #expect(try translate(ResponsesAPI.response(output: [item, ResponsesAPI.message(text: "Ok.")])).content == [.thinking("Let me think.", signature: ""), .text("Ok.")])
    }

    @Test func functionCallsBecomeToolUseBlocksWithParsedInputAndTheClientsToolNames() throws {
        let upstreamName = ToolNameMapping.upstreamName(for: "mcp__github.create_issue")
        let reply = try translate(
            ResponsesAPI.response(output: [
                ResponsesAPI.message(text: "Two things."),
                ResponsesAPI.functionCall(id: "fc_1", callID: "call_a", name: "Bash", arguments: #"{"command":"ls -la"}"#),
                ResponsesAPI.functionCall(id: "fc_2", callID: "call_b", name: upstreamName, arguments: #"{"title":"Bug"}"#),
            ]),
            context: .forTesting(tools: ["Bash", "mcp__github.create_issue"]))
        #expect(
            reply == message(
                [
                    .text("Two things."), .toolUse(id: "call_a", name: "Bash", input: ["command": "ls -la"]),
                    .toolUse(id: "call_b", name: "mcp__github.create_issue", input: ["title": "Bug"]),
                ], .toolUse))
    }

    @Test func argumentsThatAreNotAnObjectAreKeptForTheClientsSchemaCheck() throws {
        let reply = try translate(ResponsesAPI.response(output: [ResponsesAPI.functionCall(callID: "call_a", name: "Bash", arguments: "ls -la")]))
        #expect(reply.content == [.toolUse(id: "call_a", name: "Bash", input: ["_raw_arguments": "ls -la"])])
    }

    @Test(arguments: [("max_output_tokens", StopReason.maxTokens), ("content_filter", .refusal)])
    func incompleteRepliesSayWhyTheyStopped(reason: String, stopReason: StopReason) throws {
        let reply = try translate(
            ResponsesAPI.response(
                output: [ResponsesAPI.message(text: "The list goes on and", status: "incomplete")], status: "incomplete", incompleteReason: reason))
        let filtered = stopReason == .refusal ? "The upstream's content filter withheld the answer (incomplete_details.reason content_filter)." : nil
        #expect(reply == message([.text("The list goes on and")], stopReason, declinedBecause: filtered))
    }

    @Test func aToolCallCutOffByTheOutputLimitIsMaxTokens() throws {
        let reply = try translate(
            ResponsesAPI.response(
                output: [ResponsesAPI.functionCall(callID: "call_a", name: "Bash", arguments: #"{"comm"#, status: "incomplete")], status: "incomplete",
                incompleteReason: "max_output_tokens"))
        #expect(reply.stopReason == .maxTokens)
    }

    @Test func aRefusalIsTextWithStopReasonRefusal() throws {
        let reply = try translate(ResponsesAPI.response(output: [ResponsesAPI.message(refusal: "I can't help with that.")]))
        #expect(reply == message([.text("I can't help with that.")], .refusal, declinedBecause: "The model declined; its refusal is the reply's text."))
    }

    @Test func usageSeparatesCachedInputAndCountsReasoningAsOutput() throws {
        let reply = try translate(
            ResponsesAPI.response(output: [ResponsesAPI.message(text: "Cached.")], usage: ResponsesAPI.usage(input: 2_000, output: 300, cached: 1_536, reasoning: 256)))
        #expect(reply.usage == Usage(inputTokens: 464, outputTokens: 300, cacheReadInputTokens: 1_536))
    }

    @Test func withoutUsageTheEstimateStandsIn() throws {
        let reply = try translate(ResponsesAPI.response(output: [ResponsesAPI.message(text: "Twelve chars")], usage: nil))
        #expect(reply.usage == Usage(inputTokens: 120, outputTokens: 3))
    }

    @Test func anEmptyReplyStillHasOneBlock() throws {
        #expect(try translate(ResponsesAPI.response(output: [])) == message([.text("")]))
    }

    @Test func builtInToolItemsAreSkipped() throws {
        let search: JSONValue = ["id": "ws_1", "type": "web_search_call", "status": "completed", "action": ["type": "search", "query": "swift"]]
        #expect(try translate(ResponsesAPI.response(output: [search, ResponsesAPI.message(text: "Found it.")])).content == [.text("Found it.")])
    }

    @Test func aFailedResponseIsAnError() {
        let failed = ResponsesAPI.response(output: [], status: "failed", usage: nil, error: ["code": "server_error", "message": "The model crashed."])
        #expect(throws: AnthropicError(.api, "The OpenAI Responses upstream failed: The model crashed. (server_error)", status: 502)) { try translate(failed) }
    }

    @Test func aFailedResponseForContextLengthIsTheErrorClaudeCodeCompactsOn() {
        let failed = ResponsesAPI.response(
            output: [], status: "failed", usage: nil,
            error: ["code": "context_length_exceeded", "message": "Your input exceeds the context window of this model."])
        #expect(throws: AnthropicError.invalidRequest("prompt is too long: 420000 tokens > 400000 maximum")) {
            try translate(failed, context: .forTesting(estimatedInputTokens: 420_000, contextWindow: 400_000))
        }
    }

    @Test func aReplyWithoutOutputIsABadGateway() {
        #expect(throws: AnthropicError(.api, "The OpenAI Responses upstream's reply has no output.", status: 502)) { try translate(["id": "resp_1"]) }
    }
}
