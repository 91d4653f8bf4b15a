import HTTPTypes
import NIOCore
import ProxyCore
import Synchronization

/// A client's Messages request as the backends receive it: the body's bytes and JSON, the
/// headers the passthrough forwards, and the decoded request, made once by the first backend that
/// needs it (the passthrough does not).
final class ClientRequest: Sendable {
    let json: JSONValue
    let headers: HTTPFields
    /// The URL's query, forwarded to Anthropic (`?beta=true`).
    let query: String?
    /// `count_tokens`: the body needs no `max_tokens`.
    let countingTokens: Bool
    /// The name of the client key the request came with, when client keys are on.
    private let clientKey: String?
    /// About how many bytes of JSON the request is: what decoding and translating it costs.
    let size: Int
    /// The body as it came; nil when `json` stands for more (a thread's turn).
    private let received: ByteBuffer?
    /// Where in `received` the value of its last top-level `model` is (Anthropic reads the last).
    let receivedModelRange: Range<Int>?
    /// The body written from `json`, once a backend asked for it.
    private let written = Mutex<ByteBuffer?>(nil)
    /// Long strings already written, for a body written from `json`.
    private let strings: JSONStringEscapes?
    private let decoded = Mutex<MessagesRequest?>(nil)
    /// The summary a compaction of this request wrote (a whole reply), for a later attempt.
    private let summary = Mutex<AnthropicMessage?>(nil)
    /// Where each message's decoding is kept for a later turn, when the parse (or the thread the
    /// request continues) gave them.
    let derivedFromMessages: [DerivedValue]?

    init(body: ByteBuffer, parsed: ParsedRequest, headers: HTTPFields, query: String?, countingTokens: Bool, clientKey: String?) {
        received = body
        receivedModelRange = parsed.memberRanges.last { $0.key == "model" }?.range
        size = body.readableBytes
        json = parsed.value
        derivedFromMessages = parsed.derivedFromMessages
        self.headers = headers
        self.query = query
        self.countingTokens = countingTokens
        self.clientKey = clientKey
        strings = nil
    }

    /// The request `json` stands for, sent in place of `original`: its body is written only when a
    /// backend asks for the bytes (the passthrough), from `json`, taking long strings from `strings`.
    /// - Parameters:
    ///   - size: about how many bytes of JSON `json` is.
    ///   - derivedFromMessages: where the decoding of each of `json`'s messages is kept.
    init(replacing original: ClientRequest, with json: JSONValue, size: Int, strings: JSONStringEscapes?, derivedFromMessages: [DerivedValue]?) {
        received = nil
        receivedModelRange = nil
        self.size = size
        self.json = json
        self.strings = strings
        self.derivedFromMessages = derivedFromMessages
        headers = original.headers
        query = original.query
        countingTokens = original.countingTokens
        clientKey = original.clientKey
    }

    /// Whose request it is, for what the proxy keeps of it between requests (message threads,
    /// cache diagnostics' fingerprints), which only the same owner finds again: the client key's
    /// name; without client keys, the fingerprint of the key the client presented (people who each
    /// send their own Anthropic key find only their own); "" when it presented none.
    var owner: String {
        if let clientKey { return clientKey }
        let presented = ClientAuthenticator.presentedKeys(apiKeyHeader: headers[.xAPIKey], authorizationHeader: headers[.authorization])
        return presented.first.map { "key " + UpstreamKeys.fingerprint($0) } ?? ""
    }

    /// Whether `bytes` are written from `json` (a thread's turn), not the body as it came.
    var bytesAreWritten: Bool { received == nil }

    /// The body's bytes, for the backend that sends them on as they are (the passthrough); the
    /// others take `json`.
    var bytes: ByteBuffer {
        if let received { return received }
        if let bytes = written.withLock({ $0 }) { return bytes }
        let bytes = ByteBuffer(bytes: JSONWriter.encode(json, reusing: strings))
        written.withLock { $0 = bytes }
        return bytes
    }

    var stream: Bool { json["stream"]?.boolValue ?? false }

    /// The decoded request, or the error that says what is wrong with it.
    func messages() throws(AnthropicError) -> MessagesRequest {
        if let messages = decoded.withLock({ $0 }) { return messages }
        var messages = try MessagesRequest(json: json, countingTokens: countingTokens, derivedFromMessages: derivedFromMessages)
        if case .omitted = messages.thinkingDisplay, AnthropicBetas(headerValues: headers[values: .anthropicBeta]).contains(MessagesRequest.ThinkingDisplay.estimatesBeta) {
            messages.thinkingDisplay = .omitted(estimates: true)
        }
        decoded.withLock { $0 = messages }
        return messages
    }

    /// The summary an earlier attempt's compaction wrote, whose reply then failed: a retry answers
    /// from it instead of paying for the whole conversation's summary again.
    var compactionSummary: AnthropicMessage? {
        get { summary.withLock { $0 } }
        set { summary.withLock { $0 = newValue } }
    }
}
