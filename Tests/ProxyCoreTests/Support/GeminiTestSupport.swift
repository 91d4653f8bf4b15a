import ProxyCore

extension GeminiReplyContext {
    static let testMessageID = "msg_01TestReply"
    static let testRequestedModel = "claude-sonnet-4-5"

    /// A context with a fixed id and model, knowing the tools named `tools`.
    static func forTesting(tools: [String] = [], estimatedInputTokens: Int = 120, contextWindow: Int? = 1_048_576) -> GeminiReplyContext {
        let request = MessagesRequest(
            model: testRequestedModel, maxTokens: 1_024, messages: [],
            tools: tools.map { MessagesRequest.Tool(name: $0, inputSchema: ["type": "object"]) })
        return GeminiReplyContext(
            requestedModel: testRequestedModel, upstreamModel: "gemini-3-pro-preview", messageID: testMessageID,
            toolNames: ToolNameMapping(request: request), estimatedInputTokens: estimatedInputTokens, contextWindow: contextWindow)
    }
}

/// Gemini replies, shaped as the API sends them.
enum GeminiReply {
    static func text(_ text: String, signature: String? = nil) -> JSONValue {
        part(["text": .string(text)], signature: signature)
    }

    static func thought(_ text: String, signature: String? = nil) -> JSONValue {
        part(["text": .string(text), "thought": true], signature: signature)
    }

    static func call(_ name: String, _ arguments: JSONValue = [:], id: String? = nil, signature: String? = nil) -> JSONValue {
        var call: JSONObject = ["name": .string(name), "args": arguments]
        if let id { call["id"] = .string(id) }
        return part(["functionCall": .object(call)], signature: signature)
    }

    private static func part(_ part: JSONObject, signature: String?) -> JSONValue {
        var part = part
        if let signature { part["thoughtSignature"] = .string(signature) }
        return .object(part)
    }

    static func usage(prompt: Int, candidates: Int, thoughts: Int? = nil, cached: Int? = nil) -> JSONValue {
        var usage: JSONObject = ["promptTokenCount": .int(prompt), "candidatesTokenCount": .int(candidates)]
        if let thoughts { usage["thoughtsTokenCount"] = .int(thoughts) }
        if let cached { usage["cachedContentTokenCount"] = .int(cached) }
        usage["totalTokenCount"] = .int(prompt + candidates + (thoughts ?? 0))
        return .object(usage)
    }

    /// A `GenerateContentResponse` with one candidate (a whole reply, or one stream event).
    static func response(
        _ parts: [JSONValue], finishReason: String? = nil, finishMessage: String? = nil, usage: JSONValue? = nil
    ) -> JSONValue {
        var candidate: JSONObject = ["content": ["role": "model", "parts": .array(parts)], "index": 0]
        if let finishReason { candidate["finishReason"] = .string(finishReason) }
        if let finishMessage { candidate["finishMessage"] = .string(finishMessage) }
        var response: JSONObject = ["candidates": [.object(candidate)]]
        if let usage { response["usageMetadata"] = usage }
        response["modelVersion"] = "gemini-3-pro-preview"
        response["responseId"] = "resp-test"
        return .object(response)
    }

    /// A stream event holding `response`.
    /// The parts as a stream sends them: each text or thought part without a signature split in
    /// two responses (by characters, so a multi-byte text is cut between characters, never inside
    /// one), other parts one response each.
    static func partResponses(_ parts: [JSONValue]) -> [JSONValue] {
        parts.flatMap { part -> [JSONValue] in
            guard let text = part["text"]?.stringValue, text.count > 1, part["thoughtSignature"] == nil, var head = part.objectValue else {
                return [response([part])]
            }
            var tail = head
            head["text"] = .string(String(text.prefix(text.count / 2)))
            tail["text"] = .string(String(text.dropFirst(text.count / 2)))
            return [response([.object(head)]), response([.object(tail)])]
        }
    }

    static func event(_ response: JSONValue) -> SSEEvent {
        SSEEvent(data: JSONWriter.string(response))
    }
}
