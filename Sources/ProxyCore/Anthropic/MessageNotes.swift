/// What a message says of the conversation beyond its own content, which the request applies
/// across its messages once they are decoded (`apply(_:to:)`).
package struct MessageNotes: Sendable, Equatable {
    /// What its compaction blocks came to (see `CompactedHistory`).
    package var compaction: CompactedHistory.Mark?
    /// A system message's tool changes, in order.
    package var toolChanges: [ToolChange] = []
    /// A system message shown only until a user message follows (`clear_at: "next_user_message"`).
    package var clearsAtNextUserMessage = false
    /// A system message's `output_config.effort`, for the turn that follows it.
    package var effort: String?

    package init() {}

    package var isEmpty: Bool { self == MessageNotes() }

    private var changesTools: Bool {
        guard case .summary(_, _?)? = compaction else { return !toolChanges.isEmpty }
        return true
    }

    /// `notes` (one per message of `request`, as decoded) applied: the prompt starts at the last
    /// compaction with a summary, which comes first; messages left empty by their compaction
    /// blocks, and system messages cleared by a later user message, are left out (unchanged
    /// messages keep their decodings); the tools offered are those in effect at the end
    /// (`declared`: the request's `tools`; `loaded`: the deferred ones loaded); a system message
    /// that closes the conversation sets the reply's effort.
    static func apply(
        _ notes: [MessageNotes], declared: [MessagesRequest.DeclaredTool], loaded: Set<String>, to request: inout MessagesRequest
    ) throws(AnthropicError) {
        if notes.contains(where: \.changesTools) {
            var available = AvailableTools(declared: declared, loaded: loaded)
            for (index, note) in notes.enumerated() {
                if case .summary(_, let toolChanges?)? = note.compaction {
                    available.restart()
                    for change in toolChanges { try available.apply(change, path: "messages.\(index).content") }
                }
                for change in note.toolChanges { try available.apply(change, path: "messages.\(index).content") }
            }
            (request.tools, request.serverTools) = available.tools
            request.toolChangesInConversation = available.changes
        }
        let lastUser = request.messages.lastIndex { $0.role == .user } ?? -1
        if let effort = notes.indices.last(where: { $0 > lastUser && notes[$0].effort != nil }).flatMap({ notes[$0].effort }) {
            request.effort = effort
        }
        guard notes.contains(where: { $0.compaction != nil || $0.clearsAtNextUserMessage }) else { return }
        var sources: [MessagesRequest.MessageSource] = []
        var start = 0
        var summarised = false
        if let last = notes.lastIndex(where: { if case .summary = $0.compaction { true } else { false } }), case .summary(let summary, _)? = notes[last].compaction {
            start = last
            summarised = true
            sources.append(.added(CompactedHistory.summaryTurn(summary)))
        }
        for index in start..<request.messages.count {
            let emptiedByCompaction = notes[index].compaction != nil && request.messages[index].content.isEmpty
            let cleared = notes[index].clearsAtNextUserMessage && index < lastUser
            if !emptiedByCompaction && !cleared { sources.append(.kept(index)) }
        }
        if summarised || sources.count != request.messages.count { request.replaceMessages(with: sources) }
    }
}
