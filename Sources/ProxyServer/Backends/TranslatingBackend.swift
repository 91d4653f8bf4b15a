import AsyncHTTPClient
import Hummingbird
import ProxyCore

/// Serves requests through any upstream whose protocol an adapter translates: the same steps for
/// every provider, which it never names.
struct TranslatingBackend<Adapter: ProviderAdapter>: MessagesBackend {
    func respond(to request: ClientRequest, target: RouteTarget, key: String?, services: ProxyServices) async throws(UpstreamFailure) -> ExchangeOutcome {
        let messages = try Self.locally { () throws(AnthropicError) in try request.messages() }
        let adapter = Adapter(request: messages, target: target, catalog: services.catalog)
        let body = try Self.locally { () throws(AnthropicError) in try adapter.requestBody() }
        let url = adapter.url(stream: messages.stream)
        let send = { @Sendable () async throws(UpstreamFailure) -> HTTPClientResponse in
            try await services.sendTranslated(body, to: url, through: adapter, key: key, stream: messages.stream, target: target)
        }
        if messages.stream {
            let response = try await send()
            let providerName = target.provider.displayName
            var resend = TranslatedStream.noResend
            if Adapter.streamsMayAskForAnotherStream {
                resend = { () async throws(AnthropicError) -> HTTPClientResponse in
                    do throws(UpstreamFailure) {
                        return try await send()
                    } catch {
                        throw error.clientError
                    }
                }
            }
            return TranslatedStream.outcome(
                response, translator: adapter.makeStreamTranslator(), target: target, services: services,
                withoutEvents: { body in adapter.errorForStreamWithoutEvents(body: body, providerName: providerName) }, resend: resend)
        }
        var reply = try await services.replyJSON(try await send(), target: target)
        var askedAgain = false
        if adapter.wantsAnotherAttempt(after: reply) {
            reply = try await services.replyJSON(try await send(), target: target)
            askedAgain = true
        }
        do {
            let message = try adapter.translateReply(reply)
            return .response(.json(message.json, headers: [.upstreamModel: target.qualifiedModel]), usage: message.usage)
        } catch {
            // Asked once more already, the same request would only fail the same way again.
            throw UpstreamFailure(.unusableReply, shouldRetry: askedAgain ? false : nil, clientError: error)
        }
    }

    /// The upstream's own count when its protocol has one and it answers; else the local estimate.
    func countTokens(_ request: ClientRequest, target: RouteTarget, key: String?, services: ProxyServices) async throws(UpstreamFailure) -> ExchangeOutcome {
        let messages = try Self.locally { () throws(AnthropicError) in try request.messages() }
        let adapter = Adapter(request: messages, target: target, catalog: services.catalog)
        let count = await upstreamCount(adapter, target: target, key: key, services: services) ?? TokenEstimator.estimate(messages)
        return .response(.json(["input_tokens": .int(count)]), usage: Usage(inputTokens: count))
    }

    private func upstreamCount(_ adapter: Adapter, target: RouteTarget, key: String?, services: ProxyServices) async -> Int? {
        do {
            guard let (url, body) = try Self.locally({ () throws(AnthropicError) in try adapter.countTokensRequest() }) else { return nil }
            let response = try await services.sendTranslated(body, to: url, through: adapter, key: key, stream: false, target: target)
            return adapter.tokenCount(fromReply: try await services.replyJSON(response, target: target))
        } catch {
            services.logger.notice("\(target.qualifiedModel) countTokens failed (\(services.redactor.redact(error.clientError.message))); answering with the local estimate")
            return nil
        }
    }

    /// Runs a step that refuses the request before anything is sent.
    private static func locally<Result>(_ step: () throws(AnthropicError) -> Result) throws(UpstreamFailure) -> Result {
        do {
            return try step()
        } catch {
            throw .refusedLocally(error)
        }
    }
}
