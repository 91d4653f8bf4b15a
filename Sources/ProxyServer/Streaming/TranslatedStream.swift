import AsyncHTTPClient
import ProxyCore

/// Relays an upstream's event stream to the client through a provider's stream translator, event by
/// event, doing what each of the translator's steps says: write, send the request again, or end.
/// Pings while the upstream is silent, an error event (and the upstream connection closed) when it
/// stays silent past the idle timeout, cuts or transport failures; the producer returns how the
/// stream ended. The upstream request is cancelled as soon as the client goes away.
enum TranslatedStream {
    /// Sends the upstream request again, for a translator that answers `.emitAndResend`.
    typealias Resend = @Sendable () async throws(AnthropicError) -> HTTPClientResponse

    /// For translators that never ask for the request again.
    static let noResend: Resend = { () async throws(AnthropicError) -> HTTPClientResponse in
        throw AnthropicError(.api, "The upstream's reply asked for the request to be sent again, which this provider does not do; the reply is incomplete.", status: 502)
    }

    /// Says what went wrong with an upstream stream that ended without one event, from the bytes it
    /// sent instead (at most `unparsedBytesKept`; none for an empty body).
    typealias WithoutEvents = @Sendable (_ body: [UInt8]) -> AnthropicError

    /// How much of a body that is not an event stream is kept to say what it was.
    static let unparsedBytesKept = 4096

    static func outcome<Translator: UpstreamStreamTranslator>(
        _ response: HTTPClientResponse, translator: Translator, target: RouteTarget, services: ProxyServices,
        withoutEvents: @escaping WithoutEvents, resend: @escaping Resend = noResend
    ) -> ExchangeOutcome {
        .stream(status: .ok, headers: .eventStream(upstreamModel: target.qualifiedModel)) { sink in
            let output = StreamOutput(sink, to: target, services: services, pings: true)
            var translator = translator
            try output.write(translator.start())
            return try await output.run { [translator] in
                try await relay(response, translator: translator, to: output, target: target, withoutEvents: withoutEvents, resend: resend)
            }
        }
    }

    /// Relays `response` through `translator` to `output`; returns how the stream ended.
    static func relay<Translator: UpstreamStreamTranslator, Destination: StreamDestination>(
        _ response: HTTPClientResponse, translator: Translator, to output: Destination, target: RouteTarget, withoutEvents: WithoutEvents,
        resend: Resend
    ) async throws -> StreamEnding {
        var translator = translator
        var parser = SSEParser()
        var iterator = response.body.makeAsyncIterator()
        /// Until the upstream's stream has sent an event: the start of what it sent instead.
        var unparsed: [UInt8]? = []

        /// The step for the upstream's next chunk, or for its end: its events' steps in order, up
        /// to the first that is not `.emit` (what follows belongs to a stream that is over).
        func nextStep() async throws -> StreamStep {
            do {
                guard let chunk = try await iterator.next() else {
                    let remaining = parser.finish()
                    if let unparsed, remaining.isEmpty { return translator.fail(withoutEvents(unparsed)) }
                    let step = consume(remaining)
                    guard case .emit(let events) = step else { return step }
                    return translator.finish().prepending(events)
                }
                output.noteUpstreamActivity()
                let events = parser.feed(chunk.readableBytesView)
                if events.isEmpty, let kept = unparsed {
                    unparsed = kept + chunk.readableBytesView.prefix(unparsedBytesKept - kept.count)
                } else if !events.isEmpty {
                    unparsed = nil
                }
                return consume(events)
            } catch {
                try Task.checkCancellation()
                return translator.fail(UpstreamClient.transportError(error, target: target).clientError)
            }
        }

        func consume(_ events: [SSEEvent]) -> StreamStep {
            var written: [AnthropicStreamEvent] = []
            for event in events {
                switch translator.consume(event) {
                case .emit(let more): written += more
                case let step: return step.prepending(written)
                }
            }
            return .emit(written)
        }

        var step = try await nextStep()
        while true {
            switch step {
            case .emit(let events):
                try output.write(events)
                step = try await nextStep()
            case .emitAndResend(let events):
                try output.write(events)
                // The reply goes on from a second upstream stream, in the same message.
                do {
                    let another = try await resend()
                    output.noteUpstreamActivity()
                    parser = SSEParser()
                    iterator = another.body.makeAsyncIterator()
                    unparsed = []
                } catch {
                    step = translator.fail(error)
                    continue
                }
                step = try await nextStep()
            case .end(let events, let ending):
                return try output.end(events, ending)
            }
        }
    }
}
