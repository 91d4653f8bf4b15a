import NIOCore
import ProxyCore

/// The stub's replies, encoded once.
struct StubReplies: Sendable {
    /// Chunks in a streamed reply, as the benchmark's figures are quoted for.
    static let streamChunkCount = 184
    static let text = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 8)

    let openAIWhole: StubReply
    let openAIStream: StubReply
    let geminiWhole: StubReply
    let geminiStream: StubReply
    let anthropicWhole: StubReply
    let anthropicStream: StubReply
    let responsesWhole: StubReply
    let responsesStream: StubReply
    /// The OpenAI stream's events, one buffer each, for paced replies.
    let openAIEvents: [ByteBuffer]
    /// `{}`: a deleted cache, and what an unknown endpoint gets (with 404).
    static let emptyObject = response(Array("{}".utf8), contentType: "application/json")

    init() {
        let usage: JSONValue = ["prompt_tokens": 9000, "completion_tokens": 180, "total_tokens": 9180]
        let whole: JSONValue = [
            "id": "chatcmpl-stub", "object": "chat.completion", "created": 1_760_000_000, "model": "gpt-4.1",
            "choices": [["index": 0, "message": ["role": "assistant", "content": .string(Self.text)], "finish_reason": "stop"]], "usage": usage,
        ]
        openAIWhole = Self.response(JSONWriter.encode(whole), contentType: "application/json")

        let pieces = Self.pieces(Self.text, count: Self.streamChunkCount - 3)
        var events: [JSONValue] = [Self.chunk(["role": "assistant", "content": ""])]
        events += pieces.map { Self.chunk(["content": .string($0)]) }
        events.append(Self.chunk([:], finishReason: "stop"))
        events.append(["id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": 1_760_000_000, "model": "gpt-4.1", "choices": [], "usage": usage])
        openAIStream = Self.response(Self.sse(events) + Array("data: [DONE]\n\n".utf8), contentType: "text/event-stream")
        openAIEvents = events.map { ByteBuffer(bytes: Self.sse([$0])) } + [ByteBuffer(string: "data: [DONE]\n\n")]

        let geminiUsage: JSONValue = ["promptTokenCount": 9000, "candidatesTokenCount": 180, "totalTokenCount": 9180]
        func geminiChunk(_ text: String, finish: Bool) -> JSONValue {
            var candidate: JSONObject = ["content": ["role": "model", "parts": [["text": .string(text)]]], "index": 0]
            if finish { candidate["finishReason"] = "STOP" }
            var response: JSONObject = ["candidates": [.object(candidate)], "modelVersion": "gemini-2.5-flash"]
            if finish { response["usageMetadata"] = geminiUsage }
            return .object(response)
        }
        geminiWhole = Self.response(JSONWriter.encode(geminiChunk(Self.text, finish: true)), contentType: "application/json")
        let geminiPieces = Self.pieces(Self.text, count: Self.streamChunkCount)
        let geminiEvents = geminiPieces.enumerated().map { index, piece in geminiChunk(piece, finish: index == geminiPieces.count - 1) }
        geminiStream = Self.response(Self.sse(geminiEvents), contentType: "text/event-stream")

        let anthropicUsage: JSONValue = ["input_tokens": 9000, "output_tokens": 180]
        func message(_ content: [JSONValue], stopReason: JSONValue) -> JSONValue {
            [
                "id": "msg_stub", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5", "content": .array(content),
                "stop_reason": stopReason, "stop_sequence": .null, "usage": anthropicUsage,
            ]
        }
        anthropicWhole = Self.response(JSONWriter.encode(message([["type": "text", "text": .string(Self.text)]], stopReason: "end_turn")), contentType: "application/json")
        var anthropicEvents: [JSONValue] = [
            ["type": "message_start", "message": message([], stopReason: .null)],
            ["type": "content_block_start", "index": 0, "content_block": ["type": "text", "text": ""]],
        ]
        anthropicEvents += Self.pieces(Self.text, count: Self.streamChunkCount - 5).map {
            ["type": "content_block_delta", "index": 0, "delta": ["type": "text_delta", "text": .string($0)]]
        }
        anthropicEvents += [
            ["type": "content_block_stop", "index": 0],
            ["type": "message_delta", "delta": ["stop_reason": "end_turn", "stop_sequence": .null], "usage": ["output_tokens": 180]],
            ["type": "message_stop"],
        ]
        anthropicStream = Self.response(Self.sse(anthropicEvents, named: true), contentType: "text/event-stream")

        let responsesUsage: JSONValue = ["input_tokens": 9000, "output_tokens": 180, "total_tokens": 9180]
        func responseObject(_ output: [JSONValue], status: String) -> JSONValue {
            ["id": "resp_stub", "object": "response", "status": .string(status), "model": "gpt-5", "output": .array(output), "usage": responsesUsage]
        }
        let part: JSONValue = ["type": "output_text", "text": .string(Self.text), "annotations": []]
        let item: JSONValue = ["type": "message", "id": "msg_stub", "role": "assistant", "status": "completed", "content": [part]]
        responsesWhole = Self.response(JSONWriter.encode(responseObject([item], status: "completed")), contentType: "application/json")
        var responsesEvents: [JSONValue] = [
            ["type": "response.created", "response": responseObject([], status: "in_progress")],
            ["type": "response.output_item.added", "output_index": 0, "item": ["type": "message", "id": "msg_stub", "role": "assistant", "status": "in_progress", "content": []]],
            ["type": "response.content_part.added", "output_index": 0, "item_id": "msg_stub", "content_index": 0, "part": ["type": "output_text", "text": "", "annotations": []]],
        ]
        responsesEvents += Self.pieces(Self.text, count: Self.streamChunkCount - 7).map {
            ["type": "response.output_text.delta", "output_index": 0, "item_id": "msg_stub", "content_index": 0, "delta": .string($0)]
        }
        responsesEvents += [
            ["type": "response.output_text.done", "output_index": 0, "item_id": "msg_stub", "content_index": 0, "text": .string(Self.text)],
            ["type": "response.content_part.done", "output_index": 0, "item_id": "msg_stub", "content_index": 0, "part": part],
            ["type": "response.output_item.done", "output_index": 0, "item": item],
            ["type": "response.completed", "response": responseObject([item], status: "completed")],
        ]
        responsesStream = Self.response(Self.sse(responsesEvents, named: true), contentType: "text/event-stream")
    }

    private static func chunk(_ delta: JSONValue, finishReason: JSONValue = .null) -> JSONValue {
        [
            "id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": 1_760_000_000, "model": "gpt-4.1",
            "choices": [["index": 0, "delta": delta, "finish_reason": finishReason]],
        ]
    }

    /// `text` cut into `count` pieces of nearly equal length.
    private static func pieces(_ text: String, count: Int) -> [String] {
        let characters = Array(text)
        return (0..<count).map { index in
            String(characters[(index * characters.count / count)..<((index + 1) * characters.count / count)])
        }
    }

    /// The events as SSE; `named`, each named by its `type` on an `event:` line, as Anthropic
    /// and the Responses API send them.
    private static func sse(_ events: [JSONValue], named: Bool = false) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 64 * 1024)
        for event in events {
            if named { writer.append(raw: "event: \(event["type"]?.stringValue ?? "")\n".utf8) }
            writer.append(raw: "data: ".utf8)
            writer.write(event)
            writer.append(raw: "\n\n".utf8)
        }
        return writer.bytes
    }

    static func response(_ bytes: [UInt8], contentType: String) -> StubReply {
        StubReply(contentType: contentType, body: ByteBuffer(bytes: bytes))
    }
}
