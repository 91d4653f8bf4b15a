import ProxyCore

extension OpenAIResponsesReplyContext {
    static let testMessageID = "msg_01TestReply"
    static let testRequestedModel = "claude-sonnet-4-5"
    static let testUpstreamModel = "gpt-5"

    /// A context with a fixed id and models, knowing the tools named `tools`.
    static func forTesting(tools: [String] = [], estimatedInputTokens: Int = 120, contextWindow: Int? = nil) -> OpenAIResponsesReplyContext {
        let request = MessagesRequest(
            model: testRequestedModel, maxTokens: 1_024, messages: [],
            tools: tools.map { MessagesRequest.Tool(name: $0, inputSchema: ["type": "object"]) })
        return OpenAIResponsesReplyContext(
            requestedModel: testRequestedModel, upstreamModel: testUpstreamModel, messageID: testMessageID, toolNames: ToolNameMapping(request: request),
            estimatedInputTokens: estimatedInputTokens, contextWindow: contextWindow)
    }
}

/// Responses API replies and stream events, shaped as OpenAI sends them
/// (openai-python `types/responses`: `response.py`, `response_*_event.py`).
enum ResponsesAPI {
    /// A reasoning output item; `encrypted` is its `encrypted_content`.
    static func reasoning(id: String = "rs_1", summary: [String] = [], encrypted: String? = nil) -> JSONValue {
        var item: JSONObject = [
            "id": .string(id), "type": "reasoning",
            "summary": .array(summary.map { ["type": "summary_text", "text": .string($0)] }),
        ]
        if let encrypted { item["encrypted_content"] = .string(encrypted) }
        return .object(item)
    }

    /// An assistant message item with one `output_text` part (or a `refusal` part).
    static func message(id: String = "msg_out_1", text: String? = nil, refusal: String? = nil, status: String = "completed") -> JSONValue {
        var content: [JSONValue] = []
        if let text { content.append(["type": "output_text", "text": .string(text), "annotations": []]) }
        if let refusal { content.append(["type": "refusal", "refusal": .string(refusal)]) }
        return ["id": .string(id), "type": "message", "status": .string(status), "role": "assistant", "content": .array(content)]
    }

    static func functionCall(id: String = "fc_1", callID: String, name: String, arguments: String, status: String = "completed") -> JSONValue {
        ["id": .string(id), "type": "function_call", "status": .string(status), "call_id": .string(callID), "name": .string(name), "arguments": .string(arguments)]
    }

    /// `usage` as the API reports it: `input_tokens` includes the cached ones.
    static func usage(input: Int, output: Int, cached: Int = 0, reasoning: Int = 0) -> JSONValue {
        [
            "input_tokens": .int(input), "input_tokens_details": ["cached_tokens": .int(cached)], "output_tokens": .int(output),
            "output_tokens_details": ["reasoning_tokens": .int(reasoning)], "total_tokens": .int(input + output),
        ]
    }

    /// A whole `response` object.
    static func response(
        output: [JSONValue], status: String = "completed", incompleteReason: String? = nil, usage: JSONValue? = usage(input: 100, output: 20),
        error: JSONValue = nil
    ) -> JSONValue {
        var response: JSONObject = [
            "id": "resp_test", "object": "response", "created_at": 1_760_000_000, "status": .string(status), "error": error,
            "incomplete_details": incompleteReason.map { ["reason": .string($0)] } ?? .null, "model": "gpt-5-2025-08-07",
            "output": .array(output), "parallel_tool_calls": true, "tool_choice": "auto", "tools": [], "store": false,
        ]
        if let usage { response["usage"] = usage }
        return .object(response)
    }

    /// One server-sent event: `event:` the type, `data:` the payload with its `type`.
    static func event(_ type: String, _ fields: JSONObject = [:]) -> SSEEvent {
        var payload: JSONObject = ["type": .string(type)]
        for member in fields.members { payload[member.key] = member.value }
        return SSEEvent(event: type, data: JSONWriter.string(.object(payload)))
    }

    static func created() -> SSEEvent {
        event("response.created", ["response": response(output: [], status: "in_progress", usage: nil)])
    }

    static func itemAdded(_ index: Int, _ item: JSONValue) -> SSEEvent {
        event("response.output_item.added", ["output_index": .int(index), "item": item])
    }

    static func itemDone(_ index: Int, _ item: JSONValue) -> SSEEvent {
        event("response.output_item.done", ["output_index": .int(index), "item": item])
    }

    static func textDelta(_ index: Int, _ delta: String, itemID: String = "msg_out_1") -> SSEEvent {
        event("response.output_text.delta", ["item_id": .string(itemID), "output_index": .int(index), "content_index": 0, "delta": .string(delta)])
    }

    static func summaryDelta(_ index: Int, _ delta: String, part: Int = 0, itemID: String = "rs_1") -> SSEEvent {
        event(
            "response.reasoning_summary_text.delta",
            ["item_id": .string(itemID), "output_index": .int(index), "summary_index": .int(part), "delta": .string(delta)])
    }

    static func argumentsDelta(_ index: Int, _ delta: String, itemID: String = "fc_1") -> SSEEvent {
        event("response.function_call_arguments.delta", ["item_id": .string(itemID), "output_index": .int(index), "delta": .string(delta)])
    }

    static func completed(_ response: JSONValue) -> SSEEvent {
        event(response["status"] == "incomplete" ? "response.incomplete" : "response.completed", ["response": response])
    }

    /// The events OpenAI streams for `response`'s output: each item added, its text, summary or
    /// arguments in pieces of `pieceSize` characters, done; then the final event.
    static func stream(of response: JSONValue, pieceSize: Int = 4) -> [SSEEvent] {
        var events = [created()]
        for (index, item) in (response["output"]?.arrayValue ?? []).enumerated() {
            let id = item["id"]?.stringValue ?? ""
            var opening = item.objectValue ?? [:]
            switch item["type"]?.stringValue {
            case "reasoning"?:
                opening["summary"] = []
                opening["encrypted_content"] = nil
                events.append(itemAdded(index, .object(opening)))
                for (part, summary) in (item["summary"]?.arrayValue ?? []).enumerated() {
                    events += pieces(summary["text"]?.stringValue ?? "", size: pieceSize).map { summaryDelta(index, $0, part: part, itemID: id) }
                }
            case "message"?:
                opening["content"] = []
                opening["status"] = "in_progress"
                events.append(itemAdded(index, .object(opening)))
                for part in item["content"]?.arrayValue ?? [] {
                    if let refusal = part["refusal"]?.stringValue {
                        events += pieces(refusal, size: pieceSize).map {
                            event("response.refusal.delta", ["item_id": .string(id), "output_index": .int(index), "content_index": 0, "delta": .string($0)])
                        }
                    } else {
                        events += pieces(part["text"]?.stringValue ?? "", size: pieceSize).map { textDelta(index, $0, itemID: id) }
                    }
                }
            case "function_call"?:
                opening["arguments"] = ""
                opening["status"] = "in_progress"
                events.append(itemAdded(index, .object(opening)))
                events += pieces(item["arguments"]?.stringValue ?? "", size: pieceSize).map { argumentsDelta(index, $0, itemID: id) }
            default:
                events.append(itemAdded(index, item))
            }
            events.append(itemDone(index, item))
        }
        events.append(completed(response))
        return events
    }

    static func pieces(_ text: String, size: Int) -> [String] {
        let characters = Array(text)
        return stride(from: 0, to: characters.count, by: size).map { String(characters[$0..<min($0 + size, characters.count)]) }
    }
}
