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
///
/// A plain value (no reference inside): it is copied into every stream step and record, and an
/// array here (a compaction's iterations) cost 5% of a 40 KB request's CPU time in retains.
package struct Usage: Sendable, Equatable {
    package var inputTokens: Int
    package var outputTokens: Int
    package var cacheCreationInputTokens: Int
    package var cacheReadInputTokens: Int
    /// Searches the upstream ran for the reply (`server_tool_use.web_search_requests`).
    package var webSearchRequests: Int
    /// What a compaction run before the message took (`usage.iterations`' compaction entry), nil
    /// when none ran; the counts above are then the message's own.
    package var compaction: TokenCounts?

    package init(
        inputTokens: Int = 0, outputTokens: Int = 0, cacheCreationInputTokens: Int = 0, cacheReadInputTokens: Int = 0, webSearchRequests: Int = 0,
        compaction: TokenCounts? = nil
    ) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheCreationInputTokens = cacheCreationInputTokens
        self.cacheReadInputTokens = cacheReadInputTokens
        self.webSearchRequests = webSearchRequests
        self.compaction = compaction
    }

    /// The message's own counts.
    package var counts: TokenCounts {
        TokenCounts(
            inputTokens: inputTokens, outputTokens: outputTokens, cacheCreationInputTokens: cacheCreationInputTokens,
            cacheReadInputTokens: cacheReadInputTokens)
    }

    /// What the reply cost: the message's tokens and the compaction's together.
    package var billed: Usage {
        guard let compaction else { return self }
        let total = counts + compaction
        return Usage(
            inputTokens: total.inputTokens, outputTokens: total.outputTokens, cacheCreationInputTokens: total.cacheCreationInputTokens,
            cacheReadInputTokens: total.cacheReadInputTokens, webSearchRequests: webSearchRequests)
    }

    /// What two replies cost together (a compaction's counts folded in).
    package static func + (left: Usage, right: Usage) -> Usage {
        let (left, right) = (left.billed, right.billed)
        let total = left.counts + right.counts
        return Usage(
            inputTokens: total.inputTokens, outputTokens: total.outputTokens, cacheCreationInputTokens: total.cacheCreationInputTokens,
            cacheReadInputTokens: total.cacheReadInputTokens, webSearchRequests: left.webSearchRequests + right.webSearchRequests)
    }

    /// Anthropic's usage object; `server_tool_use` only when the reply searched, as Anthropic does;
    /// `iterations` after a compaction: the compaction's, then the message's (none for a reply
    /// that is the compaction alone, whose own counts are zero).
    package var json: JSONValue {
        var object: JSONObject = [
            "input_tokens": .int(inputTokens),
            "cache_creation_input_tokens": .int(cacheCreationInputTokens),
            "cache_read_input_tokens": .int(cacheReadInputTokens),
            "output_tokens": .int(outputTokens),
        ]
        if webSearchRequests > 0 { object["server_tool_use"] = ["web_search_requests": .int(webSearchRequests)] }
        if let compaction {
            let message = counts
            object["iterations"] = .array([compaction.json(type: "compaction")] + (message == TokenCounts() ? [] : [message.json(type: "message")]))
        }
        return .object(object)
    }
}

/// The four token counts of one generation.
package struct TokenCounts: Sendable, Equatable {
    package var inputTokens = 0
    package var outputTokens = 0
    package var cacheCreationInputTokens = 0
    package var cacheReadInputTokens = 0

    package init(inputTokens: Int = 0, outputTokens: Int = 0, cacheCreationInputTokens: Int = 0, cacheReadInputTokens: Int = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheCreationInputTokens = cacheCreationInputTokens
        self.cacheReadInputTokens = cacheReadInputTokens
    }

    /// The compaction entries of a usage object's `iterations` summed, nil when it has none.
    package static func compaction(in usage: JSONValue?) -> TokenCounts? {
        let entries = usage?["iterations"]?.arrayValue?.filter { $0["type"] == "compaction" } ?? []
        guard !entries.isEmpty else { return nil }
        return entries.map { AnthropicStreamUsageScanner.usage($0, over: Usage()).counts }.reduce(TokenCounts(), +)
    }

    static func + (left: TokenCounts, right: TokenCounts) -> TokenCounts {
        TokenCounts(
            inputTokens: left.inputTokens + right.inputTokens, outputTokens: left.outputTokens + right.outputTokens,
            cacheCreationInputTokens: left.cacheCreationInputTokens + right.cacheCreationInputTokens,
            cacheReadInputTokens: left.cacheReadInputTokens + right.cacheReadInputTokens)
    }

    func json(type: String) -> JSONValue {
        [
            "type": .string(type), "input_tokens": .int(inputTokens), "output_tokens": .int(outputTokens),
            "cache_creation_input_tokens": .int(cacheCreationInputTokens), "cache_read_input_tokens": .int(cacheReadInputTokens),
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
    /// What cache diagnostics found, when the request asked for them (`diagnostics`).
    package var cacheDiagnosis: CacheDiagnosis?
    /// Why a reply that declined did (`stop_details`), when the upstream said.
    package var stopDetails: RefusalDetails?

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
        if let cacheDiagnosis { object["diagnostics"] = cacheDiagnosis.json }
        if let stopDetails { object["stop_details"] = stopDetails.json }
        return .object(object)
    }
}
