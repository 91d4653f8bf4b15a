/// A stream translator for a reply written after a compaction (see `CompactionPlan`): the
/// compaction's block comes first, whole, right after `message_start`; the wrapped translator's
/// blocks follow one index on, and the final `message_delta`'s usage carries the compaction's
/// counts (`usage.iterations`).
package struct CompactionStreamTranslator<Wrapped: UpstreamStreamTranslator>: WrappingStreamTranslator {
    package var wrapped: Wrapped
    private let summary: String?
    private let compactionUsage: Usage

    /// - Parameters:
    ///   - summary: the compaction's summary, nil when it failed.
    ///   - compactionUsage: what asking for the summary took.
    package init(_ wrapped: Wrapped, summary: String?, compactionUsage: Usage) {
        self.wrapped = wrapped
        self.summary = summary
        self.compactionUsage = compactionUsage
    }

    package mutating func start() -> [AnthropicStreamEvent] {
        wrapped.start() + CompactionPlan.blockEvents(summary: summary)
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
        case .messageDelta(let stopReason, let stopSequence, let usage, let contextManagement):
            .messageDelta(
                stopReason: stopReason, stopSequence: stopSequence, usage: CompactionPlan.usage(usage, afterCompaction: compactionUsage),
                contextManagement: contextManagement)
        default: event
        }
    }
}
