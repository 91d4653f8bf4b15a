import ProxyCore
import Testing

/// `thinking.display: "omitted"` (Claude Code sends it, with the beta that asks for estimated
/// thinking tokens): thinking blocks reach the client without their text, as from Anthropic, on
/// every translated backend; reasoning the upstream needs back travels in the signature (read back
/// in OpenAIChatOptionsTests).
@Suite struct ThinkingDisplayTests {
    private static let configuration = try! ProxyConfiguration(environment: ["OPENAI_API_KEY": "sk", "DEEPSEEK_API_KEY": "ds", "GEMINI_API_KEY": "g"])
    private static let router = ModelRouter(configuration: configuration)
    private static let catalog = ModelCatalog(configuration: configuration)

    private func request(display: JSONValue? = nil) throws -> MessagesRequest {
        var thinking: JSONObject = ["type": "adaptive"]
        if let display { thinking["display"] = display }
        return try MessagesRequest(json: ["model": "claude-opus-4-5", "max_tokens": 1_024, "thinking": .object(thinking), "messages": [["role": "user", "content": "Hi"]]])
    }

    private func chatAdapter(_ model: String, _ request: MessagesRequest) throws -> OpenAIChatAdapter {
        OpenAIChatAdapter(request: request, target: try Self.router.route(model), catalog: Self.catalog)
    }

    /// A reasoning model's stream: 600 bytes of reasoning in three deltas, then the answer.
    private static let reasoningStream: [SSEEvent] = [
        ChatCompletion.chunk(["role": "assistant", "reasoning_content": .string(String(repeating: "a", count: 100))]),
        ChatCompletion.chunk(["reasoning_content": .string(String(repeating: "b", count: 200))]),
        ChatCompletion.chunk(["reasoning_content": .string(String(repeating: "c", count: 300))]),
        ChatCompletion.chunk(["content": "42."]),
        ChatCompletion.chunk([:], finishReason: "stop"), ChatCompletion.usageChunk(ChatCompletion.usage(prompt: 10, completion: 160)), ChatCompletion.done,
    ]

    private static let reasoning = String(repeating: "a", count: 100) + String(repeating: "b", count: 200) + String(repeating: "c", count: 300)

    /// The events after `message_start` and `ping`, up to the text block.
    private func thinkingEvents(_ model: String, display: MessagesRequest.ThinkingDisplay) throws -> [AnthropicStreamEvent] {
        var translator = try chatAdapter(model, request()).makeClientStreamTranslator(thinkingDisplay: display)
        return Array(translator.translateAll(Self.reasoningStream).dropFirst(2).prefix { $0 != .contentBlockStart(index: 1, block: .text) })
    }

    @Test func displayIsDecoded() throws {
        #expect(try request().thinkingDisplay == .shown)
        #expect(try request(display: "summarized").thinkingDisplay == .shown)
        #expect(try request(display: "omitted").thinkingDisplay == .omitted(estimates: false))
        #expect(try request(display: "updates").thinkingDisplay == .omitted(estimates: false), "other models write no progress notes apart from their reasoning")
        #expect(try request(display: nil).thinkingDisplay == .shown)
        let error = #expect(throws: AnthropicError.self) { try request(display: "full") }
        #expect(error?.status == 400)
        #expect(error?.message == "thinking.display: must be summarized, omitted or updates, not 'full'")
    }

    @Test func shownThinkingIsTheProvidersStream() throws {
        let adapter = try chatAdapter("openai/gpt-4.1", request())
        var provider = adapter.makeStreamTranslator()
        var client = adapter.makeClientStreamTranslator(thinkingDisplay: .shown)
        #expect(client.translateAll(Self.reasoningStream) == provider.translateAll(Self.reasoningStream))
    }

    @Test func omittedThinkingKeepsItsBlockWithoutText() throws {
        #expect(try thinkingEvents("openai/gpt-4.1", display: .omitted(estimates: false)) == [.contentBlockStart(index: 0, block: .thinking), .contentBlockStop(index: 0)])
    }

    /// 600 bytes are about 150 tokens: increments in multiples of 32 as they are passed, 128 in all.
    @Test func omittedThinkingCarriesEstimatedTokensWhereTheClientTakesThem() throws {
        #expect(
            try thinkingEvents("openai/gpt-4.1", display: .omitted(estimates: true)) == [
                .contentBlockStart(index: 0, block: .thinking), .contentBlockDelta(index: 0, delta: .thinkingEstimate(64)),
                .contentBlockDelta(index: 0, delta: .thinkingEstimate(64)), .contentBlockStop(index: 0),
            ])
    }

    @Test func aDeepSeekReasoningTravelsInTheSignature() throws {
        #expect(
            try thinkingEvents("deepseek/deepseek-reasoner", display: .omitted(estimates: false)) == [
                .contentBlockStart(index: 0, block: .thinking),
                .contentBlockDelta(index: 0, delta: .signature("openai-chat-reasoning:" + Self.reasoning)), .contentBlockStop(index: 0),
            ])
    }

    @Test func aSignatureTheUpstreamGaveIsKept() throws {
        var translator = ThinkingDisplayStreamTranslator(
            GeminiStreamTranslator(context: .forTesting()), display: .omitted(estimates: false), signatureForText: { "unused:" + $0 })
        let events = translator.translateAll([
            GeminiReply.event(GeminiReply.response([GeminiReply.thought("Six times")])),
            GeminiReply.event(GeminiReply.response([GeminiReply.thought(" seven.", signature: "c2ln")])),
            GeminiReply.event(GeminiReply.response([GeminiReply.text("42.")], finishReason: "STOP", usage: GeminiReply.usage(prompt: 100, candidates: 20))),
        ])
        #expect(
            Array(events.dropFirst(2).prefix(3)) == [
                .contentBlockStart(index: 0, block: .thinking), .contentBlockDelta(index: 0, delta: .signature("gemini:c2ln")), .contentBlockStop(index: 0),
            ])
    }

    @Test func wholeRepliesOmitThinkingTheSameWay() throws {
        let reply = ChatCompletion.response(message: ["role": "assistant", "content": "42.", "reasoning_content": .string(Self.reasoning)])
        let shown = try chatAdapter("deepseek/deepseek-reasoner", request()).translateClientReply(reply, thinkingDisplay: .shown)
        #expect(shown.content.first == .thinking(Self.reasoning, signature: ""))
        let omitted = try chatAdapter("openai/gpt-4.1", request()).translateClientReply(reply, thinkingDisplay: .omitted(estimates: true))
        #expect(omitted.content == [.thinking("", signature: ""), .text("42.")])
        let carried = try chatAdapter("deepseek/deepseek-reasoner", request()).translateClientReply(reply, thinkingDisplay: .omitted(estimates: false))
        #expect(carried.content == [.thinking("", signature: "openai-chat-reasoning:" + Self.reasoning), .text("42.")])
    }

    @Test func estimatesGoOnTheWireAsAnthropicWritesThem() throws {
        let event = AnthropicStreamEvent.contentBlockDelta(index: 0, delta: .thinkingEstimate(64))
        #expect(String(decoding: event.sseBytes, as: UTF8.self)
            == "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"\",\"estimated_tokens\":64}}\n\n")
        #expect(try AnthropicStreamEvent(sse: SSEEvent(event: "content_block_delta", data: JSONWriter.string(event.json))) == event)
    }
}
