/// A `POST /v1/messages` request body, validated and typed where the proxy needs to understand it.
/// Tool schemas and tool inputs stay `JSONValue`: they are carried through, not interpreted.
package struct MessagesRequest: Sendable, Equatable {
    package enum Role: String, Sendable {
        case user, assistant
        /// Claude Code places `system`-role messages inside `messages`; they keep their position.
        case system
    }

    package struct Message: Sendable, Equatable {
        package var role: Role
        package var content: [ContentBlock]

        package init(role: Role, content: [ContentBlock]) {
            self.role = role
            self.content = content
        }
    }

    package struct Tool: Sendable, Equatable {
        package var name: String
        package var description: String?
        package var inputSchema: JSONValue
        /// `defer_loading`: the model learns of the tool only once a `tool_reference` loads it.
        package var deferLoading: Bool

        package init(name: String, description: String? = nil, inputSchema: JSONValue, deferLoading: Bool = false) {
            self.name = name
            self.description = description
            self.inputSchema = inputSchema
            self.deferLoading = deferLoading
        }
    }

    package enum ToolChoice: Sendable, Equatable {
        case auto
        /// The model must call some tool.
        case any
        case tool(name: String)
        case none
    }

    package enum Thinking: Sendable, Equatable {
        case disabled
        case enabled(budgetTokens: Int)
        /// The model decides how much to think (Claude Code's default).
        case adaptive
    }

    /// What the client sees of the reply's thinking (`thinking.display`).
    package enum ThinkingDisplay: Sendable, Equatable {
        /// The thinking text: `summarized`, or no `display` (the models behind the proxy show theirs).
        case shown
        /// Thinking blocks with empty text and a signature: `omitted`, and `updates` too (the
        /// progress notes it shows are Claude's; other models write only their reasoning). With
        /// `estimates`, a stream's thinking deltas carry estimated token counts instead of text
        /// (beta `thinking-token-count-2026-05-13`, which Claude Code's spinner reads).
        case omitted(estimates: Bool)

        /// The beta under which the client takes estimates.
        package static let estimatesBeta = "thinking-token-count-2026-05-13"
    }

    package var model: String
    package var maxTokens: Int
    package var messages: [Message] {
        didSet { decodedMessages = nil }
    }
    /// `messages` as decoded from elements of a kept conversation (`DecodedMessage`), one each,
    /// with what later steps keep beside them; nil when the request did not come from one, and
    /// once `messages` change. Not compared: it says nothing `messages` do not.
    package internal(set) var decodedMessages: [DecodedMessage]? {
        get { decodings.messages }
        set { decodings.messages = newValue }
    }
    private var decodings = Decodings()

    /// Where `decodedMessages` are kept: equal to any other, so that `==` compares what requests say.
    private struct Decodings: Sendable, Equatable {
        var messages: [DecodedMessage]?

        static func == (_: Decodings, _: Decodings) -> Bool { true }
    }
    /// The system prompt's text blocks, in order.
    package var system: [String]
    /// The client's tools the upstream is told of, in the client's order: a deferred tool only
    /// once a `tool_reference` in the conversation (or `tool_choice`) names it, as Anthropic does.
    package var tools: [Tool]
    /// Web search and web fetch, which the upstream runs with its own search.
    package var serverTools: [ServerTool]
    package var toolChoice: ToolChoice?
    package var disableParallelToolUse: Bool
    package var stream: Bool
    package var temperature: Double?
    package var topP: Double?
    package var topK: Int?
    package var stopSequences: [String]
    package var thinking: Thinking
    package var thinkingDisplay: ThinkingDisplay
    /// `output_config.effort` (low, medium, high, xhigh or max), or that of a system message
    /// that closes the conversation, for its turn.
    package var effort: String?
    /// The JSON schema the reply's text must follow (`output_config.format`, or the older
    /// top-level `output_format`): structured outputs.
    package var outputSchema: JSONValue?
    /// `metadata.user_id`: Claude Code writes its session there (see `RequestRecord.sessionID(fromUserID:)`).
    package var userID: String?
    /// The client's last `cache_control` breakpoint, nil when it set none.
    package var cacheBreakpoint: CacheBreakpoint?
    /// `context_management`: edits to the conversation, already applied to `messages` when the
    /// request was decoded from JSON.
    package var contextManagement: ContextManagement?
    /// What those edits did; nil when the request has no `context_management`.
    package internal(set) var contextEdits: ContextEditReport?
    /// `compaction`: the request asks for the conversation's summary alone, not a reply.
    package var onDemandCompaction: OnDemandCompaction?
    /// What the conversation's tool changes (system messages' `tool_addition` / `tool_removal`
    /// blocks, a compaction's `tool_changes`) come to, as the changes that take `tools` to the
    /// tools in effect at its end (`AvailableTools.changes`); nil when it has none.
    package internal(set) var toolChangesInConversation: [ToolChange]?
    /// `diagnostics`: the client asks where the prompt diverged from its previous request's.
    package var cacheDiagnostics: CacheDiagnosticsRequest?

    package init(
        model: String, maxTokens: Int, messages: [Message], system: [String] = [], tools: [Tool] = [], serverTools: [ServerTool] = [],
        toolChoice: ToolChoice? = nil, disableParallelToolUse: Bool = false, stream: Bool = false,
        temperature: Double? = nil, topP: Double? = nil, topK: Int? = nil, stopSequences: [String] = [],
        thinking: Thinking = .disabled, thinkingDisplay: ThinkingDisplay = .shown, effort: String? = nil, outputSchema: JSONValue? = nil, userID: String? = nil,
        cacheBreakpoint: CacheBreakpoint? = nil, contextManagement: ContextManagement? = nil
    ) {
        self.model = model
        self.maxTokens = maxTokens
        self.messages = messages
        self.system = system
        self.tools = tools
        self.serverTools = serverTools
        self.toolChoice = toolChoice
        self.disableParallelToolUse = disableParallelToolUse
        self.stream = stream
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.stopSequences = stopSequences
        self.thinking = thinking
        self.thinkingDisplay = thinkingDisplay
        self.effort = effort
        self.outputSchema = outputSchema
        self.userID = userID
        self.cacheBreakpoint = cacheBreakpoint
        self.contextManagement = contextManagement
    }
}

extension MessagesRequest.Tool {
    /// The input schema as OpenAI's APIs take it: an object without `$schema`, which names a
    /// dialect, constrains nothing, and makes strict upstreams refuse the tool.
    var parametersWithoutDialect: JSONObject {
        OpenAIOutputSchema.withoutDialect(inputSchema)
    }
}
