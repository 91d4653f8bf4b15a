import Testing

@testable import ProxyCore

/// Every upstream's way of saying "the prompt does not fit" becomes exactly the message Claude Code
/// compacts on: `prompt is too long: N tokens > M maximum`.
@Suite struct ContextOverflowTests {
    private func restated(_ status: Int, _ body: String, provider: Provider = .openAI, estimate: Int = 5_000, window: Int? = 128_000) -> AnthropicError {
        UpstreamErrorMapping.error(
            status: status, provider: provider, model: "m", body: Array(body.utf8), headers: [:], keyVariable: nil,
            prompt: (estimate, window))
    }

    @Test(arguments: [
        // OpenAI
        (#"{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens (including 2145 in the functions). Please reduce the length of the messages or functions.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}"#,
         "prompt is too long: 131072 tokens > 128000 maximum"),
        // OpenAI's newer wording
        (#"{"error":{"message":"Input tokens exceed the configured limit of 272000 tokens. Your messages resulted in 280011 tokens. Please reduce the length of the messages.","code":"context_length_exceeded"}}"#,
         "prompt is too long: 280011 tokens > 272000 maximum"),
        // DeepSeek and older vLLM: the total requested counts
        (#"{"error":{"message":"This model's maximum context length is 65536 tokens. However, you requested 70000 tokens (61808 in the messages, 8192 in the completion). Please reduce the length of the messages or completion.","type":"invalid_request_error","code":"invalid_request_error"}}"#,
         "prompt is too long: 70000 tokens > 65536 maximum"),
        // vLLM today, with max_tokens added to the input
        (#"{"object":"error","message":"This model's maximum context length is 32768 tokens. However, your request has 30000 input tokens plus 4096 'max_tokens'. Please reduce one or the other.","type":"BadRequestError","code":400}"#,
         "prompt is too long: 34096 tokens > 32768 maximum"),
        (#"{"object":"error","message":"This model's maximum context length is 4096 tokens. However, your request has 5000 input tokens. Please reduce the length of the input messages.","type":"BadRequestError","code":400}"#,
         "prompt is too long: 5000 tokens > 4096 maximum"),
        (#"{"object":"error","message":"The prompt (total length 25938) is too long to fit into the model (context length 4096).","type":"BadRequestError","code":400}"#,
         "prompt is too long: 25938 tokens > 4096 maximum"),
        // OpenRouter
        (#"{"error":{"message":"This endpoint's maximum context length is 163840 tokens. However, you requested about 200123 tokens (191931 of text input, 8192 in the output). Please reduce the length of either one.","code":400}}"#,
         "prompt is too long: 200123 tokens > 163840 maximum"),
        // llama.cpp, by its fields
        (#"{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":4476,"n_ctx":4096}}"#,
         "prompt is too long: 4476 tokens > 4096 maximum"),
        // llama.cpp, by its words
        (#"{"error":{"code":400,"message":"request (9000 tokens) exceeds the available context size (8192 tokens), try increasing it","type":"exceed_context_size_error"}}"#,
         "prompt is too long: 9000 tokens > 8192 maximum"),
        // Gemini
        (#"{"error":{"code":400,"message":"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}"#,
         "prompt is too long: 1200000 tokens > 1048576 maximum"),
    ])
    func overflowWordingsCarryTheirNumbersOver(body: String, expected: String) {
        let error = restated(400, body)
        #expect(error.status == 400)
        #expect(error.kind == .invalidRequest)
        #expect(error.message == expected)
    }

    @Test func overflowWithoutNumbersUsesTheEstimateAndTheModelsContextWindow() {
        // OpenAI Responses and Groq say it without numbers.
        let body = #"{"error":{"message":"Your input exceeds the context window of this model. Please adjust your input and try again.","type":"invalid_request_error","code":"context_length_exceeded"}}"#
        #expect(restated(400, body, estimate: 140_000, window: 128_000).message == "prompt is too long: 140000 tokens > 128000 maximum")
    }

    @Test func estimateBelowTheWindowStillReadsAsAnOverflow() {
        let body = #"{"error":{"message":"Please reduce the length of the messages or completion.","code":"context_length_exceeded"}}"#
        #expect(restated(400, body, estimate: 90_000, window: 128_000).message == "prompt is too long: 128001 tokens > 128000 maximum")
    }

    @Test func unknownContextWindowStaysConsistent() {
        let body = #"{"error":{"message":"maximum context length exceeded","code":"context_length_exceeded"}}"#
        #expect(restated(400, body, estimate: 50_000, window: nil).message == "prompt is too long: 50000 tokens > 49999 maximum")
    }

    @Test func otherErrorsAreNotMistakenForOverflow() {
        let error = restated(400, #"{"error":{"message":"Invalid 'tools[0].function.name': string does not match pattern.","code":"invalid_value"}}"#)
        #expect(!error.message.hasPrefix("prompt is too long"))
        #expect(error.message.contains("does not match pattern"))
        let rateLimit = restated(429, #"{"error":{"message":"Request too large: too many tokens per min","code":"rate_limit_exceeded"}}"#)
        #expect(rateLimit.kind == .rateLimit)
    }

    @Test func overflowChunkMidStreamBecomesTheSameErrorEvent() {
        var translator = OpenAIChatStreamTranslator(
            context: OpenAIChatReplyContext(
                requestedModel: "claude-sonnet-4-6", messageID: "msg_1", toolNames: ToolNameMapping(request: MessagesRequest(model: "m", maxTokens: 1, messages: [])),
                estimatedInputTokens: 10, contextWindow: 8_192))
        let step = translator.consume(SSEEvent(data: #"{"error":{"message":"request (9000 tokens) exceeds the available context size (8192 tokens)","type":"exceed_context_size_error"}}"#))
        #expect(step.events.last == .error(.invalidRequest("prompt is too long: 9000 tokens > 8192 maximum")))
    }
}

@Suite struct ContextWindowSettingTests {
    @Test func modelContextWindowsOverridesTheTableAndNamesUnknownModels() throws {
        let configuration = try ProxyConfiguration(environment: ["MODEL_CONTEXT_WINDOWS": "gpt-4.1=200000, My-Local-Model=32768"])
        let catalog = ModelCatalog(configuration: configuration)
        #expect(catalog.profile(for: "gpt-4.1").contextWindow == 200_000)
        #expect(catalog.profile(for: "my-local-model").contextWindow == 32_768)
        #expect(catalog.profile(for: "gpt-4o").contextWindow == 128_000)
        #expect(throws: ConfigurationError.self) { try ProxyConfiguration(environment: ["MODEL_CONTEXT_WINDOWS": "gpt-4.1"]) }
    }
}
