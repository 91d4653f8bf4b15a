import AsyncHTTPClient
import Hummingbird
import ProxyCore

/// Serves requests through any upstream whose protocol an adapter translates: the same steps for
/// every provider, which it never names.
struct TranslatingBackend<Adapter: ProviderAdapter>: MessagesBackend {
    func respond(to request: ClientRequest, target: RouteTarget, key: String?, services: ProxyServices) async throws(UpstreamFailure) -> ExchangeOutcome {
        // Decoding, translating and writing a large request is bulk work, off the event loop.
        let (messages, translating, first) = try await BulkWorkExecutor.run(forBytes: request.size) { () async throws(UpstreamFailure) in
            let messages = try Self.locally { () throws(AnthropicError) in try request.messages() }
            let translating = Adapter(request: messages, target: target, catalog: services.catalog)
            return (messages, translating, try await Self.prepare(translating, target: target, key: key, services: services))
        }
        let url = translating.url(stream: messages.stream)
        let sendBody = { @Sendable (body: ByteBuffer) async throws(UpstreamFailure) -> HTTPClientResponse in
            try await services.sendTranslated(body, to: url, through: translating, key: key, stream: messages.stream, target: target)
        }
        var prepared = first
        let response: HTTPClientResponse
        do throws(UpstreamFailure) {
            response = try await sendBody(prepared.body)
        } catch {
            // The cache expired or was deleted upstream: made again (or not), the request goes once more.
            guard error.cause == .explicitCacheMissing, let cache = prepared.cache else { throw error }
            services.explicitCaches.forget(cache)
            prepared = try await Self.prepare(translating, target: target, key: key, services: services)
            response = try await sendBody(prepared.body)
        }
        let adapter = prepared.cache == nil ? translating : translating.servedFromCache(created: prepared.created)
        let body = prepared.body
        let send = { @Sendable () async throws(UpstreamFailure) -> HTTPClientResponse in try await sendBody(body) }
        if messages.stream {
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
                response, translator: adapter.makeClientStreamTranslator(thinkingDisplay: messages.thinkingDisplay, contextEdits: messages.contextEdits),
                target: target, services: services,
                withoutEvents: { body in adapter.errorForStreamWithoutEvents(body: body, providerName: providerName) }, resend: resend)
        }
        var reply = try await services.replyJSON(response, target: target)
        var askedAgain = false
        if adapter.wantsAnotherAttempt(after: reply) {
            reply = try await services.replyJSON(try await send(), target: target)
            askedAgain = true
        }
        do {
            let message = try adapter.translateClientReply(reply, thinkingDisplay: messages.thinkingDisplay, contextEdits: messages.contextEdits)
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
        var answer: JSONObject = ["input_tokens": .int(count)]
        if let edits = messages.contextEdits { answer["context_management"] = edits.countTokensJSON(inputTokens: count) }
        return .response(.json(.object(answer)), usage: Usage(inputTokens: count))
    }

    private func upstreamCount(_ adapter: Adapter, target: RouteTarget, key: String?, services: ProxyServices) async -> Int? {
        do {
            guard let (url, body) = try Self.locally({ () throws(AnthropicError) in try adapter.countTokensRequest() }) else { return nil }
            let response = try await services.sendTranslated(ByteBuffer(bytes: body), to: url, through: adapter, key: key, stream: false, target: target)
            return adapter.tokenCount(fromReply: try await services.replyJSON(response, target: target))
        } catch {
            services.logger.notice("\(target.qualifiedModel) countTokens failed (\(services.redactor.redact(error.clientError.message))); answering with the local estimate")
            return nil
        }
    }

    /// The translated body, served from an explicit prompt cache of its prefix where the upstream
    /// has one, the client marked a breakpoint and `GEMINI_EXPLICIT_CACHE` allows it.
    private static func prepare(_ adapter: Adapter, target: RouteTarget, key: String?, services: ProxyServices) async throws(UpstreamFailure)
        -> ExplicitCaches.Prepared
    {
        if services.configuration.geminiExplicitCache, !services.explicitCaches.isRefusing(baseURL: target.baseURL, key: key),
            let prefix = try locally({ () throws(AnthropicError) in try adapter.explicitCachePrefix(reusing: services.writtenStrings) })
        {
            return await services.explicitCaches.prepare(prefix, adapter: adapter, target: target, key: key, services: services)
        }
        return ExplicitCaches.Prepared(body: try locally { () throws(AnthropicError) in try adapter.requestBody(reusing: services.writtenStrings) }, services: services)
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
