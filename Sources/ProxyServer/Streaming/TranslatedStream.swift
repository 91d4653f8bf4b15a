import AsyncHTTPClient
import ProxyCore

/// Relays an upstream's event stream to the client through a provider's stream translator, event by
/// event: pings while the upstream is silent, an error event (and the upstream connection closed)
/// when it stays silent past the idle timeout, cuts or transport failures, and how the stream ended. The upstream request is cancelled as soon as the client goes away.
enum TranslatedStream {
    /// Sends the upstream request again, for a translator that wants another upstream stream.
    typealias Resend = @Sendable () async throws(AnthropicError) -> HTTPClientResponse

    static func outcome<Translator: UpstreamStreamTranslator>(
        _ response: HTTPClientResponse, translator: Translator, target: RouteTarget, services: ProxyServices, resend: Resend? = nil
    ) -> ExchangeOutcome {
        .stream(status: .ok, headers: .eventStream(upstreamModel: target.qualifiedModel)) { sink in
            let configuration = services.configuration
            let output = StreamOutput(sink, pingInterval: configuration.pingInterval, redactor: services.redactor)
            var translator = translator
            try output.write(translator.start())
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await output.keepAlive() }
                group.addTask { try await output.watchUpstream(timeout: configuration.idleTimeout) }
                group.addTask { await output.endBeforeShutdownDeadline(grace: configuration.shutdownGracePeriod) }
                group.addTask { [translator] in
                    try await relay(response, translator: translator, to: output, target: target, resend: resend)
                }
                do {
                    try await group.next()
                } catch is StreamOutput.UpstreamIdle {
                    let seconds = configuration.idleTimeout.components.seconds
                    try output.write([
                        .error(AnthropicError(.timeout, "The \(target.provider.displayName) upstream sent nothing for \(seconds) s (IDLE_TIMEOUT_SECONDS); the reply is incomplete.", status: 504))
                    ])
                }
                group.cancelAll()
            }
            return output.ending
        }
    }

    private static func relay<Translator: UpstreamStreamTranslator>(
        _ response: HTTPClientResponse, translator: Translator, to output: StreamOutput, target: RouteTarget, resend: Resend?
    ) async throws {
        var translator = translator
        var parser = SSEParser()
        var iterator = response.body.makeAsyncIterator()
        while !translator.isFinished {
            var events: [AnthropicStreamEvent]
            var upstreamEnded = false
            do {
                if let chunk = try await iterator.next() {
                    output.noteUpstreamActivity()
                    events = parser.feed(chunk.readableBytesView).flatMap { translator.consume($0) }
                } else {
                    upstreamEnded = true
                    events = parser.finish().flatMap { translator.consume($0) }
                    if !translator.wantsAnotherUpstreamStream || resend == nil { events += translator.finish() }
                }
            } catch {
                try Task.checkCancellation()
                events = translator.fail(UpstreamClient.transportError(error, target: target).clientError)
            }
            try output.write(events)
            if upstreamEnded, translator.wantsAnotherUpstreamStream, let resend {
                // The reply goes on from a second upstream stream, in the same message.
                do {
                    let another = try await resend()
                    output.noteUpstreamActivity()
                    translator.continueWithAnotherUpstreamStream()
                    parser = SSEParser()
                    iterator = another.body.makeAsyncIterator()
                } catch {
                    try output.write(translator.fail(error))
                }
            }
        }
    }
}
