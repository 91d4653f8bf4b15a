/// A stream translator that changes what another one emits, step by step: the client-facing
/// layers around a provider's translator (thinking display, context edits, compaction) forward
/// each input to it and adjust each step it answers.
package protocol WrappingStreamTranslator: UpstreamStreamTranslator {
    associatedtype Wrapped: UpstreamStreamTranslator
    /// The translator whose steps are adjusted.
    var wrapped: Wrapped { get set }
    /// `step` as the client is to get it.
    mutating func adjusted(_ step: StreamStep) -> StreamStep
}

extension WrappingStreamTranslator {
    package mutating func start() -> [AnthropicStreamEvent] {
        wrapped.start()
    }

    package mutating func consume(_ event: SSEEvent) -> StreamStep {
        adjusted(wrapped.consume(event))
    }

    package mutating func finish() -> StreamStep {
        adjusted(wrapped.finish())
    }

    package mutating func fail(_ error: AnthropicError) -> StreamStep {
        adjusted(wrapped.fail(error))
    }
}
