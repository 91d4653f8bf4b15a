/// A stream translator that tells the client what context editing did to its request, as
/// Anthropic does: in the final `message_delta`'s `context_management`. Every other event is the
/// wrapped translator's own.
package struct ContextEditReportStreamTranslator<Wrapped: UpstreamStreamTranslator>: UpstreamStreamTranslator {
    private var wrapped: Wrapped
    private let report: ContextEditReport?

    /// - Parameter report: nil when the request asked for no edits; its replies say nothing then.
    package init(_ wrapped: Wrapped, report: ContextEditReport?) {
        self.wrapped = wrapped
        self.report = report
    }

    package mutating func start() -> [AnthropicStreamEvent] {
        wrapped.start()
    }

    package mutating func consume(_ event: SSEEvent) -> StreamStep {
        reporting(wrapped.consume(event))
    }

    package mutating func finish() -> StreamStep {
        reporting(wrapped.finish())
    }

    package mutating func fail(_ error: AnthropicError) -> StreamStep {
        reporting(wrapped.fail(error))
    }

    private func reporting(_ step: StreamStep) -> StreamStep {
        guard let report else { return step }
        return step.mappingEvents { events in
            events.map { event in
                guard case .messageDelta(let stopReason, let stopSequence, let usage, _) = event else { return event }
                return .messageDelta(stopReason: stopReason, stopSequence: stopSequence, usage: usage, contextManagement: report)
            }
        }
    }
}
