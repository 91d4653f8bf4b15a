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
    /// Where each message's decoding is kept for a later turn, when the parse (or the thread the
    /// request continues) gave them.
    let derivedFromMessages: [DerivedValue]?

    init(body: ByteBuffer, parsed: ParsedRequest, headers: HTTPFields, query: String?, countingTokens: Bool) {
        received = body
        receivedModelRange = parsed.memberRanges.last { $0.key == "model" }?.range
        size = body.readableBytes
        json = parsed.value
        derivedFromMessages = parsed.derivedFromMessages
        self.headers = headers
        self.query = query
        self.countingTokens = countingTokens
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
    }

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
}
