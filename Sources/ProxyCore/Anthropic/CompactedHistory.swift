/// Compaction blocks in a conversation's history (Anthropic's server-side compaction,
/// `compact_20260112`), read as Anthropic reads them: the prompt starts at the last compaction
/// that has a summary, and everything before it is left out. The summary reaches the upstream
/// model as a user turn of its own. A compaction without a summary (one that failed) is a no-op.
package enum CompactedHistory {
    /// What a message's compaction blocks came to.
    package enum Mark: Sendable, Equatable {
        /// The message's last compaction block with a summary: the blocks before it are gone. Its
        /// `tool_changes` take the request's `tools` to the tools in effect where it was made
        /// (nil when it has none: the changes before it still hold).
        case summary(String, toolChanges: [ToolChange]?)
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
        guard let summary else { return (Array(kept), .noSummary) }
        return (Array(kept), .summary(summary.text, toolChanges: try toolChanges(blocks[summary.index]["tool_changes"], path: "\(path).\(summary.index).tool_changes")))
    }

    /// A compaction block's `tool_changes`: its MCP references, which only Anthropic's connector
    /// serves, are passed over.
    static func toolChanges(_ json: JSONValue?, path: String) throws(AnthropicError) -> [ToolChange]? {
        switch json {
        case nil, .null?: return nil
        case .array(let blocks)?:
            var changes: [ToolChange] = []
            for (index, block) in blocks.enumerated() {
                guard let type = block["type"]?.stringValue, ToolChange.blockTypes.contains(type) else {
                    throw FieldReader.problem("\(path).\(index).type", "must be tool_addition or tool_removal")
                }
                if !ToolChange.isMCPChange(block) { changes.append(try ToolChange.decode(block, path: "\(path).\(index)")) }
            }
            return changes
        case let other?: throw FieldReader.problem(path, "must be an array of tool_addition and tool_removal blocks, not \(other.typeName)")
        }
    }
}
