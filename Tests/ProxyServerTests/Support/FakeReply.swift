import ProxyCore

/// What a fake upstream answers with, written once and served whole or streamed.
///
/// Its JSON form (used by the Python SDK tests through `POST /_script`):
/// `{"text": "...", "reasoning": "...", "tool_calls": [{"id": "...", "name": "...", "arguments": "..."}],
///   "finish_reason": "stop", "usage": {"prompt_tokens": 1, "completion_tokens": 1, "cached_tokens": 0},
///   "error": {"status": 429, "message": "...", "retry_after": "3"}, "cut_stream": true}`
struct FakeReply: Sendable {
    struct ToolCall: Sendable {
        var id: String?
        var name: String
        var arguments: String
    }

    struct Failure: Sendable {
        var status: Int
        var message: String
        var retryAfter: String?
        var code: String?
    }

    var text = ""
    var reasoning = ""
    var toolCalls: [ToolCall] = []
    var finishReason: String?
    var promptTokens = 100
    var completionTokens = 20
    var cachedTokens = 0
    var failure: Failure?
    /// Streams stop halfway with no finish_reason and no `[DONE]`, as a dropped upstream does.
    var cutStream = false
    /// Streams pause this long after each chunk, as a model producing tokens does.
    var pauseBetweenChunks: Duration?
    /// Streams go silent this long after their first chunk, as a reasoning model thinking does.
    var pauseAfterFirstChunk: Duration?
    /// Streams hold after their first chunk until this many streams are open at once (a minute
    /// at most): a test that they all run together needs no guess at how long starting them takes.
    var holdUntilOpenStreams: Int?
    /// The response head is sent only after this long, as a slow or stuck upstream does.
    var delayBeforeHead: Duration?
    /// The response head is sent only once the test opens this gate.
    var headWaitsFor: FakeGate?
    /// A fault in the middle of an otherwise good stream.
    var streamFault: StreamFault?

    enum StreamFault: Sendable {
        /// A `data:` line that is not JSON, after the first chunk.
        case invalidJSONChunk
        /// The connection is dropped after half the chunks, with no finish and no `[DONE]`.
        case connectionReset
        /// A 200 answer that is an HTML page, as a captive portal or a misrouted proxy sends.
        case htmlPage
        /// A 200 event stream with an empty body, as llama.cpp's server answers a streamed
        /// context overflow.
        case emptyEventStream
        /// A 200 event stream whose body is an error object, not events.
        case errorObjectInsteadOfEvents
    }

    static let defaultText = "Hello from the fake upstream."

    init(text: String = "", reasoning: String = "", toolCalls: [ToolCall] = [], finishReason: String? = nil) {
        self.text = text
        self.reasoning = reasoning
        self.toolCalls = toolCalls
        self.finishReason = finishReason
    }

    /// A reply that is the upstream's error answer.
    static func failing(_ status: Int, _ message: String, retryAfter: String? = nil) -> FakeReply {
        var reply = FakeReply()
        reply.failure = .init(status: status, message: message, retryAfter: retryAfter)
        return reply
    }

    init(json: JSONValue) {
        text = json["text"]?.stringValue ?? ""
        reasoning = json["reasoning"]?.stringValue ?? ""
        toolCalls = (json["tool_calls"]?.arrayValue ?? []).map {
            ToolCall(id: $0["id"]?.stringValue, name: $0["name"]?.stringValue ?? "", arguments: $0["arguments"]?.stringValue ?? "{}")
        }
        finishReason = json["finish_reason"]?.stringValue
        promptTokens = json["usage"]?["prompt_tokens"]?.intValue ?? promptTokens
        completionTokens = json["usage"]?["completion_tokens"]?.intValue ?? completionTokens
        cachedTokens = json["usage"]?["cached_tokens"]?.intValue ?? cachedTokens
        if let error = json["error"] {
            failure = Failure(
                status: error["status"]?.intValue ?? 500, message: error["message"]?.stringValue ?? "fake failure",
                retryAfter: error["retry_after"]?.stringValue, code: error["code"]?.stringValue)
        }
        cutStream = json["cut_stream"]?.boolValue ?? false
        pauseAfterFirstChunk = json["pause_after_first_chunk_seconds"]?.doubleValue.map { .milliseconds(Int($0 * 1000)) }
    }

    private var resolvedFinishReason: String {
        finishReason ?? (toolCalls.isEmpty ? "stop" : "tool_calls")
    }

    private var usage: JSONValue {
        [
            "prompt_tokens": .int(promptTokens), "completion_tokens": .int(completionTokens),
            "total_tokens": .int(promptTokens + completionTokens),
            "prompt_tokens_details": ["cached_tokens": .int(cachedTokens)],
        ]
    }

    private func callID(_ index: Int) -> String {
        toolCalls[index].id ?? "call_fake_\(index)"
    }

    /// The whole Chat Completions response.
    func completion(model: String) -> JSONValue {
        var message: JSONObject = ["role": "assistant", "content": text.isEmpty ? .null : .string(text)]
        if !reasoning.isEmpty { message["reasoning_content"] = .string(reasoning) }
        if !toolCalls.isEmpty {
            message["tool_calls"] = .array(
                toolCalls.indices.map { index in
                    [
                        "id": .string(callID(index)), "type": "function",
                        "function": ["name": .string(toolCalls[index].name), "arguments": .string(toolCalls[index].arguments)],
                    ]
                })
        }
        return [
            "id": "chatcmpl-fake", "object": "chat.completion", "created": 1_700_000_000, "model": .string(model),
            "choices": [["index": 0, "message": .object(message), "finish_reason": .string(resolvedFinishReason)]],
            "usage": usage,
        ]
    }

    /// The stream's chunks, as OpenAI sends them: a role chunk, reasoning and text a few characters
    /// at a time, each tool call's id and name first and its arguments in fragments, the finish
    /// reason, then usage in a chunk with no choices.
    func chunks(model: String) -> [JSONValue] {
        func chunk(_ delta: JSONValue, finishReason: JSONValue = .null) -> JSONValue {
            [
                "id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1_700_000_000, "model": .string(model),
                "choices": [["index": 0, "delta": delta, "finish_reason": finishReason]],
            ]
        }
        var chunks: [JSONValue] = [chunk(["role": "assistant", "content": ""])]
        for piece in Self.pieces(reasoning) { chunks.append(chunk(["reasoning_content": .string(piece)])) }
        for piece in Self.pieces(text) { chunks.append(chunk(["content": .string(piece)])) }
        for index in toolCalls.indices {
            chunks.append(
                chunk([
                    "tool_calls": [
                        ["index": .int(index), "id": .string(callID(index)), "type": "function", "function": ["name": .string(toolCalls[index].name), "arguments": ""]]
                    ]
                ]))
            for piece in Self.pieces(toolCalls[index].arguments) {
                chunks.append(chunk(["tool_calls": [["index": .int(index), "function": ["arguments": .string(piece)]]]]))
            }
        }
        if cutStream { return Array(chunks.prefix(max(2, chunks.count / 2))) }
        chunks.append(chunk([:], finishReason: .string(resolvedFinishReason)))
        chunks.append([
            "id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1_700_000_000, "model": .string(model),
            "choices": [], "usage": usage,
        ])
        return chunks
    }

    /// Splits text into pieces of up to 4 characters, as tokens arrive.
    private static func pieces(_ text: String) -> [String] {
        var pieces: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            pieces.append(String(rest.prefix(4)))
            rest = rest.dropFirst(4)
        }
        return pieces
    }
}
