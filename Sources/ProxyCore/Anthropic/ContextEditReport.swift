/// What context editing did to a request: the reply's `context_management` (the final
/// `message_delta`'s when streamed), and what `count_tokens` reports beside its count.
package struct ContextEditReport: Sendable, Equatable {
    package enum AppliedEdit: Sendable, Equatable {
        case clearedToolUses(count: Int, inputTokens: Int)
        case clearedThinking(turns: Int, inputTokens: Int)

        var clearedInputTokens: Int {
            switch self {
            case .clearedToolUses(_, let tokens), .clearedThinking(_, let tokens): tokens
            }
        }

        var json: JSONValue {
            switch self {
            case .clearedToolUses(let count, let tokens):
                ["type": "clear_tool_uses_20250919", "cleared_tool_uses": .int(count), "cleared_input_tokens": .int(tokens)]
            case .clearedThinking(let turns, let tokens):
                ["type": "clear_thinking_20251015", "cleared_thinking_turns": .int(turns), "cleared_input_tokens": .int(tokens)]
            }
        }
    }

    /// The edits that changed the conversation, in the request's order; empty when none did.
    package var appliedEdits: [AppliedEdit]

    package init(appliedEdits: [AppliedEdit]) {
        self.appliedEdits = appliedEdits
    }

    /// The input tokens the edits took out, by the proxy's estimate.
    package var clearedInputTokens: Int {
        appliedEdits.reduce(0) { $0 + $1.clearedInputTokens }
    }

    /// `{"applied_edits": [...]}`.
    package var json: JSONValue {
        ["applied_edits": .array(appliedEdits.map(\.json))]
    }

    /// `count_tokens`' `context_management`: the count before the edits, given the count after.
    package func countTokensJSON(inputTokens: Int) -> JSONValue {
        ["original_input_tokens": .int(inputTokens + clearedInputTokens)]
    }
}
