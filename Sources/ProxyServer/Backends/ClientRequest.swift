import HTTPTypes
import ProxyCore
import Synchronization

/// A client's Messages request as the backends receive it: the body's bytes and JSON, the
/// headers the passthrough forwards, and the decoded request, made once by the first backend that
/// needs it (the passthrough does not).
final class ClientRequest: Sendable {
    let body: [UInt8]
    let json: JSONValue
    let headers: HTTPFields
    /// The URL's query, forwarded to Anthropic (`?beta=true`).
    let query: String?
    /// `count_tokens`: the body needs no `max_tokens`.
    let countingTokens: Bool
    private let decoded = Mutex<MessagesRequest?>(nil)

    init(body: [UInt8], json: JSONValue, headers: HTTPFields, query: String?, countingTokens: Bool) {
        self.body = body
        self.json = json
        self.headers = headers
        self.query = query
        self.countingTokens = countingTokens
    }

    var stream: Bool { json["stream"]?.boolValue ?? false }

    /// The decoded request, or the error that says what is wrong with it.
    func messages() throws(AnthropicError) -> MessagesRequest {
        if let messages = decoded.withLock({ $0 }) { return messages }
        let messages = try MessagesRequest(json: json, countingTokens: countingTokens)
        decoded.withLock { $0 = messages }
        return messages
    }
}
