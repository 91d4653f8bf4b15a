/// A stream translator that tells the client what the proxy found of its request, where Anthropic
/// does: what context editing did, in the final `message_delta`'s `context_management`; what cache
/// diagnostics found, in `message_start`'s `diagnostics`. Every other event is the wrapped
/// translator's own.
package struct RequestReportStreamTranslator<Wrapped: UpstreamStreamTranslator>: WrappingStreamTranslator {
    package var wrapped: Wrapped
    private let contextEdits: ContextEditReport?
    private let cacheDiagnostics: CacheDiagnosticsTurn?

    /// - Parameters:
    ///   - contextEdits: nil when the request asked for no edits; its replies say nothing then.
    ///   - cacheDiagnostics: nil when the request asked for none.
    package init(_ wrapped: Wrapped, contextEdits: ContextEditReport?, cacheDiagnostics: CacheDiagnosticsTurn?) {
        self.wrapped = wrapped
        self.contextEdits = contextEdits
        self.cacheDiagnostics = cacheDiagnostics
    }

    package mutating func start() -> [AnthropicStreamEvent] {
        let opening = wrapped.start()
        return cacheDiagnostics?.opening(opening) ?? opening
    }

    package func adjusted(_ step: StreamStep) -> StreamStep {
        // Only the last step has a `message_delta`: the others go as they are, not copied.
        guard let contextEdits, step.events.contains(where: { if case .messageDelta = $0 { true } else { false } }) else { return step }
        return step.mappingEvents { events in
            events.map { event in
                guard case .messageDelta(let stopReason, let stopSequence, let usage, _, let stopDetails) = event else { return event }
                return .messageDelta(stopReason: stopReason, stopSequence: stopSequence, usage: usage, contextManagement: contextEdits, stopDetails: stopDetails)
            }
        }
    }
}
