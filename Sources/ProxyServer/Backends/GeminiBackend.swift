import AsyncHTTPClient
import Hummingbird
import NIOHTTP1
import ProxyCore

/// Serves a Messages request through Gemini's native API: `models/{model}:generateContent`, or
/// `:streamGenerateContent?alt=sse` for streams, the key in `x-goog-api-key`.
struct GeminiBackend: Sendable {
    let services: ProxyServices

    /// One attempt: sends the translated request with `key` and answers once Gemini has accepted
    /// it. Every failure before that is thrown, for the caller to retry or fall back. A reply that
    /// ends in a malformed function call is asked for once more (whole, or as the stream's
    /// continuation) before it becomes an error.
    func respond(to messages: MessagesRequest, target: RouteTarget, key: String?, log: AccessLogEntry) async throws(AnthropicError) -> ExchangeOutcome {
        let profile = services.catalog.profile(for: target.model)
        let body = JSONWriter.encode(try GeminiRequestTranslator(model: target.model, profile: profile).translate(messages))
        let estimatedInputTokens = TokenEstimator.estimate(messages)
        let context = GeminiReplyContext(
            requestedModel: messages.model, upstreamModel: target.model, messageID: MessageIdentifier.newMessageID(),
            toolNames: ToolNameMapping(request: messages), estimatedInputTokens: estimatedInputTokens, contextWindow: profile.contextWindow)
        let prompt = (estimatedTokens: estimatedInputTokens, contextWindow: profile.contextWindow)

        if messages.stream {
            let url = Self.url(target, method: "streamGenerateContent?alt=sse")
            let send: TranslatedStream.Resend = { () async throws(AnthropicError) -> HTTPClientResponse in
                try await post(url, body: body, stream: true, target: target, key: key, prompt: prompt)
            }
            let response = try await send()
            return TranslatedStream.outcome(
                response, translator: GeminiStreamTranslator(context: context), target: target, services: services, log: log, resend: send)
        }
        let url = Self.url(target, method: "generateContent")
        var reply = try await whole(url, body: body, target: target, key: key, prompt: prompt)
        if GeminiReplyContext.isMalformedFunctionCall(reply) {
            services.logger.notice("\(target.qualifiedModel) produced a malformed function call; asking once more")
            reply = try await whole(url, body: body, target: target, key: key, prompt: prompt)
        }
        let message = try GeminiResponseTranslator(context: context).translate(reply)
        log.write(status: 200, usage: message.usage, to: services.logger, redactor: services.redactor)
        return .response(.json(message.json, headers: [.upstreamModel: target.qualifiedModel]))
    }

    /// Gemini's own count of the request's prompt (`models/{model}:countTokens`), or `nil` when it
    /// could not be had; the caller then answers with the local estimate.
    func countTokens(_ messages: MessagesRequest, target: RouteTarget, key: String?) async -> Int? {
        do {
            let profile = services.catalog.profile(for: target.model)
            let body = JSONWriter.encode(try GeminiRequestTranslator(model: target.model, profile: profile).countTokensBody(messages))
            let response = try await post(Self.url(target, method: "countTokens"), body: body, stream: false, target: target, key: key, prompt: nil)
            let reply = try await services.upstream.collect(response, describing: target)
            return (try? JSONParser.parse(reply))?["totalTokens"]?.intValue
        } catch {
            services.logger.notice("\(target.qualifiedModel) countTokens failed (\(services.redactor.redact(error.message))); answering with the local estimate")
            return nil
        }
    }

    /// `{base}/models/{model}:{method}`; a model given with its collection (`tunedModels/x`) keeps it.
    static func url(_ target: RouteTarget, method: String) -> String {
        let resource = target.model.contains("/") ? target.model : "models/\(target.model)"
        return "\(target.baseURL)/\(resource):\(method)"
    }

    /// Posts `body`, throwing Gemini's error as the client's when the status is not a success.
    private func post(
        _ url: String, body: [UInt8], stream: Bool, target: RouteTarget, key: String?, prompt: (estimatedTokens: Int, contextWindow: Int?)?
    ) async throws(AnthropicError) -> HTTPClientResponse {
        try await services.sendTranslated(body, to: url, key: key.map { (name: "x-goog-api-key", value: $0) }, stream: stream, target: target) { status, body, headers in
            GeminiErrorMapping.error(status: status, model: target.model, body: body, headers: headers, keyVariable: target.keyVariable, prompt: prompt)
        }
    }

    private func whole(
        _ url: String, body: [UInt8], target: RouteTarget, key: String?, prompt: (estimatedTokens: Int, contextWindow: Int?)
    ) async throws(AnthropicError) -> JSONValue {
        try await services.replyJSON(try await post(url, body: body, stream: false, target: target, key: key, prompt: prompt), target: target)
    }
}
