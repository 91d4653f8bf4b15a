import AsyncHTTPClient
import Hummingbird
import NIOHTTP1
import ProxyCore

/// Serves a Messages request through an OpenAI Chat Completions (or compatible) upstream.
struct OpenAIChatBackend: Sendable {
    let services: ProxyServices

    func respond(to messages: MessagesRequest, target: RouteTarget, log: AccessLogEntry) async throws(AnthropicError) -> ExchangeOutcome {
        let profile = services.catalog.profile(for: target.model)
        let body = JSONWriter.encode(try OpenAIChatRequestTranslator(model: target.model, profile: profile).translate(messages))
        let estimatedInputTokens = TokenEstimator.estimate(messages)
        let context = OpenAIChatReplyContext(
            requestedModel: messages.model, messageID: MessageIdentifier.newMessageID(), toolNames: ToolNameMapping(request: messages),
            stopSequences: messages.stopSequences, estimatedInputTokens: estimatedInputTokens, contextWindow: profile.contextWindow)
        var headers: HTTPHeaders = ["content-type": "application/json"]
        if let key = target.apiKey { headers.add(name: "authorization", value: "Bearer \(key)") }
        if messages.stream { headers.add(name: "accept", value: "text/event-stream") }
        services.debugBody("upstream request", body)

        let response = try await services.upstream.post(target.baseURL + "/chat/completions", headers: headers, body: body, describing: target)
        guard (200..<300).contains(response.status.code) else {
            let errorBody = try await services.upstream.collect(response, describing: target)
            services.debugBody("upstream error", errorBody)
            throw UpstreamErrorMapping.error(
                status: Int(response.status.code), provider: target.provider, model: target.model, body: errorBody,
                headers: UpstreamClient.headerDictionary(response.headers), keyVariable: target.keyVariable,
                prompt: (estimatedInputTokens, profile.contextWindow))
        }
        if messages.stream {
            return stream(response, translator: OpenAIChatStreamTranslator(context: context), target: target, log: log)
        }
        let replyBytes = try await services.upstream.collect(response, describing: target)
        services.debugBody("upstream reply", replyBytes)
        let reply: JSONValue
        do {
            reply = try JSONParser.parse(replyBytes)
        } catch {
            throw AnthropicError(.api, "The \(target.provider.displayName) upstream's reply is not JSON (\(error)).", status: 502)
        }
        let message = try OpenAIChatResponseTranslator(context: context).translate(reply)
        log.write(status: 200, usage: message.usage, to: services.logger, redactor: services.redactor)
        return .response(.json(message.json, headers: [.upstreamModel: target.qualifiedModel]))
    }

    /// Translates the upstream's event stream event by event. The upstream request is cancelled as
    /// soon as the client goes away; an upstream failure after the stream began becomes an
    /// `event: error` frame, never a silent end.
    private func stream(
        _ response: HTTPClientResponse, translator: OpenAIChatStreamTranslator, target: RouteTarget, log: AccessLogEntry
    ) -> ExchangeOutcome {
        let services = services
        let pingInterval = services.configuration.pingInterval
        return .stream(status: .ok, headers: .eventStream(upstreamModel: target.qualifiedModel)) { sink in
            var translator = translator
            var outcome = StreamOutcome()
            defer {
                log.write(status: outcome.error?.status ?? 200, usage: outcome.usage, error: outcome.error?.message, to: services.logger, redactor: services.redactor)
            }
            let output = KeepAliveSink(sink, interval: pingInterval)
            try output.write(translator.start())
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await output.keepAlive() }
                var parser = SSEParser()
                var iterator = response.body.makeAsyncIterator()
                while !translator.isFinished {
                    var events: [AnthropicStreamEvent]
                    do {
                        if let chunk = try await iterator.next() {
                            events = parser.feed(chunk.readableBytesView).flatMap { translator.consume($0) }
                        } else {
                            events = parser.finish().flatMap { translator.consume($0) } + translator.finish()
                        }
                    } catch {
                        try Task.checkCancellation()
                        events = translator.fail(UpstreamClient.transportError(error, target: target))
                    }
                    outcome.record(events)
                    try output.write(events)
                }
                group.cancelAll()
            }
        }
    }
}
