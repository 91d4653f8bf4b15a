import AsyncHTTPClient
import Hummingbird
import NIOHTTP1
import ProxyCore

/// Serves a Messages request through an OpenAI Chat Completions (or compatible) upstream.
struct OpenAIChatBackend: Sendable {
    let services: ProxyServices

    /// One attempt: sends the translated request with `key` and answers once the upstream has
    /// accepted it. Every failure before that is thrown, for the caller to retry or fall back.
    func respond(to messages: MessagesRequest, target: RouteTarget, key: String?, log: AccessLogEntry) async throws(AnthropicError) -> ExchangeOutcome {
        let profile = services.catalog.profile(for: target.model, preset: target.preset)
        let options = target.preset?.chat ?? .standard
        let body = JSONWriter.encode(try OpenAIChatRequestTranslator(model: target.model, profile: profile, options: options).translate(messages))
        let estimatedInputTokens = TokenEstimator.estimate(messages)
        let context = OpenAIChatReplyContext(
            requestedModel: messages.model, messageID: MessageIdentifier.newMessageID(), toolNames: ToolNameMapping(request: messages),
            stopSequences: messages.stopSequences, estimatedInputTokens: estimatedInputTokens, contextWindow: profile.contextWindow,
            reasoningField: options.reasoningField)
        var headers: HTTPHeaders = ["content-type": "application/json"]
        if let key {
            let header = target.keyHeader(key)
            headers.add(name: header.name, value: header.value)
        }
        if messages.stream { headers.add(name: "accept", value: "text/event-stream") }
        services.debugBody("upstream request", body)

        let response = try await services.upstream.post(target.chatCompletionsURL, headers: headers, body: body, describing: target)
        guard (200..<300).contains(response.status.code) else {
            let errorBody = try await services.upstream.collect(response, describing: target)
            services.debugBody("upstream error", errorBody)
            throw UpstreamErrorMapping.error(
                status: Int(response.status.code), provider: target.provider, model: target.model, body: errorBody,
                headers: UpstreamClient.headerDictionary(response.headers), keyVariable: target.keyVariable,
                prompt: (estimatedInputTokens, profile.contextWindow))
        }
        if messages.stream {
            try await services.upstream.requireEventStream(response, target: target)
            return TranslatedStream.outcome(response, translator: OpenAIChatStreamTranslator(context: context), target: target, services: services, log: log)
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
}
