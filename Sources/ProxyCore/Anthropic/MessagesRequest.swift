/// A `POST /v1/messages` request body, validated and typed where the proxy needs to understand it.
/// Tool schemas and tool inputs stay `JSONValue`: they are carried through, not interpreted.
public struct MessagesRequest: Sendable, Equatable {
    public enum Role: String, Sendable {
        case user, assistant
        /// Claude Code places `system`-role messages inside `messages`; they keep their position.
        case system
    }

    public struct Message: Sendable, Equatable {
        public var role: Role
        public var content: [ContentBlock]

        public init(role: Role, content: [ContentBlock]) {
            self.role = role
            self.content = content
        }
    }

    public struct Tool: Sendable, Equatable {
        public var name: String
        public var description: String?
        public var inputSchema: JSONValue

        public init(name: String, description: String? = nil, inputSchema: JSONValue) {
            self.name = name
            self.description = description
            self.inputSchema = inputSchema
        }
    }

    public enum ToolChoice: Sendable, Equatable {
        case auto
        /// The model must call some tool.
        case any
        case tool(name: String)
        case none
    }

    public enum Thinking: Sendable, Equatable {
        case disabled
        case enabled(budgetTokens: Int)
        /// The model decides how much to think (Claude Code's default).
        case adaptive
    }

    public var model: String
    public var maxTokens: Int
    public var messages: [Message]
    /// The system prompt's text blocks, in order.
    public var system: [String]
    public var tools: [Tool]
    public var toolChoice: ToolChoice?
    public var disableParallelToolUse: Bool
    public var stream: Bool
    public var temperature: Double?
    public var topP: Double?
    public var topK: Int?
    public var stopSequences: [String]
    public var thinking: Thinking
    /// `output_config.effort`: low, medium, high or max.
    public var effort: String?

    public init(
        model: String, maxTokens: Int, messages: [Message], system: [String] = [], tools: [Tool] = [],
        toolChoice: ToolChoice? = nil, disableParallelToolUse: Bool = false, stream: Bool = false,
        temperature: Double? = nil, topP: Double? = nil, topK: Int? = nil, stopSequences: [String] = [],
        thinking: Thinking = .disabled, effort: String? = nil
    ) {
        self.model = model
        self.maxTokens = maxTokens
        self.messages = messages
        self.system = system
        self.tools = tools
        self.toolChoice = toolChoice
        self.disableParallelToolUse = disableParallelToolUse
        self.stream = stream
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.stopSequences = stopSequences
        self.thinking = thinking
        self.effort = effort
    }
}

extension MessagesRequest.Tool {
    /// The input schema as OpenAI's APIs take it: an object without `$schema`, which names a
    /// dialect, constrains nothing, and makes strict upstreams refuse the tool.
    var parametersWithoutDialect: JSONObject {
        var parameters = inputSchema.objectValue ?? [:]
        parameters["$schema"] = nil
        return parameters
    }
}
