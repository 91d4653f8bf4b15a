import ProxyCore
import Testing

/// What each adapter tells the generic backend: the body it sends is the translator's, and the
/// URL, key header and failure reading are the provider's.
@Suite struct ProviderAdapterTests {
    static let catalog = ModelCatalog(configuration: try! ProxyConfiguration(environment: [:]))

    private func request(stream: Bool = false) throws -> MessagesRequest {
        try MessagesRequest(json: ["model": "claude-sonnet-4-6", "max_tokens": 100, "stream": .bool(stream), "messages": [["role": "user", "content": "hi"]]])
    }

    @Test func openAIChatSendsTheTranslatorsBodyToChatCompletionsWithABearerKey() throws {
        let target = RouteTarget(provider: .openAI, model: "gpt-4.1", baseURL: "https://api.openai.com/v1", apiKeys: ["k"], keyVariable: "OPENAI_API_KEY")
        let request = try request()
        let adapter = OpenAIChatAdapter(request: request, target: target, catalog: Self.catalog)
        let expected = try OpenAIChatRequestTranslator(
            model: "gpt-4.1", profile: Self.catalog.profile(for: "gpt-4.1", preset: nil), promptCacheKey: PromptCacheKey.make(for: request, model: "gpt-4.1")
        ).translate(request)
        #expect(try JSONParser.parse(adapter.requestBody()) == expected)
        #expect(adapter.url(stream: true) == "https://api.openai.com/v1/chat/completions")
        #expect(adapter.keyHeader("k") == ("authorization", "Bearer k"))
        #expect(try adapter.countTokensRequest() == nil)
    }

    @Test func azurePresetTargetsAddressTheirDeploymentWithAnApiKeyHeader() throws {
        let router = ModelRouter(configuration: try ProxyConfiguration(environment: ["AZURE_API_KEY": "az", "AZURE_API_BASE": "https://x.openai.azure.com"]))
        let target = try router.route("azure/my-gpt")
        let chat = OpenAIChatAdapter(request: try request(), target: target, catalog: Self.catalog)
        #expect(chat.url(stream: false) == target.chatCompletionsURL)
        #expect(chat.keyHeader("az") == ("api-key", "az"))
        let responses = OpenAIResponsesAdapter(request: try request(), target: target, catalog: Self.catalog)
        #expect(responses.url(stream: false) == target.responsesURL)
    }

    @Test func geminiAddressesItsMethodsAndCountsTokensUpstream() throws {
        let target = RouteTarget(provider: .gemini, model: "gemini-2.5-pro", baseURL: "https://g/v1beta", apiKeys: ["g"], keyVariable: "GEMINI_API_KEY")
        let adapter = GeminiAdapter(request: try request(), target: target, catalog: Self.catalog)
        #expect(adapter.url(stream: false) == "https://g/v1beta/models/gemini-2.5-pro:generateContent")
        #expect(adapter.url(stream: true) == "https://g/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse")
        #expect(adapter.keyHeader("g") == ("x-goog-api-key", "g"))
        #expect(try adapter.countTokensRequest()?.url == "https://g/v1beta/models/gemini-2.5-pro:countTokens")
        #expect(adapter.tokenCount(fromReply: ["totalTokens": 42]) == 42)
        #expect(adapter.wantsAnotherAttempt(after: ["candidates": [["finishReason": "MALFORMED_FUNCTION_CALL"]]]))
        #expect(!adapter.wantsAnotherAttempt(after: ["candidates": [["finishReason": "STOP"]]]))
        let tuned = RouteTarget(provider: .gemini, model: "tunedModels/mine", baseURL: "https://g/v1beta", apiKeys: [], keyVariable: "GEMINI_API_KEY")
        #expect(GeminiAdapter(request: try request(), target: tuned, catalog: Self.catalog).url(stream: false) == "https://g/v1beta/tunedModels/mine:generateContent")
    }

    @Test func aStreamWithoutEventsSaysWhatTheUpstreamSentOrThatItSentNothing() throws {
        let catalog = ModelCatalog(configuration: try ProxyConfiguration(environment: ["MODEL_CONTEXT_WINDOWS": "smollm2=50"]))
        let target = RouteTarget(provider: .openAI, model: "smollm2", baseURL: "http://127.0.0.1:8080/v1", apiKeys: [], keyVariable: "API_KEY")
        let short = OpenAIChatAdapter(request: try request(), target: target, catalog: catalog)
        let nothing = short.errorForStreamWithoutEvents(body: [], providerName: "OpenAI")
        #expect(nothing.status == 502 && nothing.message.contains("returned nothing"))

        let long = try MessagesRequest(json: ["model": "claude-sonnet-4-6", "max_tokens": 100, "messages": [["role": "user", "content": .string(String(repeating: "word ", count: 400))]]])
        let overflowing = OpenAIChatAdapter(request: long, target: target, catalog: catalog)
        let tooLong = overflowing.errorForStreamWithoutEvents(body: Array("\n".utf8), providerName: "OpenAI")
        #expect(tooLong.status == 400 && tooLong.message.hasPrefix("prompt is too long: ") && tooLong.message.hasSuffix(" > 50 maximum"))

        let loading = short.errorForStreamWithoutEvents(body: Array(#"{"error":{"code":503,"message":"Loading model"}}"#.utf8), providerName: "OpenAI")
        #expect(loading.status == 529 && loading.message.contains("Loading model"))
        let overflowObject = short.errorForStreamWithoutEvents(
            body: Array(#"{"error":{"code":400,"message":"request (9000 tokens) exceeds the available context size (8192 tokens), try increasing it","type":"exceed_context_size_error"}}"#.utf8),
            providerName: "OpenAI")
        #expect(overflowObject.message == "prompt is too long: 9000 tokens > 8192 maximum")
        let page = short.errorForStreamWithoutEvents(body: Array("<html>Bad Gateway</html>".utf8), providerName: "OpenAI")
        #expect(page.status == 502 && page.message.contains("Bad Gateway"))
    }

    @Test func failuresNameTheKeySettingAndCarryTheUpstreamsAdvice() throws {
        let target = RouteTarget(provider: .openAI, model: "gpt-4.1", baseURL: "https://api.openai.com/v1", apiKeys: ["k"], keyVariable: "OPENAI_API_KEY")
        let adapter = OpenAIResponsesAdapter(request: try request(), target: target, catalog: Self.catalog)
        let rejected = adapter.failure(status: 401, body: Array(#"{"error":{"message":"Incorrect API key"}}"#.utf8), headers: [:])
        #expect(rejected.rejectedKey && rejected.clientError.message.contains("Check OPENAI_API_KEY."))
        let throttled = adapter.failure(status: 429, body: [], headers: ["retry-after": "4", "x-should-retry": "true"])
        #expect(throttled.throttled && throttled.retryAfter == .seconds(4) && throttled.shouldRetry == true)
        let overflow = adapter.failure(
            status: 400, body: Array(#"{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens."}}"#.utf8),
            headers: [:])
        #expect(overflow.clientError.message == "prompt is too long: 131072 tokens > 128000 maximum")
        #expect(!RetryPolicy.isRetryable(overflow))
    }
}
