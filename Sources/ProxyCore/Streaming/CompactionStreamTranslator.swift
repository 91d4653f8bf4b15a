/// A stream translator for a reply written after a compaction (see `CompactionPlan`): the reply's
/// opening and the compaction's block were written while the summary was made, so the wrapped
/// translator's opening is not written again; its blocks follow one index on, and the final
/// `message_delta`'s usage carries the compaction's counts (`usage.iterations`).
package struct CompactionStreamTranslator<Wrapped: UpstreamStreamTranslator>: WrappingStreamTranslator {
    package var wrapped: Wrapped
    private let compactionUsage: Usage

    /// - Parameter compactionUsage: what asking for the summary took.
    package init(_ wrapped: Wrapped, compactionUsage: Usage) {
        var started = wrapped
        // Started here, so that its opening is never written (a translator writes it on its first
        // event otherwise).
        _ = started.start()
        self.wrapped = started
        self.compactionUsage = compactionUsage
    }

    package func start() -> [AnthropicStreamEvent] {
        []
    }

    package func adjusted(_ step: StreamStep) -> StreamStep {
        let shifted = step.mappingEvents { events in events.map(following) }
        guard case .end(let events, let ending) = shifted else { return shifted }
        switch ending {
        case .completed(let usage): return .end(events, .completed(CompactionPlan.usage(usage, afterCompaction: compactionUsage)))
        case .failed(let error, let usage): return .end(events, .failed(error, usage: CompactionPlan.usage(usage ?? Usage(), afterCompaction: compactionUsage)))
        }
    }

    private func following(_ event: AnthropicStreamEvent) -> AnthropicStreamEvent {
        switch event {
        case .contentBlockStart(let index, let block): .contentBlockStart(index: index + 1, block: block)
        case .contentBlockDelta(let index, let delta): .contentBlockDelta(index: index + 1, delta: delta)
        case .contentBlockStop(let index): .contentBlockStop(index: index + 1)
        case .messageDelta(let stopReason, let stopSequence, let usage, let contextManagement, let stopDetails):
            .messageDelta(
                stopReason: stopReason, stopSequence: stopSequence, usage: CompactionPlan.usage(usage, afterCompaction: compactionUsage),
                contextManagement: contextManagement, stopDetails: stopDetails)
        default: event
        }
    }
}
