/// What one upstream protocol needs said about one request, for the generic backend to carry it
/// out: the translated body, where it goes, how the key travels, what an error status means, and
/// the translators back. An adapter is made per request and target, so what it translates with (the
/// model's profile, the reply context) is worked out once. Adding a provider is a folder under
/// `Providers/` with its translators and adapter, and one line in the server's backend registry.
package protocol ProviderAdapter: Sendable {
    associatedtype StreamTranslator: UpstreamStreamTranslator

    init(request: MessagesRequest, target: RouteTarget, catalog: ModelCatalog)

    /// The translated request, written; long strings written before are taken from `strings`.
    func requestBody(reusing strings: JSONStringEscapes?) throws(AnthropicError) -> WrittenJSON
    func url(stream: Bool) -> String
    /// The header that carries `key`.
    func keyHeader(_ key: String) -> (name: String, value: String)
    /// What an error status, its body and headers (lower-cased names) mean for the attempt.
    func failure(status: Int, body: [UInt8], headers: [String: String]) -> UpstreamFailure
    func translateReply(_ reply: JSONValue) throws(AnthropicError) -> AnthropicMessage
    /// The prompt's local token estimate and the model's context window when known, for saying a
    /// prompt is too long when the upstream does not.
    var prompt: (estimatedTokens: Int, contextWindow: Int?) { get }
    func makeStreamTranslator() -> StreamTranslator
    /// Whether its stream translator may answer `.emitAndResend` (Gemini's malformed function
    /// calls). Only then does a stream keep what it takes to send the request again: the
    /// translated body and the decoded request, which are most of a stream's memory otherwise.
    static var streamsMayAskForAnotherStream: Bool { get }
    /// A whole reply that the same request, sent once more, may fix (Gemini's malformed function
    /// calls); the generic backend asks once.
    func wantsAnotherAttempt(after reply: JSONValue) -> Bool
    /// The upstream's own token count for the request's prompt: what to send, or `nil` when the
    /// provider has none and the local estimate answers.
    func countTokensRequest() throws(AnthropicError) -> (url: String, body: [UInt8])?
    func tokenCount(fromReply reply: JSONValue) -> Int?
    /// The request's prefix as the upstream's explicit prompt cache would hold it (Gemini's
    /// `cachedContents`); nil when the provider has none or the client marked no breakpoint.
    /// `strings` as for `requestBody`.
    func explicitCachePrefix(reusing strings: JSONStringEscapes?) throws(AnthropicError) -> ExplicitCachePrefix?
    /// The adapter for the request served from an explicit cache, which it `created` (its cached
    /// tokens were then written, not read).
    func servedFromCache(created: Bool) -> Self
    /// The request's stop sequences that the upstream is not sent, because it takes none, or not
    /// so many, or not for this model: the proxy ends the reply at them itself.
    var stopSequencesLeftToTheProxy: [String] { get }
    /// The signature that carries a thinking block's text through a client that asked for thinking
    /// omitted, for an upstream that needs its reasoning back next turn; nil for the others.
    var omittedThinkingSignature: (@Sendable (String) -> String)? { get }
}

extension ProviderAdapter {
    /// The layers a stream's translator has around the provider's (see `makeClientStreamTranslator`).
    package typealias ClientStreamTranslator = RequestReportStreamTranslator<
        ThinkingDisplayStreamTranslator<StopSequenceStreamTranslator<StreamTranslator>>
    >

    /// The stream translator a stream runs through: the provider's, ending the reply at a stop
    /// sequence the upstream was not sent, with its thinking shown as `display` says, and saying
    /// what context editing did (`contextEdits`, nil when the request asked for none) and what
    /// cache diagnostics found (`cacheDiagnostics`, likewise).
    package func makeClientStreamTranslator(
        thinkingDisplay display: MessagesRequest.ThinkingDisplay, contextEdits: ContextEditReport? = nil, cacheDiagnostics: CacheDiagnosticsTurn? = nil
    ) -> ClientStreamTranslator {
        let shown = ThinkingDisplayStreamTranslator(
            StopSequenceStreamTranslator(makeStreamTranslator(), stopSequences: stopSequencesLeftToTheProxy), display: display,
            signatureForText: omittedThinkingSignature)
        return RequestReportStreamTranslator(shown, contextEdits: contextEdits, cacheDiagnostics: cacheDiagnostics)
    }

    /// `reply` translated, ended at a stop sequence the upstream was not sent, with its thinking
    /// shown as `display` says, and saying what context editing did.
    package func translateClientReply(
        _ reply: JSONValue, thinkingDisplay display: MessagesRequest.ThinkingDisplay, contextEdits: ContextEditReport? = nil
    ) throws(AnthropicError) -> AnthropicMessage {
        var message = try translateReply(reply).endingAtStopSequence(stopSequencesLeftToTheProxy).showingThinking(
            display, signatureForText: omittedThinkingSignature)
        message.contextManagement = contextEdits
        return message
    }

    /// The translated request, encoded.
    package func requestBody() throws(AnthropicError) -> [UInt8] {
        try requestBody(reusing: nil).bytes
    }

    package func explicitCachePrefix() throws(AnthropicError) -> ExplicitCachePrefix? {
        try explicitCachePrefix(reusing: nil)
    }

    package static var streamsMayAskForAnotherStream: Bool { false }

    /// The error for a streamed reply that ended without one event. A body that is an error
    /// object says what the upstream meant (its own `code` as the status when it gave one); an
    /// empty body says the upstream returned nothing, and when the prompt is over the model's
    /// known window it is Claude Code's `prompt is too long`, as for any overflow (llama.cpp's
    /// server answers a streamed overflow with an empty 200).
    package func errorForStreamWithoutEvents(body: [UInt8], providerName: String) -> AnthropicError {
        if !String(decoding: body, as: UTF8.self).trimmingWhitespace().isEmpty {
            let json = try? JSONParser.parse(body)
            let said = UpstreamErrorMapping.upstreamMessage(body)
            if let figures = ContextOverflow.figures(message: said, body: json) {
                return ContextOverflow.error(figures, estimatedTokens: prompt.estimatedTokens, contextWindow: prompt.contextWindow)
            }
            if let status = json?["error"]?["code"]?.intValue, (400...599).contains(status) {
                return failure(status: status, body: body, headers: [:]).clientError
            }
            return AnthropicError(.api, "The \(providerName) upstream answered the streamed request with no event, but this: \(said)", status: 502)
        }
        if let window = prompt.contextWindow, prompt.estimatedTokens > window {
            return ContextOverflow.error(ContextOverflow.Figures(tokens: nil, maximum: window), estimatedTokens: prompt.estimatedTokens, contextWindow: window)
        }
        return AnthropicError(
            .api, "The \(providerName) upstream answered the streamed request with an empty body: it returned nothing (no event, no error).", status: 502)
    }
    package func wantsAnotherAttempt(after reply: JSONValue) -> Bool { false }
    package func countTokensRequest() throws(AnthropicError) -> (url: String, body: [UInt8])? { nil }
    package func tokenCount(fromReply reply: JSONValue) -> Int? { nil }
    package func explicitCachePrefix(reusing strings: JSONStringEscapes?) throws(AnthropicError) -> ExplicitCachePrefix? { nil }
    package func servedFromCache(created: Bool) -> Self { self }
    package var stopSequencesLeftToTheProxy: [String] { [] }
    package var omittedThinkingSignature: (@Sendable (String) -> String)? { nil }
}
