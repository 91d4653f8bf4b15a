/// The `compaction` parameter (beta `compact-2026-09-04`, which the SDK's tool runner sends for
/// `compact_before_next_turn()`): the request asks for no reply, only a summary of the whole
/// conversation, in a `compaction` block alone (`stop_reason: "compaction"`) that later requests
/// send first in place of what it summarises. Run by `CompactionPlan`.
package struct OnDemandCompaction: Sendable, Equatable {
    /// The summary's prompt, in place of the proxy's own; nil when absent, empty or only whitespace.
    package var instructions: String?

    package init(instructions: String? = nil) {
        self.instructions = instructions
    }

    /// The parameter of `body`, decoded for `request` (all its other fields decoded); what only
    /// shapes a reply, which a compaction request has none of, is refused as Anthropic refuses it.
    static func decode(_ json: JSONValue?, for request: MessagesRequest) throws(AnthropicError) -> OnDemandCompaction? {
        guard let json, !json.isNull else { return nil }
        let reader = try FieldReader(json, path: "compaction")
        let type = try reader.string("type")
        guard type == "summarize" else { throw FieldReader.problem("compaction.type", "must be 'summarize', not '\(type)'") }
        let forcesATool = switch request.toolChoice {
        case .any?, .tool?: true
        default: false
        }
        let conflicting: [(sent: Bool, field: String)] = [
            (request.contextManagement != nil, "context_management"), (!request.stopSequences.isEmpty, "stop_sequences"),
            (request.outputSchema != nil, "output_config.format"), (forcesATool, "tool_choice"),
        ]
        if let field = conflicting.first(where: \.sent)?.field {
            throw FieldReader.problem(field, "cannot be sent with compaction: a compaction request returns the compaction block alone, no reply")
        }
        if let last = request.messages.last, last.role == .assistant, last.content.contains(where: { if case .toolUse = $0 { true } else { false } }) {
            throw FieldReader.problem(
                "messages", "the last turn has tool calls without results; send their results (or leave the turn out) before compacting")
        }
        let instructions = try reader.optionalString("instructions")
        return OnDemandCompaction(instructions: instructions?.trimmingWhitespace().isEmpty == false ? instructions : nil)
    }
}
