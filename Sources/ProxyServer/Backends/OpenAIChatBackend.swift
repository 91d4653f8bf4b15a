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
        let key = key.map { target.keyHeader($0) }.map { (name: $0.name, value: $0.value) }
        let response = try await services.sendTranslated(body, to: target.chatCompletionsURL, key: key, stream: messages.stream, target: target) { status, body, headers in
            UpstreamErrorMapping.error(
                status: status, provider: target.provider, model: target.model, body: body, headers: headers, keyVariable: target.keyVariable,
                prompt: (estimatedInputTokens, profile.contextWindow))
        }
        if messages.stream {
            return TranslatedStream.outcome(response, translator: OpenAIChatStreamTranslator(context: context), target: target, services: services, log: log)
        }
        let reply = try await services.replyJSON(response, target: target)
        let message = try OpenAIChatResponseTranslator(context: context).translate(reply)
        log.write(status: 200, usage: message.usage, to: services.logger, redactor: services.redactor)
        return .response(.json(message.json, headers: [.upstreamModel: target.qualifiedModel]))
    }
}
