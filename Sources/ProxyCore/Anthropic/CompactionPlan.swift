/// Server-side compaction (`compact_20260112`) on the backends that translate, run as Anthropic
/// runs it: once the prompt is over the trigger, the upstream model is first asked for a summary
/// of the whole conversation (`summaryRequest`), then the reply is written from that summary and
/// the turn being answered (`compacted(summary:)`). The reply opens with the summary in a
/// `compaction` block, which the client keeps in its history; `CompactedHistory` reads it back in
/// place of everything before it. With `pause_after_compaction`, the compaction is the whole reply.
package struct CompactionPlan: Sendable {
    /// The request that asks the upstream for the summary: the conversation, then the instructions.
    package let summaryRequest: MessagesRequest
    package let pausesAfterCompaction: Bool
    /// The compaction block's `tool_changes`: what the conversation it stands in for did to the
    /// tools `tools` declares (the SDK's tool runner keeps the block in place of that
    /// conversation, and reads the tools in effect from it, as the proxy does).
    package let toolChanges: [ToolChange]
    private let request: MessagesRequest
    /// Where the turn being answered starts; the reply is written from it and the summary.
    private let turnStart: Int

    /// The proxy's summary prompt, for a compaction without `instructions`.
    package static let defaultInstructions = """
        Write a summary of the conversation so far, to stand in for it from now on: whoever reads \
        only the summary must be able to carry on the work. Keep the user's requests and \
        constraints, what was done and found (files, commands, results, decisions, errors and \
        their fixes), what is in progress, and what comes next. Be complete but concise, and \
        write only the summary.
        """

    /// The summary's length limit.
    static let summaryMaxTokens = 8_192

    /// The plan for `request`; nil when it asks for no compaction, its prompt is not over the
    /// trigger (by the proxy's estimate), or nothing comes before the turn being answered. A
    /// compaction asked for on demand summarises the whole conversation, and is the whole reply.
    package init?(_ request: MessagesRequest) {
        let instructions: String?
        if let onDemand = request.onDemandCompaction {
            turnStart = request.messages.count
            pausesAfterCompaction = true
            instructions = onDemand.instructions
        } else {
            guard let compaction = request.contextManagement?.compaction, let turnStart = Self.turnStart(request.messages), turnStart > 0,
                TokenEstimator.estimate(request) > compaction.trigger
            else { return nil }
            self.turnStart = turnStart
            pausesAfterCompaction = compaction.pausesAfterCompaction
            instructions = compaction.instructions
        }
        self.request = request
        // A conversation without tool changes can still have loaded deferred tools (tool search),
        // which the block adds by name: what loaded them is summarised away.
        toolChanges = request.toolChangesInConversation ?? request.tools.filter(\.deferLoading).map { .addition(.named($0.name)) }
        var summarising = request
        let instructionsTurn = MessagesRequest.Message(role: .user, content: [.text(instructions ?? Self.defaultInstructions)])
        summarising.replaceMessages(with: request.messages.indices.map { .kept($0) } + [.added(instructionsTurn)])
        summarising.maxTokens = Self.summaryMaxTokens
        // Streamed when the client's reply is: the client's stream then starts as soon as the
        // upstream has taken the request, and flows (pings) while the summary is written.
        summarising.stream = request.stream
        summarising.toolChoice = MessagesRequest.ToolChoice.none
        summarising.serverTools = []
        summarising.stopSequences = []
        summarising.outputSchema = nil
        summarising.thinking = .disabled
        summarising.thinkingDisplay = .shown
        summarising.contextManagement = nil
        summarising.contextEdits = nil
        summarising.onDemandCompaction = nil
        summaryRequest = summarising
    }

    /// Whether the client asked for the reply streamed.
    package var streams: Bool { request.stream }

    /// What context editing did to the request, which its reply reports.
    package var contextEdits: ContextEditReport? { request.contextEdits }

    /// The turn being answered: the last user message, with the tool calls it answers (a tool
    /// result must follow its call).
    private static func turnStart(_ messages: [MessagesRequest.Message]) -> Int? {
        guard let last = messages.lastIndex(where: { $0.role == .user }) else { return nil }
        let answersToolCalls = messages[last].content.contains { if case .toolResult = $0 { true } else { false } }
        return answersToolCalls && last > 0 && messages[last - 1].role == .assistant ? last - 1 : last
    }

    /// The summary the upstream wrote: its reply's text, nil when it wrote none (the compaction
    /// failed, and the conversation goes on whole).
    package static func summary(in reply: AnthropicMessage) -> String? {
        let text = reply.content.compactMap { block -> String? in
            switch block {
            case .text(let text), .citedText(let text, _): text
            default: nil
            }
        }.joined(separator: "\n\n").trimmingWhitespace()
        return text.isEmpty ? nil : text
    }

    /// The request the reply is written from: the summary in place of what it summarises, or the
    /// whole conversation when there is none; no compaction asked of it again.
    package func compacted(summary: String?) -> MessagesRequest {
        var compacted = request
        compacted.contextManagement?.edits.removeAll { if case .compact = $0 { true } else { false } }
        guard let summary else { return compacted }
        compacted.replaceMessages(with: [.added(CompactedHistory.summaryTurn(summary))] + request.messages[turnStart...].indices.map { .kept($0) })
        return compacted
    }

    /// The reply with `pause_after_compaction`: the compaction alone, billed as the summary was.
    package func pausedReply(summarising reply: AnthropicMessage) -> AnthropicMessage {
        var paused = AnthropicMessage(
            id: reply.id, model: reply.model, content: [.compaction(Self.summary(in: reply), toolChanges: toolChanges)], stopReason: .compaction,
            usage: Self.pausedUsage(summarising: reply.usage))
        paused.contextManagement = contextEdits
        return paused
    }

    /// A paused reply's usage: as Anthropic writes it, its own counts are zero and `iterations`
    /// holds the compaction's.
    package static func pausedUsage(summarising usage: Usage) -> Usage {
        Usage(compaction: usage.counts)
    }

    /// The rest of the compaction block: its summary, whole, and its end.
    package static func blockEnd(summary: String?) -> [AnthropicStreamEvent] {
        [.contentBlockDelta(index: 0, delta: .compaction(summary)), .contentBlockStop(index: 0)]
    }

    /// A streamed reply's opening, written before the summary: the translator's `opening`
    /// (`message_start`, a ping), then the compaction block's start, at index 0, with its tool
    /// changes and no summary yet.
    package func streamOpening(_ opening: [AnthropicStreamEvent]) -> [AnthropicStreamEvent] {
        opening + [.contentBlockStart(index: 0, block: .compaction(toolChanges: toolChanges))]
    }

    /// A streamed paused reply's last events, after the compaction block.
    package func pausedClosing(summarising usage: Usage) -> [AnthropicStreamEvent] {
        [.messageDelta(stopReason: .compaction, stopSequence: nil, usage: Self.pausedUsage(summarising: usage), contextManagement: contextEdits), .messageStop]
    }

    /// `message`'s usage with the compaction's beside it.
    package static func usage(_ message: Usage, afterCompaction compaction: Usage) -> Usage {
        var usage = message
        usage.compaction = compaction.counts
        return usage
    }

    /// A whole reply written after a compaction: the compaction's block first.
    package func reply(_ message: AnthropicMessage, afterCompaction summary: String?, usage compaction: Usage) -> AnthropicMessage {
        var reply = message
        reply.content.insert(.compaction(summary, toolChanges: toolChanges), at: 0)
        reply.usage = Self.usage(message.usage, afterCompaction: compaction)
        return reply
    }
}
