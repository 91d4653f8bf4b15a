/// One event of Anthropic's streaming grammar:
/// `message_start`, then per block `content_block_start`, deltas, `content_block_stop` (indexes
/// increasing from 0), then `message_delta` and `message_stop`; `ping` anywhere, `error` to abort.
package enum AnthropicStreamEvent: Sendable, Equatable {
    /// A block as it opens: text and thinking empty, tool_use with `input: {}`.
    package enum BlockStart: Sendable, Equatable {
        case text
        case thinking
        case redactedThinking(data: String)
        case toolUse(id: String, name: String)
        /// A text block that will get `citations_delta` events before its text.
        case citedText
        /// A search the upstream ran: starts with `input: {}`, then `input_json_delta`.
        case serverToolUse(id: String, name: String)
        /// A search's results, whole in the block's start.
        case webSearchToolResult(toolUseID: String, content: WebSearchOutcome)
        /// Server-side compaction's summary: starts with `content: null` and the block's
        /// `tool_changes` (which no delta carries), then one `compaction_delta`.
        case compaction(toolChanges: [ToolChange]? = [])
    }

    package enum Delta: Sendable, Equatable {
        case text(String)
        case thinking(String)
        /// A `thinking_delta` without text, for thinking the client asked to have omitted: an
        /// increment of the block's estimated tokens (`estimated_tokens`, which clients sum for a
        /// progress indicator; beta `thinking-token-count-2026-05-13`).
        case thinkingEstimate(Int)
        case signature(String)
        case inputJSON(String)
        case citation(WebSearchCitation)
        /// The compaction's whole summary (nil: it failed).
        case compaction(String?)
    }

    /// `message` has empty content and no stop reason yet.
    case messageStart(AnthropicMessage)
    case contentBlockStart(index: Int, block: BlockStart)
    case contentBlockDelta(index: Int, delta: Delta)
    case contentBlockStop(index: Int)
    /// `contextManagement` only on a reply to a request that asked for context edits;
    /// `stopDetails` only on a refusal whose upstream said why.
    case messageDelta(
        stopReason: StopReason, stopSequence: String?, usage: Usage, contextManagement: ContextEditReport? = nil, stopDetails: RefusalDetails? = nil)
    case messageStop
    case ping
    case error(AnthropicError)

    /// How every translated stream opens, as soon as the upstream has accepted the request:
    /// `message_start` with an empty message whose usage is the prompt's local estimate, and a `ping`.
    package static func opening(messageID: String, model: String, estimatedInputTokens: Int) -> [AnthropicStreamEvent] {
        let message = AnthropicMessage(id: messageID, model: model, content: [], stopReason: nil, usage: Usage(inputTokens: estimatedInputTokens))
        return [.messageStart(message), .ping]
    }

    /// The SSE `event:` name.
    package var name: String {
        switch self {
        case .messageStart: "message_start"
        case .contentBlockStart: "content_block_start"
        case .contentBlockDelta: "content_block_delta"
        case .contentBlockStop: "content_block_stop"
        case .messageDelta: "message_delta"
        case .messageStop: "message_stop"
        case .ping: "ping"
        case .error: "error"
        }
    }

    /// The event's `data:` payload.
    package var json: JSONValue {
        switch self {
        case .messageStart(let message):
            return ["type": "message_start", "message": message.json]
        case .contentBlockStart(let index, let block):
            return ["type": "content_block_start", "index": .int(index), "content_block": block.json]
        case .contentBlockDelta(let index, let delta):
            return ["type": "content_block_delta", "index": .int(index), "delta": delta.json]
        case .contentBlockStop(let index):
            return ["type": "content_block_stop", "index": .int(index)]
        case .messageDelta(let stopReason, let stopSequence, let usage, let contextManagement, let stopDetails):
            var delta: JSONObject = ["stop_reason": .string(stopReason.rawValue), "stop_sequence": stopSequence.map { .string($0) } ?? .null]
            if let stopDetails { delta["stop_details"] = stopDetails.json }
            var object: JSONObject = ["type": "message_delta", "delta": .object(delta), "usage": usage.json]
            if let contextManagement { object["context_management"] = contextManagement.json }
            return .object(object)
        case .messageStop:
            return ["type": "message_stop"]
        case .ping:
            return ["type": "ping"]
        case .error(let error):
            return error.json
        }
    }

    /// The event framed for the wire: `event: NAME\ndata: JSON\n\n`.
    package func write(to writer: inout JSONWriter) {
        writer.writeEvent(named: name, data: json)
    }

    package var sseBytes: [UInt8] {
        var writer = JSONWriter()
        write(to: &writer)
        return writer.bytes
    }
}

extension AnthropicStreamEvent.BlockStart {
    var json: JSONValue {
        switch self {
        case .text: ["type": "text", "text": ""]
        case .thinking: ["type": "thinking", "thinking": "", "signature": ""]
        case .redactedThinking(let data): ["type": "redacted_thinking", "data": .string(data)]
        case .toolUse(let id, let name): ["type": "tool_use", "id": .string(id), "name": .string(name), "input": [:]]
        case .citedText: ["type": "text", "text": "", "citations": []]
        case .serverToolUse(let id, let name): ["type": "server_tool_use", "id": .string(id), "name": .string(name), "input": [:]]
        case .webSearchToolResult(let id, let content): ["type": "web_search_tool_result", "tool_use_id": .string(id), "content": content.json]
        // The whole block's shape, without its summary yet.
        case .compaction(let toolChanges): ContentBlock.compaction(nil, toolChanges: toolChanges).json
        }
    }
}

extension AnthropicStreamEvent.Delta {
    var json: JSONValue {
        switch self {
        case .text(let text): ["type": "text_delta", "text": .string(text)]
        case .thinking(let text): ["type": "thinking_delta", "thinking": .string(text)]
        case .thinkingEstimate(let tokens): ["type": "thinking_delta", "thinking": "", "estimated_tokens": .int(tokens)]
        case .signature(let signature): ["type": "signature_delta", "signature": .string(signature)]
        case .inputJSON(let fragment): ["type": "input_json_delta", "partial_json": .string(fragment)]
        case .citation(let citation): ["type": "citations_delta", "citation": citation.json]
        case .compaction(let summary): ["type": "compaction_delta", "content": summary.map { .string($0) } ?? .null]
        }
    }
}
