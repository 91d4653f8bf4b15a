/// Why the model stopped, as Anthropic names it.
public enum StopReason: String, Sendable {
    case endTurn = "end_turn"
    case maxTokens = "max_tokens"
    case stopSequence = "stop_sequence"
    case toolUse = "tool_use"
    case pauseTurn = "pause_turn"
    case refusal
}

/// Token counts of a reply. `inputTokens + cacheReadInputTokens` is the whole prompt.
public struct Usage: Sendable, Equatable {
    public var inputTokens: Int
    public var outputTokens: Int
    public var cacheCreationInputTokens: Int
    public var cacheReadInputTokens: Int

    public init(inputTokens: Int = 0, outputTokens: Int = 0, cacheCreationInputTokens: Int = 0, cacheReadInputTokens: Int = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheCreationInputTokens = cacheCreationInputTokens
        self.cacheReadInputTokens = cacheReadInputTokens
    }

    public var json: JSONValue {
        [
            "input_tokens": .int(inputTokens),
            "cache_creation_input_tokens": .int(cacheCreationInputTokens),
            "cache_read_input_tokens": .int(cacheReadInputTokens),
            "output_tokens": .int(outputTokens),
        ]
    }
}

/// A whole reply to `POST /v1/messages`.
public struct AnthropicMessage: Sendable, Equatable {
    public var id: String
    /// The model name the client asked for, echoed back.
    public var model: String
    public var content: [ContentBlock]
    public var stopReason: StopReason?
    public var stopSequence: String?
    public var usage: Usage

    public init(id: String, model: String, content: [ContentBlock], stopReason: StopReason?, stopSequence: String? = nil, usage: Usage) {
        self.id = id
        self.model = model
        self.content = content
        self.stopReason = stopReason
        self.stopSequence = stopSequence
        self.usage = usage
    }

    public var json: JSONValue {
        [
            "id": .string(id),
            "type": "message",
            "role": "assistant",
            "model": .string(model),
            "content": .array(content.map(\.json)),
            "stop_reason": stopReason.map { .string($0.rawValue) } ?? .null,
            "stop_sequence": stopSequence.map { .string($0) } ?? .null,
            "usage": usage.json,
        ]
    }
}
