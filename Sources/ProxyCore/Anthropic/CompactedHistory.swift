/// Compaction blocks in a conversation's history (Anthropic's server-side compaction,
/// `compact_20260112`), read as Anthropic reads them: the prompt starts at the last compaction
/// that has a summary, and everything before it is left out. The summary reaches the upstream
/// model as a user turn of its own. A compaction without a summary (one that failed) is a no-op.
package enum CompactedHistory {
    /// What a message's compaction blocks came to.
    package enum Mark: Sendable, Equatable {
        /// The message's last compaction block with a summary: the blocks before it are gone.
        case summary(String)
        /// Its compaction blocks had no summary, and were left out.
        case noSummary
    }

    /// How the upstream model is told what the summary is.
    static func summaryTurn(_ summary: String) -> MessagesRequest.Message {
        MessagesRequest.Message(role: .user, content: [.text("This conversation was compacted; a summary of what came before it:\n\n\(summary)")])
    }

    /// A message's content blocks with its compaction blocks read: those after its last one with
    /// a summary (nil: none), without the compaction blocks, and what they came to.
    static func blocksAfterCompaction(_ blocks: [JSONValue], path: String) throws(AnthropicError) -> (blocks: [JSONValue], mark: Mark) {
        var summary: (index: Int, text: String)?
        for (index, block) in blocks.enumerated() where block["type"] == "compaction" {
            switch block["content"] {
            case nil, .null?: continue
            case .string(let text)? where !text.isEmpty: summary = (index, text)
            case .string?: throw FieldReader.problem("\(path).\(index).content", "must not be empty; a compaction that failed has null content")
            case let other?: throw FieldReader.problem("\(path).\(index).content", "must be a string or null, not \(other.typeName)")
            }
        }
        let kept = blocks[((summary?.index ?? -1) + 1)...].filter { $0["type"] != "compaction" }
        return (Array(kept), summary.map { .summary($0.text) } ?? .noSummary)
    }

    /// `request`'s messages from the last compaction with a summary on, the summary first; a
    /// message that held only compaction blocks is left out. Unchanged messages keep their decodings.
    static func apply(_ marks: [Mark?], to request: inout MessagesRequest) {
        guard marks.contains(where: { $0 != nil }) else { return }
        var sources: [MessagesRequest.MessageSource] = []
        var start = 0
        if let last = marks.lastIndex(where: { if case .summary = $0 { true } else { false } }), case .summary(let summary)? = marks[last] {
            start = last
            sources.append(.added(summaryTurn(summary)))
        }
        for index in start..<request.messages.count where marks[index] == nil || !request.messages[index].content.isEmpty {
            sources.append(.kept(index))
        }
        request.replaceMessages(with: sources)
    }
}
