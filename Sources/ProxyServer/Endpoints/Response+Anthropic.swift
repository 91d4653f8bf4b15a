import HTTPTypes
import Hummingbird
import ProxyCore

extension HTTPField.Name {
    static let xAPIKey = Self("x-api-key")!
    static let retryAfter = Self("retry-after")!
    static let requestID = Self("request-id")!
    /// The upstream model that served the request (`openai/gpt-4.1`), for people and logs.
    static let upstreamModel = Self("x-proxy-upstream-model")!
    /// The route the request took (`long_context`, `think`; see `RouteChoice.Route`).
    static let proxyRoute = Self("x-proxy-route")!
    /// Marks requests the proxy itself sends to Anthropic, so a misconfigured loop is refused.
    static let proxyHop = Self("x-anthropic-proxy-hop")!
    /// The betas a request opts in to (`message-threads-2026-08-12`).
    static let anthropicBeta = Self("anthropic-beta")!
}

extension Response {
    /// A JSON response from a value, encoded with the core's writer.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.encode(value))))
    }

    /// An error in Anthropic's shape, with the headers that steer client retries.
    static func anthropicError(_ error: AnthropicError) -> Response {
        var headers = HTTPFields()
        for (name, value) in error.headers.sorted(by: { $0.key < $1.key }) {
            if let fieldName = HTTPField.Name(name) { headers[fieldName] = value }
        }
        return .json(error.json, status: HTTPResponse.Status(code: error.status), headers: headers)
    }
}
