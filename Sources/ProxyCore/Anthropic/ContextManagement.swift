/// A request's `context_management`: edits applied to the conversation before the model reads it
/// (beta `context-management-2025-06-27`). The client keeps its whole history; each request is
/// edited anew. `ContextEditor` applies the edits on the backends that translate; Anthropic applies
/// its own.
package struct ContextManagement: Sendable, Equatable {
    package enum Edit: Sendable, Equatable {
        /// `clear_tool_uses_20250919`.
        case clearToolUses(ClearToolUses)
        /// `clear_thinking_20251015`: thinking blocks are kept in the last `keepTurns` assistant
        /// turns that have them; nil keeps them all (`keep: "all"`).
        case clearThinking(keepTurns: Int?)
        /// `compact_20260112`: server-side compaction (see `CompactionPlan`).
        case compact(Compaction)

        /// Whether `ContextEditor` may change the conversation for the edit: Claude Code's own
        /// edit on every request (thinking kept in every turn) cannot, and compaction is a request
        /// of its own to the upstream (`CompactionPlan`).
        var editsConversation: Bool {
            switch self {
            case .clearToolUses, .clearThinking(_?): true
            case .clearThinking(nil), .compact: false
            }
        }
    }

    /// Summarises the conversation once the prompt is long, and answers from the summary.
    package struct Compaction: Sendable, Equatable {
        /// Compaction starts when the prompt is over this many input tokens.
        package var trigger: Int
        /// The reply is the compaction alone (`stop_reason: "compaction"`): the client adds what
        /// it wants kept and asks again.
        package var pausesAfterCompaction: Bool
        /// The summary's prompt, in place of the proxy's own.
        package var instructions: String?

        /// Anthropic's default trigger, and the lowest it takes.
        package static let defaultTrigger = 150_000
        package static let lowestTrigger = 50_000

        package init(trigger: Int = defaultTrigger, pausesAfterCompaction: Bool = false, instructions: String? = nil) {
            self.trigger = trigger
            self.pausesAfterCompaction = pausesAfterCompaction
            self.instructions = instructions
        }
    }

    /// Replaces the results of older tool uses with a placeholder once the conversation is long.
    package struct ClearToolUses: Sendable, Equatable {
        package enum Trigger: Sendable, Equatable {
            /// The prompt is over this many input tokens.
            case inputTokens(Int)
            /// The conversation has more tool uses than this.
            case toolUses(Int)
        }

        /// Which tool uses lose their input too (`clear_tool_inputs`).
        package enum ClearedInputs: Sendable, Equatable {
            case none
            case all
            case tools(Set<String>)

            func clears(_ toolName: String) -> Bool {
                switch self {
                case .none: false
                case .all: true
                case .tools(let names): names.contains(toolName)
                }
            }
        }

        package var trigger: Trigger
        /// How many of the most recent tool uses stay as they are.
        package var keep: Int
        /// The edit is applied only when it clears at least this many input tokens.
        package var clearAtLeast: Int?
        /// Tools whose uses are never cleared.
        package var excludedTools: Set<String>
        package var clearedInputs: ClearedInputs

        /// Anthropic's defaults: 100,000 input tokens, the last 3 tool uses kept.
        package init(
            trigger: Trigger = .inputTokens(100_000), keep: Int = 3, clearAtLeast: Int? = nil, excludedTools: Set<String> = [],
            clearedInputs: ClearedInputs = .none
        ) {
            self.trigger = trigger
            self.keep = keep
            self.clearAtLeast = clearAtLeast
            self.excludedTools = excludedTools
            self.clearedInputs = clearedInputs
        }
    }

    package var edits: [Edit]

    package init(edits: [Edit]) {
        self.edits = edits
    }

    /// Decodes `context_management`; nil when the request has none.
    init?(json: JSONValue?) throws(AnthropicError) {
        guard let json, !json.isNull else { return nil }
        let reader = try FieldReader(json, path: "context_management")
        var edits: [Edit] = []
        var types: Set<String> = []
        for (index, element) in (try reader.optionalArray("edits") ?? []).enumerated() {
            let path = "context_management.edits.\(index)"
            let edit = try FieldReader(element, path: path)
            let type = try edit.string("type")
            guard types.insert(type).inserted else { throw FieldReader.problem("\(path).type", "'\(type)' is listed twice; list each edit once") }
            switch type {
            case "clear_tool_uses_20250919":
                edits.append(.clearToolUses(try Self.clearToolUses(edit, path: path)))
            case "clear_thinking_20251015":
                guard index == 0 else {
                    throw FieldReader.problem("\(path).type", "clear_thinking_20251015 must be the first of the edits when edits are combined")
                }
                edits.append(.clearThinking(keepTurns: try Self.keptThinkingTurns(edit.optional("keep"), path: "\(path).keep")))
            case "compact_20260112":
                edits.append(.compact(try Self.compaction(edit, path: path)))
            default:
                throw FieldReader.problem(
                    "\(path).type", "must be clear_tool_uses_20250919, clear_thinking_20251015 or compact_20260112, not '\(type)'")
            }
        }
        self.edits = edits
    }

    private static func clearToolUses(_ edit: FieldReader, path: String) throws(AnthropicError) -> ClearToolUses {
        var clearing = ClearToolUses()
        if let trigger = try amount(edit.optional("trigger"), path: "\(path).trigger", types: ["input_tokens", "tool_uses"]) {
            clearing.trigger = trigger.type == "tool_uses" ? .toolUses(trigger.value) : .inputTokens(trigger.value)
        }
        clearing.keep = try amount(edit.optional("keep"), path: "\(path).keep", types: ["tool_uses"])?.value ?? clearing.keep
        clearing.clearAtLeast = try amount(edit.optional("clear_at_least"), path: "\(path).clear_at_least", types: ["input_tokens"])?.value
        clearing.excludedTools = Set(try names(edit.optionalArray("exclude_tools"), path: "\(path).exclude_tools"))
        switch edit.optional("clear_tool_inputs") {
        case nil, .null?, .bool(false)?: clearing.clearedInputs = .none
        case .bool(true)?: clearing.clearedInputs = .all
        case .array(let tools)?: clearing.clearedInputs = .tools(Set(try names(tools, path: "\(path).clear_tool_inputs")))
        case let other?:
            throw FieldReader.problem("\(path).clear_tool_inputs", "must be a boolean or a list of tool names, not \(other.typeName)")
        }
        return clearing
    }

    private static func compaction(_ edit: FieldReader, path: String) throws(AnthropicError) -> Compaction {
        var compaction = Compaction(pausesAfterCompaction: try edit.optionalBool("pause_after_compaction") ?? false, instructions: try edit.optionalString("instructions"))
        if let trigger = try amount(edit.optional("trigger"), path: "\(path).trigger", types: ["input_tokens"])?.value {
            guard trigger >= Compaction.lowestTrigger else {
                throw FieldReader.problem("\(path).trigger.value", "must be at least \(Compaction.lowestTrigger)")
            }
            compaction.trigger = trigger
        }
        return compaction
    }

    /// The compaction edit, if the request has one.
    package var compaction: Compaction? {
        for case .compact(let compaction) in edits { return compaction }
        return nil
    }

    /// `{"type": T, "value": N}` with T one of `types` and N not negative.
    private static func amount(_ json: JSONValue?, path: String, types: [String]) throws(AnthropicError) -> (type: String, value: Int)? {
        guard let json, !json.isNull else { return nil }
        let reader = try FieldReader(json, path: path)
        let type = try reader.string("type")
        guard types.contains(type) else {
            throw FieldReader.problem("\(path).type", "must be \(types.joined(separator: " or ")), not '\(type)'")
        }
        let value = try reader.int("value")
        guard value >= 0 else { throw FieldReader.problem("\(path).value", "must not be negative") }
        return (type, value)
    }

    /// Without `keep`, the models behind the proxy keep what they were sent: every turn's thinking.
    private static func keptThinkingTurns(_ json: JSONValue?, path: String) throws(AnthropicError) -> Int? {
        guard let json, !json.isNull, json != "all" else { return nil }
        guard case .object = json else {
            throw FieldReader.problem(path, "must be \"all\" or {\"type\": \"thinking_turns\", \"value\": N}, not \(json.typeName)")
        }
        let reader = try FieldReader(json, path: path)
        let type = try reader.string("type")
        if type == "all" { return nil }
        guard type == "thinking_turns" else { throw FieldReader.problem("\(path).type", "must be thinking_turns or all, not '\(type)'") }
        let turns = try reader.int("value")
        guard turns > 0 else { throw FieldReader.problem("\(path).value", "must be greater than 0; use \"all\" to keep every turn's thinking") }
        return turns
    }

    private static func names(_ values: [JSONValue]?, path: String) throws(AnthropicError) -> [String] {
        try (values ?? []).enumerated().map { index, value throws(AnthropicError) in
            guard let name = value.stringValue else { throw FieldReader.problem("\(path).\(index)", "must be a tool name (a string)") }
            return name
        }
    }
}
