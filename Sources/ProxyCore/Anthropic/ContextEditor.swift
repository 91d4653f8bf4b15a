/// Applies a request's `context_management` edits to its conversation, as Anthropic does before
/// the model reads the prompt, for the backends that translate: older thinking blocks and older
/// tool results are taken out; the client's history is untouched, so each request is edited anew.
/// Token figures are the proxy's estimates (`TokenEstimator`).
struct ContextEditor {
    /// What a cleared tool result holds instead, so that the model knows a result was there.
    static let clearedToolResult = "[This tool result was cleared to save context.]"

    private var messages: [MessagesRequest.Message]
    private var changed: [Bool]

    private init(_ messages: [MessagesRequest.Message]) {
        self.messages = messages
        changed = Array(repeating: false, count: messages.count)
    }

    /// Applies `management` to `request`'s messages, keeping the decodings of those it leaves as
    /// they are (what a later turn reuses), and says which edits changed something.
    static func apply(_ management: ContextManagement, to request: inout MessagesRequest) -> ContextEditReport {
        guard management.edits.contains(where: \.editsConversation) else { return ContextEditReport(appliedEdits: []) }
        var editor = ContextEditor(request.messages)
        var applied: [ContextEditReport.AppliedEdit] = []
        // Counted only for a trigger in input tokens: Claude Code's edit (keep all thinking) needs none.
        let promptTokens = { [request] in TokenEstimator.estimate(request) - applied.reduce(0) { $0 + $1.clearedInputTokens } }
        for edit in management.edits {
            let outcome: ContextEditReport.AppliedEdit?
            switch edit {
            case .clearThinking(let keepTurns?): outcome = editor.clearThinking(keepingTurns: keepTurns)
            case .clearToolUses(let clearing): outcome = editor.clearToolUses(clearing, promptTokens: promptTokens)
            case .clearThinking(nil), .compact: outcome = nil
            }
            if let outcome { applied.append(outcome) }
        }
        editor.commit(to: &request)
        return ContextEditReport(appliedEdits: applied)
    }

    /// Takes the thinking blocks out of every assistant turn that has some but the last `turns`.
    private mutating func clearThinking(keepingTurns turns: Int) -> ContextEditReport.AppliedEdit? {
        let thinkingTurns = messages.indices.filter { messages[$0].role == .assistant && messages[$0].content.contains(where: Self.isThinking) }
        guard thinkingTurns.count > turns else { return nil }
        var tokens = 0
        for index in thinkingTurns.dropLast(turns) {
            for block in messages[index].content where Self.isThinking(block) { tokens += TokenEstimator.estimate(block) }
            messages[index].content.removeAll(where: Self.isThinking)
            changed[index] = true
        }
        return .clearedThinking(turns: thinkingTurns.count - turns, inputTokens: tokens)
    }

    /// Once the trigger is reached, replaces the results (and, where asked, the inputs) of all
    /// tool uses but the last `keep` with placeholders, oldest first; nothing when that clears
    /// fewer tokens than `clearAtLeast`.
    private mutating func clearToolUses(_ clearing: ContextManagement.ClearToolUses, promptTokens: () -> Int) -> ContextEditReport.AppliedEdit? {
        var uses: [(message: Int, block: Int, name: String)] = []
        var results: [String: (message: Int, block: Int)] = [:]
        for (messageIndex, message) in messages.enumerated() {
            for (blockIndex, block) in message.content.enumerated() {
                switch block {
                case .toolUse(_, let name, _) where message.role == .assistant: uses.append((messageIndex, blockIndex, name))
                case .toolResult(let id, _, _) where message.role == .user: results[id] = (messageIndex, blockIndex)
                default: continue
                }
            }
        }
        switch clearing.trigger {
        case .inputTokens(let limit): guard promptTokens() > limit else { return nil }
        case .toolUses(let limit): guard uses.count > limit else { return nil }
        }
        var edited = self
        var tokens = 0
        var count = 0
        for use in uses.filter({ !clearing.excludedTools.contains($0.name) }).dropLast(clearing.keep) {
            guard case .toolUse(let id, let name, let input) = messages[use.message].content[use.block] else { continue }
            var cleared = false
            if let result = results[id], case .toolResult(_, let content, let isError) = messages[result.message].content[result.block],
                content != [.text(Self.clearedToolResult)]
            {
                edited.replace(at: result, with: .toolResult(toolUseID: id, content: [.text(Self.clearedToolResult)], isError: isError), tokens: &tokens)
                cleared = true
            }
            if clearing.clearedInputs.clears(name), input != [:] {
                edited.replace(at: (use.message, use.block), with: .toolUse(id: id, name: name, input: [:]), tokens: &tokens)
                cleared = true
            }
            if cleared { count += 1 }
        }
        guard count > 0, tokens >= clearing.clearAtLeast ?? 0 else { return nil }
        self = edited
        return .clearedToolUses(count: count, inputTokens: max(tokens, 0))
    }

    /// Puts `block` in place of the one at `position`, adding the tokens that saves to `tokens`.
    private mutating func replace(at position: (message: Int, block: Int), with block: ContentBlock, tokens: inout Int) {
        tokens += TokenEstimator.estimate(messages[position.message].content[position.block]) - TokenEstimator.estimate(block)
        messages[position.message].content[position.block] = block
        changed[position.message] = true
    }

    /// The edited messages into `request`: a message left empty (a turn that held only thinking)
    /// is dropped; an unchanged one keeps its decoding.
    private func commit(to request: inout MessagesRequest) {
        guard changed.contains(true) else { return }
        request.replaceMessages(
            with: messages.indices.compactMap { index in
                guard changed[index] else { return .kept(index) }
                return messages[index].content.isEmpty ? nil : .edited(index, into: messages[index])
            })
    }

    private static func isThinking(_ block: ContentBlock) -> Bool {
        switch block {
        case .thinking, .redactedThinking: true
        default: false
        }
    }
}
