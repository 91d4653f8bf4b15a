import AsyncHTTPClient
import Hummingbird
import ProxyCore

/// Serves requests through any upstream whose protocol an adapter translates: the same steps for
/// every provider, which it never names.
struct TranslatingBackend<Adapter: ProviderAdapter>: MessagesBackend {
    /// A decoded request, translated, with its upstream body made.
    private struct Translation: Sendable {
        let messages: MessagesRequest
        let adapter: Adapter
        let first: ExplicitCaches.Prepared
        /// What the reply says of cache diagnostics; nil when the client asked for none, and for
        /// a compaction's own requests (its reply says it).
        var cacheDiagnostics: CacheDiagnosticsTurn?
    }

    /// A streamed request's upstream response, with what relaying it to the client needs.
    private struct Relayable: Sendable {
        let response: HTTPClientResponse
        let translator: Adapter.ClientStreamTranslator
        let withoutEvents: TranslatedStream.WithoutEvents
        let resend: TranslatedStream.Resend

        func relay<Translator: UpstreamStreamTranslator, Destination: StreamDestination>(
            translator: Translator, to destination: Destination, target: RouteTarget
        ) async throws -> StreamEnding {
            try await TranslatedStream.relay(response, translator: translator, to: destination, target: target, withoutEvents: withoutEvents, resend: resend)
        }
    }

    /// What a request comes to once decoded: ready to send, or a compaction to run first.
    private enum Decoded: Sendable {
        case ready(Translation)
        case compacting(CompactionPlan, CacheDiagnosticsTurn?)
    }

    func respond(to request: ClientRequest, target: RouteTarget, key: String?, services: ProxyServices) async throws(UpstreamFailure) -> ExchangeOutcome {
        // Decoding, translating and writing a large request is bulk work, off the event loop.
        let decoded = try await BulkWorkExecutor.run(forBytes: request.size) { () async throws(UpstreamFailure) -> Decoded in
            let messages = try Self.locally { () throws(AnthropicError) in try request.messages() }
            // The target's model: a route or a fallback that changes it is a cache miss.
            let diagnostics = await CacheDiagnosticsTurn(messages, model: target.qualifiedModel, owner: request.owner, store: services.promptFingerprints)
            if let plan = CompactionPlan(messages) { return .compacting(plan, diagnostics) }
            var translation = try await Self.translate(messages, target: target, key: key, services: services)
            translation.cacheDiagnostics = diagnostics
            return .ready(translation)
        }
        switch decoded {
        case .ready(let translation):
            return try await answer(translation, target: target, key: key, services: services)
        case .compacting(let plan, let diagnostics):
            return try await answer(compacting: plan, of: request, diagnostics: diagnostics, target: target, key: key, services: services)
        }
    }

    /// Asks the upstream for the conversation's summary, then answers from it (see `CompactionPlan`).
    /// A whole reply's summary is kept with the request: when the reply's own request fails, the
    /// attempt loop's retry (on this target or the next) answers from it, and what it cost is
    /// counted once, in the reply that serves.
    private func answer(
        compacting plan: CompactionPlan, of request: ClientRequest, diagnostics: CacheDiagnosticsTurn?, target: RouteTarget, key: String?,
        services: ProxyServices
    ) async throws(UpstreamFailure) -> ExchangeOutcome {
        let size = request.size
        let summaryReply: AnthropicMessage
        if let written = request.compactionSummary {
            summaryReply = written
        } else {
            let summarising = try await Self.translate(bulk: size, { plan.summaryRequest }, target: target, key: key, services: services)
            if plan.streams {
                return try await streamedAnswer(
                    compacting: plan, summarising: summarising, diagnostics: diagnostics, size: size, target: target, key: key, services: services)
            }
            summaryReply = try await wholeReply(summarising, target: target, key: key, services: services)
            if plan.pausesAfterCompaction {
                return Self.response(plan.pausedReply(summarising: summaryReply), diagnostics: diagnostics, target: target)
            }
            request.compactionSummary = summaryReply
        }
        let summary = CompactionPlan.summary(in: summaryReply)
        let compacted = try await Self.translate(bulk: size, { plan.compacted(summary: summary) }, target: target, key: key, services: services)
        let message = try await wholeReply(compacted, target: target, key: key, services: services)
        return Self.response(plan.reply(message, afterCompaction: summary, usage: summaryReply.usage), diagnostics: diagnostics, target: target)
    }

    /// A whole reply's response, carrying what cache diagnostics found.
    private static func response(_ message: AnthropicMessage, diagnostics: CacheDiagnosticsTurn?, target: RouteTarget) -> ExchangeOutcome {
        let message = diagnostics?.answering(message) ?? message
        return .response(.json(message.json, headers: [.upstreamModel: target.qualifiedModel]), usage: message.usage)
    }

    /// A compaction whose reply is streamed. The client's stream starts once the upstream has taken
    /// the summary's request (so a refusal of it still goes to the next key or target), with the
    /// compaction block open; pings keep it alive while the summary is written. The reply's own
    /// request is sent from inside the stream, retried there; a failure that stays is an error event.
    private func streamedAnswer(
        compacting plan: CompactionPlan, summarising: Translation, diagnostics: CacheDiagnosticsTurn?, size: Int, target: RouteTarget, key: String?,
        services: ProxyServices
    ) async throws(UpstreamFailure) -> ExchangeOutcome {
        let summaryStream = try await relayable(summarising, target: target, key: key, services: services)
        return .stream(status: .ok, headers: .eventStream(upstreamModel: target.qualifiedModel)) { sink in
            let output = StreamOutput(sink, to: target, services: services, pings: true)
            var summaryTranslator = summaryStream.translator
            let collector = StreamCollector(beside: output)
            let summaryOpening = summaryTranslator.start()
            collector.write(summaryOpening)
            let opening = plan.streamOpening(summaryOpening)
            try output.write(diagnostics?.opening(opening) ?? opening)
            return try await output.run { [summaryTranslator] in
                let summaryUsage: Usage
                switch try await summaryStream.relay(translator: summaryTranslator, to: collector, target: target) {
                case .completed(let usage): summaryUsage = usage
                case .failed(let error, let usage): return try output.end([.error(error)], .failed(error, usage: usage))
                }
                guard let summaryReply = collector.message else {
                    return try output.end([.error(Self.summaryStreamIncomplete)], .failed(Self.summaryStreamIncomplete, usage: summaryUsage))
                }
                let summary = CompactionPlan.summary(in: summaryReply)
                try output.write(CompactionPlan.blockEnd(summary: summary))
                if plan.pausesAfterCompaction {
                    return try output.end(plan.pausedClosing(summarising: summaryUsage), .completed(CompactionPlan.pausedUsage(summarising: summaryUsage)))
                }
                let replyStream: Relayable
                do throws(AnthropicError) {
                    replyStream = try await compactedReply(plan, summary: summary, size: size, target: target, sink: sink, services: services)
                } catch {
                    let message = "\(target.qualifiedModel) failed after a compaction (\(error.message)); the stream ends with the error"
                    services.logger.notice("\(services.redactor.redact(message))")
                    let usage = CompactionPlan.usage(Usage(), afterCompaction: summaryUsage)
                    return try output.end([.error(error)], .failed(error, usage: usage))
                }
                let translator = CompactionStreamTranslator(replyStream.translator, compactionUsage: summaryUsage)
                return try await replyStream.relay(translator: translator, to: output, target: target)
            }
        }
    }

    /// A streamed compaction's reply, asked for once its summary is written: a failure is retried on
    /// the target as a client's request is (another key, or a backoff within the retry budget),
    /// since the client, holding the summary, can no longer be sent to another attempt. Each retry
    /// is an attempt in the request's record.
    private func compactedReply(
        _ plan: CompactionPlan, summary: String?, size: Int, target: RouteTarget, sink: StreamSink, services: ProxyServices
    ) async throws(AnthropicError) -> Relayable {
        var planner = AttemptPlanner(targets: [target], policy: services.configuration.retryPolicy)
        return try await UpstreamAttempts.run(
            &planner, services: services,
            attempting: { target, number in
                if number > 1 { sink.noteAttempted([AttemptedTarget(target)], attempts: 1) }
            }
        ) { target, key async throws(UpstreamFailure) in
            let compacted = try await Self.translate(bulk: size, { plan.compacted(summary: summary) }, target: target, key: key, services: services)
            return try await relayable(compacted, target: target, key: key, services: services)
        }
    }

    /// For a summary stream that completed without a whole message, which a translator never writes.
    private static var summaryStreamIncomplete: AnthropicError {
        AnthropicError(.api, "The upstream's summary stream ended without a whole message; the compaction did not finish.", status: 502)
    }

    /// Sends a translated request and answers with its reply, streamed or whole.
    private func answer(_ translation: Translation, target: RouteTarget, key: String?, services: ProxyServices) async throws(UpstreamFailure) -> ExchangeOutcome {
        guard translation.messages.stream else {
            let message = try await wholeReply(translation, target: target, key: key, services: services)
            return Self.response(message, diagnostics: translation.cacheDiagnostics, target: target)
        }
        let stream = try await relayable(translation, target: target, key: key, services: services)
        return TranslatedStream.outcome(
            stream.response, translator: stream.translator, target: target, services: services, withoutEvents: stream.withoutEvents, resend: stream.resend)
    }

    /// A streamed request, sent: what relaying its reply needs.
    private func relayable(_ translation: Translation, target: RouteTarget, key: String?, services: ProxyServices) async throws(UpstreamFailure) -> Relayable {
        let messages = translation.messages
        let (response, adapter, send) = try await sent(translation, target: target, key: key, services: services)
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
        return Relayable(
            response: response,
            translator: adapter.makeClientStreamTranslator(
                thinkingDisplay: messages.thinkingDisplay, contextEdits: messages.contextEdits, cacheDiagnostics: translation.cacheDiagnostics),
            withoutEvents: { body in adapter.errorForStreamWithoutEvents(body: body, providerName: providerName) }, resend: resend)
    }

    /// The reply to a request that is not streamed, translated.
    private func wholeReply(_ translation: Translation, target: RouteTarget, key: String?, services: ProxyServices) async throws(UpstreamFailure) -> AnthropicMessage {
        let (response, adapter, send) = try await sent(translation, target: target, key: key, services: services)
        var reply = try await services.replyJSON(response, target: target)
        var askedAgain = false
        if adapter.wantsAnotherAttempt(after: reply) {
            reply = try await services.replyJSON(try await send(), target: target)
            askedAgain = true
        }
        do {
            let messages = translation.messages
            return try adapter.translateClientReply(reply, thinkingDisplay: messages.thinkingDisplay, contextEdits: messages.contextEdits)
        } catch {
            // Asked once more already, the same request would only fail the same way again.
            throw UpstreamFailure(.unusableReply, shouldRetry: askedAgain ? false : nil, clientError: error)
        }
    }

    /// Sends the translated request: the upstream's response, the adapter that reads it (one that
    /// knows the explicit cache it was served from), and how to send the same body again.
    private func sent(
        _ translation: Translation, target: RouteTarget, key: String?, services: ProxyServices
    ) async throws(UpstreamFailure) -> (HTTPClientResponse, Adapter, @Sendable () async throws(UpstreamFailure) -> HTTPClientResponse) {
        let translating = translation.adapter
        let url = translating.url(stream: translation.messages.stream)
        let stream = translation.messages.stream
        let sendBody = { @Sendable (body: ByteBuffer) async throws(UpstreamFailure) -> HTTPClientResponse in
            try await services.sendTranslated(body, to: url, through: translating, key: key, stream: stream, target: target)
        }
        var prepared = translation.first
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
        return (response, adapter, { @Sendable () async throws(UpstreamFailure) -> HTTPClientResponse in try await sendBody(body) })
    }

    /// The upstream's own count when its protocol has one and it answers; else the local estimate.
    func countTokens(_ request: ClientRequest, target: RouteTarget, key: String?, services: ProxyServices) async throws(UpstreamFailure) -> ExchangeOutcome {
        let size = request.size
        // Decoding a large request, and writing its count request or estimating it, is bulk work,
        // off the event loop, as answering it is.
        let (messages, counting) = try await BulkWorkExecutor.run(forBytes: size) { () throws(UpstreamFailure) -> (MessagesRequest, Counting) in
            let messages = try Self.locally { () throws(AnthropicError) in try request.messages() }
            let adapter = Adapter(request: messages, target: target, catalog: services.catalog)
            do throws(AnthropicError) {
                if let (url, body) = try adapter.countTokensRequest() { return (messages, .upstream(adapter, url: url, body: ByteBuffer(bytes: body))) }
            } catch {
                Self.noteCountFailed(error, target: target, services: services)
            }
            return (messages, .estimated(TokenEstimator.estimate(messages)))
        }
        let count: Int
        switch counting {
        case .estimated(let estimate):
            count = estimate
        case .upstream(let adapter, let url, let body):
            if let counted = await upstreamCount(body, to: url, through: adapter, target: target, key: key, services: services) {
                count = counted
            } else {
                count = await BulkWorkExecutor.run(forBytes: size) { TokenEstimator.estimate(messages) }
            }
        }
        var answer: JSONObject = ["input_tokens": .int(count)]
        if let edits = messages.contextEdits { answer["context_management"] = edits.countTokensJSON(inputTokens: count) }
        return .response(.json(.object(answer)), usage: Usage(inputTokens: count))
    }

    /// How a request's input tokens are counted: by the upstream, sent this request through this
    /// adapter, or by the local estimate, made.
    private enum Counting: Sendable {
        case upstream(Adapter, url: String, body: ByteBuffer)
        case estimated(Int)
    }

    /// The upstream's count, nil when it could not give one.
    private func upstreamCount(
        _ body: ByteBuffer, to url: String, through adapter: Adapter, target: RouteTarget, key: String?, services: ProxyServices
    ) async -> Int? {
        do throws(UpstreamFailure) {
            let response = try await services.sendTranslated(body, to: url, through: adapter, key: key, stream: false, target: target)
            return adapter.tokenCount(fromReply: try await services.replyJSON(response, target: target))
        } catch {
            Self.noteCountFailed(error.clientError, target: target, services: services)
            return nil
        }
    }

    private static func noteCountFailed(_ error: AnthropicError, target: RouteTarget, services: ProxyServices) {
        services.logger.notice("\(target.qualifiedModel) countTokens failed (\(services.redactor.redact(error.message))); answering with the local estimate")
    }

    /// Makes a compaction's request (`messages`) and translates it as bulk work, off the event
    /// loop, as the client's request of `size` bytes was.
    private static func translate(
        bulk size: Int, _ messages: @escaping @Sendable () -> MessagesRequest, target: RouteTarget, key: String?, services: ProxyServices
    ) async throws(UpstreamFailure) -> Translation {
        try await BulkWorkExecutor.run(forBytes: size) { () async throws(UpstreamFailure) in
            try await translate(messages(), target: target, key: key, services: services)
        }
    }

    /// `messages` translated, with the body to send made.
    private static func translate(_ messages: MessagesRequest, target: RouteTarget, key: String?, services: ProxyServices) async throws(UpstreamFailure) -> Translation {
        let adapter = Adapter(request: messages, target: target, catalog: services.catalog)
        return Translation(messages: messages, adapter: adapter, first: try await prepare(adapter, target: target, key: key, services: services))
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
