/// OpenAI Chat Completions and every server compatible with it (`POST {base}/chat/completions`),
/// with a ready-made provider's quirks when the target is one.
package struct OpenAIChatAdapter: ProviderAdapter {
    private let request: MessagesRequest
    private let target: RouteTarget
    private let profile: ModelProfile
    private let options: OpenAIChatOptions
    private let context: OpenAIChatReplyContext

    package init(request: MessagesRequest, target: RouteTarget, catalog: ModelCatalog) {
        self.request = request
        self.target = target
        profile = catalog.profile(for: target.model, preset: target.preset)
        options = target.preset?.chat ?? .standard
        context = OpenAIChatReplyContext(
            requestedModel: request.model, messageID: MessageIdentifier.newMessageID(), toolNames: ToolNameMapping(request: request),
            stopSequences: request.stopSequences, estimatedInputTokens: TokenEstimator.estimate(request), contextWindow: profile.contextWindow,
            reasoningField: options.reasoningField, searchAnswer: OpenAIChatSearchAnswer(request: request, model: target.model))
    }

    package func requestBody(reusing strings: JSONStringEscapes?) throws(AnthropicError) -> WrittenJSON {
        let promptCacheKey = options.takesPromptCacheKey ? PromptCacheKey.make(for: request, model: target.model) : nil
        let translator = OpenAIChatRequestTranslator(model: target.model, profile: profile, options: options, promptCacheKey: promptCacheKey)
        guard let strings else { return WrittenJSON(JSONWriter.encode(try translator.translate(request))) }
        return try translator.encode(request, reusing: strings)
    }

    package func url(stream: Bool) -> String { target.chatCompletionsURL }

    package func keyHeader(_ key: String) -> (name: String, value: String) { target.keyHeader(key) }

    package func failure(status: Int, body: [UInt8], headers: [String: String]) -> UpstreamFailure {
        UpstreamErrorMapping.failure(status: status, target: target, body: body, headers: headers, prompt: prompt)
    }

    package var prompt: (estimatedTokens: Int, contextWindow: Int?) { (context.estimatedInputTokens, profile.contextWindow) }

    package func translateReply(_ reply: JSONValue) throws(AnthropicError) -> AnthropicMessage {
        try OpenAIChatResponseTranslator(context: context).translate(reply)
    }

    package func makeStreamTranslator() -> OpenAIChatStreamTranslator { OpenAIChatStreamTranslator(context: context) }

    package var omittedThinkingSignature: (@Sendable (String) -> String)? {
        options.replaysReasoning ? OpenAIChatReasoningSignature.signature(carrying:) : nil
    }

    package var stopSequencesLeftToTheProxy: [String] {
        OpenAIChatRequestTranslator.sendsStopSequences(of: request, profile: profile, options: options) ? [] : request.stopSequences
    }
}
