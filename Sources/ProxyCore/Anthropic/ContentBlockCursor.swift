/// Where a translated stream stands in Anthropic's block grammar: which block is open, and the
/// index its events carry. Blocks never interleave and their indexes count up from 0, so every
/// provider's stream translator keeps exactly this bookkeeping.
struct ContentBlockCursor<Kind: Equatable & Sendable>: Sendable {
    private(set) var openKind: Kind?
    /// The open block's index, or the next block's when none is open.
    private(set) var index = 0

    /// No block has been opened yet.
    var isEmpty: Bool { index == 0 && openKind == nil }

    /// Goes on with the open block when it is of `kind`; otherwise closes it and opens a new one.
    mutating func `continue`(_ kind: Kind, _ start: AnthropicStreamEvent.BlockStart) -> [AnthropicStreamEvent] {
        guard openKind != kind else { return [] }
        return self.start(kind, start)
    }

    /// Closes any open block and opens a new one.
    mutating func start(_ kind: Kind, _ start: AnthropicStreamEvent.BlockStart) -> [AnthropicStreamEvent] {
        let events = close()
        openKind = kind
        return events + [.contentBlockStart(index: index, block: start)]
    }

    /// A delta for the open block.
    func delta(_ delta: AnthropicStreamEvent.Delta) -> AnthropicStreamEvent {
        .contentBlockDelta(index: index, delta: delta)
    }

    mutating func close() -> [AnthropicStreamEvent] {
        guard openKind != nil else { return [] }
        openKind = nil
        defer { index += 1 }
        return [.contentBlockStop(index: index)]
    }

    /// A whole block at once, after closing any open one.
    mutating func whole(_ start: AnthropicStreamEvent.BlockStart, _ deltas: [AnthropicStreamEvent.Delta]) -> [AnthropicStreamEvent] {
        var events = close()
        events.append(.contentBlockStart(index: index, block: start))
        events += deltas.map { .contentBlockDelta(index: index, delta: $0) }
        events.append(.contentBlockStop(index: index))
        index += 1
        return events
    }

    /// A finished reply block as the events that build it, after closing any open one; blocks
    /// that are never in a reply (images, documents, tool results) make none.
    mutating func whole(_ block: ContentBlock) -> [AnthropicStreamEvent] {
        switch block {
        case .text(let text): whole(.text, [.text(text)])
        case .citedText(let text, let citations): whole(.citedText, citations.map(AnthropicStreamEvent.Delta.citation) + [.text(text)])
        case .thinking(let text, let signature): whole(.thinking, [.thinking(text)] + (signature.isEmpty ? [] : [.signature(signature)]))
        case .redactedThinking(let data): whole(.redactedThinking(data: data), [])
        case .toolUse(let id, let name, let input): whole(.toolUse(id: id, name: name), [.inputJSON(JSONWriter.string(input))])
        case .serverToolUse(let id, let name, let input): whole(.serverToolUse(id: id, name: name), [.inputJSON(JSONWriter.string(input))])
        case .webSearchToolResult(let id, let content): whole(.webSearchToolResult(toolUseID: id, content: content), [])
        case .compaction(let summary, let toolChanges): whole(.compaction(toolChanges: toolChanges), [.compaction(summary)])
        case .image, .document, .toolResult: []
        }
    }
}
