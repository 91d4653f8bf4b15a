import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import ProxyCore

/// The steps every translating backend takes with its upstream, in one place.
extension ProxyServices {
    /// Posts a translated request body and returns the response once the upstream has accepted
    /// it: a failure status is thrown as the adapter reads it, and a streamed request must be
    /// answered with an event stream.
    func sendTranslated<Adapter: ProviderAdapter>(
        _ body: ByteBuffer, to url: String, through adapter: Adapter, key: String?, stream: Bool, target: RouteTarget
    ) async throws(UpstreamFailure) -> HTTPClientResponse {
        var headers: HTTPHeaders = ["content-type": "application/json"]
        if let key {
            let header = adapter.keyHeader(key)
            headers.add(name: header.name, value: header.value)
        }
        if stream { headers.add(name: "accept", value: "text/event-stream") }
        debugBody("upstream request", body.readableBytesView)
        let response = try await upstream.post(url, headers: headers, body: body, describing: target)
        guard (200..<300).contains(response.status.code) else {
            let errorBody = try await upstream.collect(response, describing: target)
            debugBody("upstream error", errorBody)
            throw adapter.failure(status: Int(response.status.code), body: errorBody, headers: UpstreamClient.headerDictionary(response.headers))
        }
        if stream { try await upstream.requireEventStream(response, target: target) }
        return response
    }

    /// A whole reply's body as JSON; a body that is not JSON is an unusable reply (502).
    func replyJSON(_ response: HTTPClientResponse, target: RouteTarget) async throws(UpstreamFailure) -> JSONValue {
        let bytes = try await upstream.collect(response, describing: target)
        debugBody("upstream reply", bytes)
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw UpstreamFailure(
                .unusableReply, clientError: AnthropicError(.api, "The \(target.provider.displayName) upstream's reply is not JSON (\(error)).", status: 502))
        }
    }
}
