import AsyncHTTPClient
import NIOHTTP1
import ProxyCore

/// The steps every translating backend takes with its upstream, in one place.
extension ProxyServices {
    /// Posts a translated request body and returns the response once the upstream has accepted
    /// it: a failure status is thrown as the client's error (`mapError` reads the status, body and
    /// headers), and a streamed request must be answered with an event stream.
    func sendTranslated(
        _ body: [UInt8], to url: String, key: (name: String, value: String)?, stream: Bool, target: RouteTarget,
        mapError: (_ status: Int, _ body: [UInt8], _ headers: [String: String]) -> AnthropicError
    ) async throws(AnthropicError) -> HTTPClientResponse {
        var headers: HTTPHeaders = ["content-type": "application/json"]
        if let key { headers.add(name: key.name, value: key.value) }
        if stream { headers.add(name: "accept", value: "text/event-stream") }
        debugBody("upstream request", body)
        let response = try await upstream.post(url, headers: headers, body: body, describing: target)
        guard (200..<300).contains(response.status.code) else {
            let errorBody = try await upstream.collect(response, describing: target)
            debugBody("upstream error", errorBody)
            throw mapError(Int(response.status.code), errorBody, UpstreamClient.headerDictionary(response.headers))
        }
        if stream { try await upstream.requireEventStream(response, target: target) }
        return response
    }

    /// A whole reply's body as JSON; a body that is not JSON is a 502.
    func replyJSON(_ response: HTTPClientResponse, target: RouteTarget) async throws(AnthropicError) -> JSONValue {
        let bytes = try await upstream.collect(response, describing: target)
        debugBody("upstream reply", bytes)
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw AnthropicError(.api, "The \(target.provider.displayName) upstream's reply is not JSON (\(error)).", status: 502)
        }
    }
}
