import AsyncHTTPClient
import HTTPTypes
import Hummingbird
import NIOHTTP1
import ProxyCore

/// Forwards a request to Anthropic (or any Anthropic-compatible API) unchanged but for the model
/// name, and its reply back the same way, streamed byte for byte.
struct AnthropicPassthroughBackend: MessagesBackend {
    /// Request headers passed on: the API's own (`anthropic-version`, `anthropic-beta`, ...), the
    /// SDK's telemetry and the client's identity.
    private static func forwards(_ name: String) -> Bool {
        name.hasPrefix("anthropic-") || name.hasPrefix("x-stainless-") || ["user-agent", "x-app", "accept"].contains(name)
    }

    /// Reply headers passed back: request ids, rate limits and retry advice.
    private static func returns(_ name: String) -> Bool {
        name.hasPrefix("anthropic-") || ["request-id", "retry-after", "x-should-retry", "content-type"].contains(name)
    }

    func respond(to request: ClientRequest, target: RouteTarget, key: String?, services: ProxyServices) async throws(UpstreamFailure) -> ExchangeOutcome {
        try await forward(request, path: "/v1/messages", target: target, key: key, services: services)
    }

    func countTokens(_ request: ClientRequest, target: RouteTarget, key: String?, services: ProxyServices) async throws(UpstreamFailure) -> ExchangeOutcome {
        try await forward(request, path: "/v1/messages/count_tokens", target: target, key: key, services: services)
    }

    /// - Parameters:
    ///   - path: `/v1/messages` or `/v1/messages/count_tokens`.
    ///   - key: the configured key for this attempt; without one the client's own credentials go
    ///     to Anthropic (and only there), unless they are the proxy's own `PROXY_API_KEY`.
    /// - Throws: failures worth another attempt (see `RetryPolicy`); Anthropic's other errors are
    ///   answered as they came.
    private func forward(
        _ request: ClientRequest, path: String, target: RouteTarget, key: String?, services: ProxyServices
    ) async throws(UpstreamFailure) -> ExchangeOutcome {
        let requestedModel = request.json["model"]?.stringValue ?? target.model
        let stream = !request.countingTokens && request.stream
        // A large body written anew (for Vertex AI, or for a thread's turn) is bulk work, off the
        // event loop; one copied around its model name is not worth the trip (a 1 MB later turn
        // took 0.2 ms more CPU and 0.34 ms more p50 there).
        let writesBody = target.vertex != nil || request.bytesAreWritten
        let upstreamBody = try await BulkWorkExecutor.run(forBytes: writesBody ? request.size : 0) { () throws(UpstreamFailure) -> ByteBuffer in
            do throws(AnthropicError) {
                return target.vertex != nil
                    ? ByteBuffer(bytes: try VertexAnthropic.body(request.json, target: target, countingTokens: request.countingTokens, reusing: services.writtenStrings))
                    : try Self.body(of: request, naming: target.model)
            } catch {
                throw .refusedLocally(error)
            }
        }
        var headers: HTTPHeaders = ["content-type": "application/json", "x-anthropic-proxy-hop": "1"]
        // On Vertex AI the body names the API's version.
        for field in request.headers where Self.forwards(field.name.canonicalName) && !(target.vertex != nil && field.name.canonicalName == "anthropic-version") {
            headers.add(name: field.name.canonicalName, value: field.value)
        }
        if target.vertex != nil {
            // A Google Cloud access token; never the client's Anthropic key.
            if let key { headers.add(name: "authorization", value: "Bearer \(key)") }
        } else if let key {
            headers.add(name: "x-api-key", value: key)
        } else if services.configuration.proxyAPIKey == nil {
            // The client's own Anthropic key, never one of this proxy's client keys.
            if let clientKey = request.headers[.xAPIKey] {
                if ClientKey.lookupID(of: clientKey) == nil { headers.add(name: "x-api-key", value: clientKey) }
            } else if let authorization = request.headers[.authorization],
                ClientAuthenticator.presentedKeys(apiKeyHeader: nil, authorizationHeader: authorization).allSatisfy({ ClientKey.lookupID(of: $0) == nil })
            {
                headers.add(name: "authorization", value: authorization)
            }
        }
        let url =
            target.vertex != nil
            ? VertexAnthropic.url(target, countingTokens: request.countingTokens, stream: stream)
            : target.baseURL + path + (request.query.map { "?\($0)" } ?? "")
        let response = try await services.upstream.post(url, headers: headers, body: upstreamBody, describing: target)

        var replyHeaders = HTTPFields()
        for (name, value) in response.headers where Self.returns(name.lowercased()) {
            if let fieldName = HTTPField.Name(name.lowercased()) { replyHeaders.append(HTTPField(name: fieldName, value: value)) }
        }
        replyHeaders[.upstreamModel] = target.qualifiedModel
        let status = HTTPResponse.Status(code: Int(response.status.code))
        let succeeded = (200..<300).contains(response.status.code)
        if !succeeded, Self.worthAnotherAttempt(Int(response.status.code), rotatingKeys: key != nil && target.apiKeys.count > 1) {
            let errorBody = try await services.upstream.collect(response, describing: target)
            throw UpstreamErrorMapping.failure(
                status: Int(response.status.code), provider: target.provider, model: target.model, body: errorBody,
                headers: UpstreamClient.headerDictionary(response.headers), keyVariable: target.keyVariable)
        }

        guard stream, succeeded else {
            var reply = try await services.upstream.collect(response, describing: target)
            if succeeded, let restored = try? AnthropicPassthrough.replacingModel(in: reply, with: requestedModel) { reply = restored }
            let usage = succeeded ? (try? JSONParser.parse(reply)).flatMap { Self.usage($0["usage"]) } : nil
            let failure = succeeded ? nil : Self.answeredError(status: Int(response.status.code), body: reply)
            return .response(Response(status: status, headers: replyHeaders, body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply))), usage: usage, error: failure)
        }
        return .stream(status: status, headers: replyHeaders) { sink in
            // No pings of the proxy's own: Anthropic sends its own, passed through.
            let output = StreamOutput(sink, to: target, services: services, pings: false)
            return try await output.run { try await Self.relay(response, requestedModel: requestedModel, to: output, target: target) }
        }
    }

    /// The client's body naming `model`: the bytes as they came when they name it already, else
    /// rewritten in that one value, found where the parse saw it (a late turn's megabytes are not
    /// read again) or, in a body written for a thread's turn, by a scan.
    private static func body(of request: ClientRequest, naming model: String) throws(AnthropicError) -> ByteBuffer {
        let body = request.bytes
        if case .object(let object) = request.json, object["model"]?.stringValue == model, object.members.count(where: { $0.key == "model" }) == 1 {
            return body
        }
        let found =
            request.receivedModelRange.map { .success($0) }
            ?? body.withUnsafeReadableBytes { bytes in Result { () throws(AnthropicError) in try AnthropicPassthrough.modelRange(in: bytes) } }
        let range = try found.get()
        let name = JSONWriter.encode(.string(model))
        var rewritten = ByteBufferAllocator().buffer(capacity: body.readableBytes - range.count + name.count)
        rewritten.writeImmutableBuffer(body.getSlice(at: body.readerIndex, length: range.lowerBound)!)
        rewritten.writeBytes(name)
        rewritten.writeImmutableBuffer(body.getSlice(at: body.readerIndex + range.upperBound, length: body.readableBytes - range.upperBound)!)
        return rewritten
    }

    /// Anthropic's own error, answered as it came, for the request record.
    private static func answeredError(status: Int, body: [UInt8]) -> AnthropicError {
        let type = (try? JSONParser.parse(body))?["error"]?["type"]?.stringValue
        let kind = type.flatMap(AnthropicError.Kind.init(rawValue:)) ?? UpstreamErrorMapping.kindAndStatus(forUpstreamStatus: status).0
        return AnthropicError(kind, UpstreamErrorMapping.upstreamMessage(body), status: status)
    }

    /// Statuses thrown for the caller to retry or fall back: throttling, overload, server errors,
    /// and a rejected key when there are others to rotate to.
    private static func worthAnotherAttempt(_ status: Int, rotatingKeys: Bool) -> Bool {
        [408, 429, 500, 502, 503, 504, 529].contains(status) || (status == 401 && rotatingKeys)
    }

    /// Forwards the stream's bytes with the model restored, watching them for the usage and the
    /// ending; ends with an error event when the connection fails or the stream stops short.
    private static func relay(_ response: HTTPClientResponse, requestedModel: String, to output: StreamOutput, target: RouteTarget) async throws -> StreamEnding {
        var rewriter = AnthropicStreamModelRewriter(model: requestedModel)
        var scanner = AnthropicStreamUsageScanner()
        var iterator = response.body.makeAsyncIterator()
        while true {
            let chunk: ByteBuffer?
            do {
                chunk = try await iterator.next()
            } catch {
                try Task.checkCancellation()
                let failure = UpstreamClient.transportError(error, target: target).clientError
                return try output.end([.error(failure)], .failed(failure, usage: scanner.usage))
            }
            guard let chunk else {
                try output.write(bytes: rewriter.finish(), toldUsage: scanner.usage)
                let (events, ending) = scanner.finish()
                return try output.end(events, ending)
            }
            output.noteUpstreamActivity()
            scanner.feed(chunk.readableBytesView)
            try output.write(bytes: rewriter.feed(chunk.readableBytesView), toldUsage: scanner.usage)
        }
    }

    private static func usage(_ json: JSONValue?) -> Usage? {
        guard let json, json["input_tokens"]?.intValue != nil else { return nil }
        return AnthropicStreamUsageScanner.usage(json, over: Usage())
    }
}
