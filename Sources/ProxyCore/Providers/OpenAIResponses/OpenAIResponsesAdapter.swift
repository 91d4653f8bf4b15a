/// OpenAI's Responses API (`POST {base}/responses`), which keeps reasoning across turns.
package struct OpenAIResponsesAdapter: ProviderAdapter {
    private let request: MessagesRequest
    private let target: RouteTarget
    private let profile: ModelProfile
    private let context: OpenAIResponsesReplyContext

    package init(request: MessagesRequest, target: RouteTarget, catalog: ModelCatalog) {
        self.request = request
        self.target = target
        profile = catalog.profile(for: target.model, preset: target.preset)
        context = OpenAIResponsesReplyContext(
            requestedModel: request.model, upstreamModel: target.model, messageID: MessageIdentifier.newMessageID(),
            toolNames: ToolNameMapping(request: request), estimatedInputTokens: TokenEstimator.estimate(request), contextWindow: profile.contextWindow,
            webSearch: request.webSearch.map(OpenAIResponsesWebSearch.init))
    }

    package func requestBody(reusing strings: JSONStringEscapes?) throws(AnthropicError) -> WrittenJSON {
        // OpenAI's own endpoint and Azure's route their cache by the key; other hosts are not sent one.
        let takesPromptCacheKey = target.preset?.chat.takesPromptCacheKey ?? true
        let promptCacheKey = takesPromptCacheKey ? PromptCacheKey.make(for: request, model: target.model) : nil
        let translator = OpenAIResponsesRequestTranslator(model: target.model, profile: profile, promptCacheKey: promptCacheKey)
        guard let strings else { return WrittenJSON(JSONWriter.encode(try translator.translate(request))) }
        return try translator.encode(request, reusing: strings)
    }

    package func url(stream: Bool) -> String { target.responsesURL }

    package func keyHeader(_ key: String) -> (name: String, value: String) { target.keyHeader(key) }

    package func failure(status: Int, body: [UInt8], headers: [String: String]) -> UpstreamFailure {
        UpstreamErrorMapping.failure(status: status, target: target, body: body, headers: headers, prompt: prompt)
    }

    package var prompt: (estimatedTokens: Int, contextWindow: Int?) { (context.estimatedInputTokens, profile.contextWindow) }

    package func translateReply(_ reply: JSONValue) throws(AnthropicError) -> AnthropicMessage {
        try OpenAIResponsesResponseTranslator(context: context).translate(reply)
    }

    package func makeStreamTranslator() -> OpenAIResponsesStreamTranslator { OpenAIResponsesStreamTranslator(context: context) }

    /// The Responses API has no stop sequences.
    package var stopSequencesLeftToTheProxy: [String] { request.stopSequences }
}
