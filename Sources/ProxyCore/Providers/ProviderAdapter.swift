/// What one upstream protocol needs said about one request, for the generic backend to carry it
/// out: the translated body, where it goes, how the key travels, what an error status means, and
/// the translators back. An adapter is made per request and target, so what it translates with (the
/// model's profile, the reply context) is worked out once. Adding a provider is a folder under
/// `Providers/` with its translators and adapter, and one line in the server's backend registry.
package protocol ProviderAdapter: Sendable {
    associatedtype StreamTranslator: UpstreamStreamTranslator

    init(request: MessagesRequest, target: RouteTarget, catalog: ModelCatalog)

    /// The translated request, encoded.
    func requestBody() throws(AnthropicError) -> [UInt8]
    func url(stream: Bool) -> String
    /// The header that carries `key`.
    func keyHeader(_ key: String) -> (name: String, value: String)
    /// What an error status, its body and headers (lower-cased names) mean for the attempt.
    func failure(status: Int, body: [UInt8], headers: [String: String]) -> UpstreamFailure
    func translateReply(_ reply: JSONValue) throws(AnthropicError) -> AnthropicMessage
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
}

extension ProviderAdapter {
    package static var streamsMayAskForAnotherStream: Bool { false }
    package func wantsAnotherAttempt(after reply: JSONValue) -> Bool { false }
    package func countTokensRequest() throws(AnthropicError) -> (url: String, body: [UInt8])? { nil }
    package func tokenCount(fromReply reply: JSONValue) -> Int? { nil }
}
