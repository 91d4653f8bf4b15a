/// Gemini's native API: `models/{model}:generateContent`, `:streamGenerateContent?alt=sse` for
/// streams and `:countTokens`, the key in `x-goog-api-key`; on Vertex AI the same requests to
/// `{resource}/publishers/google/models/{model}:…`, with an access token (`Authorization: Bearer`)
/// or, in express mode, a key.
package struct GeminiAdapter: ProviderAdapter {
    private let request: MessagesRequest
    private let target: RouteTarget
    private let profile: ModelProfile
    private var context: GeminiReplyContext

    package init(request: MessagesRequest, target: RouteTarget, catalog: ModelCatalog) {
        self.request = request
        self.target = target
        profile = catalog.profile(for: target.model)
        context = GeminiReplyContext(
            requestedModel: request.model, upstreamModel: target.model, messageID: MessageIdentifier.newMessageID(),
            toolNames: ToolNameMapping(request: request), estimatedInputTokens: TokenEstimator.estimate(request), contextWindow: profile.contextWindow,
            webSearch: request.webSearch, webFetch: request.webFetch)
    }

    package func requestBody(reusing strings: JSONStringEscapes?) throws(AnthropicError) -> WrittenJSON {
        guard let strings else { return WrittenJSON(JSONWriter.encode(try translator.translate(request))) }
        return try translator.encode(request, reusing: strings)
    }

    private var translator: GeminiRequestTranslator {
        GeminiRequestTranslator(model: target.model, profile: profile, onVertex: target.vertex != nil)
    }

    package func url(stream: Bool) -> String { url(method: stream ? "streamGenerateContent?alt=sse" : "generateContent") }

    package func keyHeader(_ key: String) -> (name: String, value: String) {
        if case .credentials(_)? = target.vertex { return ("authorization", "Bearer \(key)") }
        return (Self.keyHeaderName, key)
    }

    /// The header Gemini's API takes its key in, on every method.
    package static let keyHeaderName = "x-goog-api-key"

    package func failure(status: Int, body: [UInt8], headers: [String: String]) -> UpstreamFailure {
        var failure = GeminiErrorMapping.failure(
            status: status, model: target.model, body: body, headers: headers, keyVariable: target.keyVariable,
            prompt: prompt)
        if target.vertex != nil, failure.cause == .status(404) {
            failure.clientError.message += " Vertex AI serves some models in some locations only (the newest often in global first): check VERTEX_LOCATION."
        }
        return failure
    }

    package var prompt: (estimatedTokens: Int, contextWindow: Int?) { (context.estimatedInputTokens, profile.contextWindow) }

    package func translateReply(_ reply: JSONValue) throws(AnthropicError) -> AnthropicMessage {
        try GeminiResponseTranslator(context: context).translate(reply)
    }

    package func makeStreamTranslator() -> GeminiStreamTranslator { GeminiStreamTranslator(context: context) }

    package var stopSequencesLeftToTheProxy: [String] {
        GeminiRequestTranslator.sendsStopSequences(of: request) ? [] : request.stopSequences
    }

    package static var streamsMayAskForAnotherStream: Bool { true }

    package func wantsAnotherAttempt(after reply: JSONValue) -> Bool { GeminiReplyContext.isMalformedFunctionCall(reply) }

    package func countTokensRequest() throws(AnthropicError) -> (url: String, body: [UInt8])? {
        (url(method: "countTokens"), JSONWriter.encode(try translator.countTokensBody(request)))
    }

    package func tokenCount(fromReply reply: JSONValue) -> Int? { reply["totalTokens"]?.intValue }

    /// The prefix up to the client's last `cache_control` breakpoint (never the last content: the
    /// request must send something), for `timeToLive` as the breakpoint asks.
    package func explicitCachePrefix(reusing strings: JSONStringEscapes?) throws(AnthropicError) -> ExplicitCachePrefix? {
        // Vertex AI names caches and their models by resource path; its requests are not cached explicitly yet.
        guard let breakpoint = request.cacheBreakpoint, target.vertex == nil else { return nil }
        let (body, contents, origins) = try translator.writtenContents(request, reusing: strings)
        let cacheable = breakpoint.messageIndex.map { index in min(origins.prefix { $0 <= index }.count, origins.count - 1) } ?? 0
        return ExplicitCachePrefix(
            request: body, contents: contents, cacheableContents: cacheable, model: target.model, baseURL: target.baseURL,
            minimumTokens: GeminiModelFamily(model: target.model).minimumCachedTokens, timeToLive: breakpoint.timeToLive)
    }

    package func servedFromCache(created: Bool) -> GeminiAdapter {
        var adapter = self
        adapter.context.wroteCache = created
        return adapter
    }

    /// `{base}/models/{model}:{method}`; a model given with its collection (`tunedModels/x`) keeps it;
    /// on Vertex AI `{resource}/publishers/google/models/{model}:{method}`.
    private func url(method: String) -> String {
        if target.vertex != nil { return "\(target.baseURL)/publishers/google/models/\(target.model):\(method)" }
        let resource = target.model.contains("/") ? target.model : "models/\(target.model)"
        return "\(target.baseURL)/\(resource):\(method)"
    }
}
