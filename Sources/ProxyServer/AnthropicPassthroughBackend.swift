import AsyncHTTPClient
import HTTPTypes
import Hummingbird
import NIOHTTP1
import ProxyCore

/// Forwards a request to Anthropic (or any Anthropic-compatible API) unchanged but for the model
/// name, and its reply back the same way, streamed byte for byte.
struct AnthropicPassthroughBackend: Sendable {
    let services: ProxyServices

    /// Request headers passed on: the API's own (`anthropic-version`, `anthropic-beta`, ...), the
    /// SDK's telemetry and the client's identity.
    private static func forwards(_ name: String) -> Bool {
        name.hasPrefix("anthropic-") || name.hasPrefix("x-stainless-") || ["user-agent", "x-app", "accept"].contains(name)
    }

    /// Reply headers passed back: request ids, rate limits and retry advice.
    private static func returns(_ name: String) -> Bool {
        name.hasPrefix("anthropic-") || ["request-id", "retry-after", "x-should-retry", "content-type"].contains(name)
    }

    /// - Parameters:
    ///   - path: `/v1/messages` or `/v1/messages/count_tokens`.
    ///   - requestedModel: the model the client named, restored in the reply.
    func forward(
        body: [UInt8], path: String, requestedModel: String, stream: Bool, target: RouteTarget, request: Request, log: AccessLogEntry
    ) async throws(AnthropicError) -> ExchangeOutcome {
        let upstreamBody = try AnthropicPassthrough.replacingModel(in: body, with: target.model)
        var headers: HTTPHeaders = ["content-type": "application/json", "x-anthropic-proxy-hop": "1"]
        for field in request.headers where Self.forwards(field.name.canonicalName) {
            headers.add(name: field.name.canonicalName, value: field.value)
        }
        if let key = target.apiKey {
            headers.add(name: "x-api-key", value: key)
        } else if let clientKey = request.headers[.xAPIKey] {
            // No ANTHROPIC_API_KEY: the client's own credentials go to Anthropic, and only there.
            headers.add(name: "x-api-key", value: clientKey)
        } else if let authorization = request.headers[.authorization] {
            headers.add(name: "authorization", value: authorization)
        }
        let query = request.uri.query.map { "?\($0)" } ?? ""
        let response = try await services.upstream.post(target.baseURL + path + query, headers: headers, body: upstreamBody, describing: target)

        var replyHeaders = HTTPFields()
        for (name, value) in response.headers where Self.returns(name.lowercased()) {
            if let fieldName = HTTPField.Name(name.lowercased()) { replyHeaders.append(HTTPField(name: fieldName, value: value)) }
        }
        replyHeaders[.upstreamModel] = target.qualifiedModel
        let status = HTTPResponse.Status(code: Int(response.status.code))
        let succeeded = (200..<300).contains(response.status.code)

        guard stream, succeeded else {
            var reply = try await services.upstream.collect(response, describing: target)
            if succeeded, let restored = try? AnthropicPassthrough.replacingModel(in: reply, with: requestedModel) { reply = restored }
            let usage = succeeded ? (try? JSONParser.parse(reply)).flatMap { Self.usage($0["usage"]) } : nil
            log.write(
                status: Int(response.status.code), usage: usage,
                error: succeeded ? nil : UpstreamErrorMapping.upstreamMessage(reply), to: services.logger, redactor: services.redactor)
            return .response(Response(status: status, headers: replyHeaders, body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply))))
        }
        let services = services
        return .stream(status: status, headers: replyHeaders) { sink in
            var failure: AnthropicError?
            defer { log.write(status: failure?.status ?? 200, error: failure?.message, to: services.logger, redactor: services.redactor) }
            var rewriter = AnthropicStreamModelRewriter(model: requestedModel)
            var iterator = response.body.makeAsyncIterator()
            while true {
                let chunk: ByteBuffer?
                do {
                    chunk = try await iterator.next()
                } catch {
                    try Task.checkCancellation()
                    let error = UpstreamClient.transportError(error, target: target)
                    failure = error
                    try sink.write([.error(error)])
                    return
                }
                guard let chunk else {
                    try sink.write(rewriter.finish())
                    return
                }
                try sink.write(rewriter.feed(chunk.readableBytesView))
            }
        }
    }

    private static func usage(_ json: JSONValue?) -> Usage? {
        guard let json, let input = json["input_tokens"]?.intValue else { return nil }
        return Usage(
            inputTokens: input, outputTokens: json["output_tokens"]?.intValue ?? 0,
            cacheCreationInputTokens: json["cache_creation_input_tokens"]?.intValue ?? 0,
            cacheReadInputTokens: json["cache_read_input_tokens"]?.intValue ?? 0)
    }
}
