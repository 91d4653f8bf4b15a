/// A stream translator that tells the client what context editing did to its request, as
/// Anthropic does: in the final `message_delta`'s `context_management`. Every other event is the
/// wrapped translator's own.
package struct ContextEditReportStreamTranslator<Wrapped: UpstreamStreamTranslator>: WrappingStreamTranslator {
    package var wrapped: Wrapped
    private let report: ContextEditReport?

    /// - Parameter report: nil when the request asked for no edits; its replies say nothing then.
    package init(_ wrapped: Wrapped, report: ContextEditReport?) {
        self.wrapped = wrapped
        self.report = report
    }

    package func adjusted(_ step: StreamStep) -> StreamStep {
        // Only the last step has a `message_delta`: the others go as they are, not copied.
        guard let report, step.events.contains(where: { if case .messageDelta = $0 { true } else { false } }) else { return step }
        return step.mappingEvents { events in
            events.map { event in
                guard case .messageDelta(let stopReason, let stopSequence, let usage, _) = event else { return event }
                return .messageDelta(stopReason: stopReason, stopSequence: stopSequence, usage: usage, contextManagement: report)
            }
        }
    }
}
