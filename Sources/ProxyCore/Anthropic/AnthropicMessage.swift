/// Why the model stopped, as Anthropic names it.
package enum StopReason: String, Sendable {
    case endTurn = "end_turn"
    case maxTokens = "max_tokens"
    case stopSequence = "stop_sequence"
    case toolUse = "tool_use"
    case pauseTurn = "pause_turn"
    case refusal
    /// The reply is a compaction alone (`pause_after_compaction`).
    case compaction
}

/// Token counts of a reply. `inputTokens + cacheReadInputTokens` is the whole prompt.
package struct Usage: Sendable, Equatable {
    package var inputTokens: Int
    package var outputTokens: Int
    package var cacheCreationInputTokens: Int
    package var cacheReadInputTokens: Int
    /// Searches the upstream ran for the reply (`server_tool_use.web_search_requests`).
    package var webSearchRequests: Int
    /// Each generation the reply took, when it took more than one (a compaction, then the
    /// message); the counts above are then the message's own.
    package var iterations: [UsageIteration]

    package init(
        inputTokens: Int = 0, outputTokens: Int = 0, cacheCreationInputTokens: Int = 0, cacheReadInputTokens: Int = 0, webSearchRequests: Int = 0,
        iterations: [UsageIteration] = []
    ) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheCreationInputTokens = cacheCreationInputTokens
        self.cacheReadInputTokens = cacheReadInputTokens
        self.webSearchRequests = webSearchRequests
        self.iterations = iterations
    }

    /// Every iteration's tokens together: what the reply cost.
    package var billed: Usage {
        guard !iterations.isEmpty else { return self }
        var total = Usage(webSearchRequests: webSearchRequests)
        for iteration in iterations {
            total.inputTokens += iteration.usage.inputTokens
            total.outputTokens += iteration.usage.outputTokens
            total.cacheCreationInputTokens += iteration.usage.cacheCreationInputTokens
            total.cacheReadInputTokens += iteration.usage.cacheReadInputTokens
        }
        return total
    }

    /// Anthropic's usage object; `server_tool_use` only when the reply searched, as Anthropic does.
    package var json: JSONValue {
        var object: JSONObject = [
            "input_tokens": .int(inputTokens),
            "cache_creation_input_tokens": .int(cacheCreationInputTokens),
            "cache_read_input_tokens": .int(cacheReadInputTokens),
            "output_tokens": .int(outputTokens),
        ]
        if webSearchRequests > 0 { object["server_tool_use"] = ["web_search_requests": .int(webSearchRequests)] }
        if !iterations.isEmpty { object["iterations"] = .array(iterations.map(\.json)) }
        return .object(object)
    }
}

/// One generation of a reply that took several (`usage.iterations`).
package struct UsageIteration: Sendable, Equatable {
    /// `compaction` or `message` (Anthropic may add others; they are billed all the same).
    package var type: String
    package var usage: Usage

    package init(_ type: String, _ usage: Usage) {
        self.type = type
        self.usage = usage
    }

    /// A usage object's `iterations`, nil when it has none.
    package static func iterations(in usage: JSONValue?) -> [UsageIteration]? {
        usage?["iterations"]?.arrayValue?.map { iteration in
            UsageIteration(iteration["type"]?.stringValue ?? "", AnthropicStreamUsageScanner.usage(iteration, over: Usage()))
        }
    }

    var json: JSONValue {
        [
            "type": .string(type), "input_tokens": .int(usage.inputTokens), "output_tokens": .int(usage.outputTokens),
            "cache_creation_input_tokens": .int(usage.cacheCreationInputTokens), "cache_read_input_tokens": .int(usage.cacheReadInputTokens),
        ]
    }
}

/// A whole reply to `POST /v1/messages`.
package struct AnthropicMessage: Sendable, Equatable {
    package var id: String
    /// The model name the client asked for, echoed back.
    package var model: String
    package var content: [ContentBlock]
    package var stopReason: StopReason?
    package var stopSequence: String?
    package var usage: Usage
    /// What context editing did to the request, when it asked for edits (`context_management`).
    package var contextManagement: ContextEditReport?

    package init(id: String, model: String, content: [ContentBlock], stopReason: StopReason?, stopSequence: String? = nil, usage: Usage) {
        self.id = id
        self.model = model
        self.content = content
        self.stopReason = stopReason
        self.stopSequence = stopSequence
        self.usage = usage
    }

    package var json: JSONValue {
        var object: JSONObject = [
            "id": .string(id),
            "type": "message",
            "role": "assistant",
            "model": .string(model),
            "content": .array(content.map(\.json)),
            "stop_reason": stopReason.map { .string($0.rawValue) } ?? .null,
            "stop_sequence": stopSequence.map { .string($0) } ?? .null,
            "usage": usage.json,
        ]
        if let contextManagement { object["context_management"] = contextManagement.json }
        return .object(object)
    }
}
