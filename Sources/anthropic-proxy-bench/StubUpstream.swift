import ArgumentParser
import Hummingbird
import NIOCore
import ProxyCore
import Synchronization

/// An upstream that answers at once with fixed replies, so that what a benchmark measures is the
/// proxy: OpenAI Chat Completions (`POST /v1/chat/completions`, whole or a stream of 184 chunks)
/// and Gemini (`:generateContent`, `:streamGenerateContent`, and `cachedContents` to make and
/// delete explicit prompt caches). A model whose name ends in `-paced`
/// gets its stream's chunks 20 ms apart, as a model producing tokens does, so that many streams
/// stay open at once.
struct StubUpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "upstream", abstract: "Serve fixed OpenAI and Gemini replies on 127.0.0.1.")

    @Option(help: "Port to listen on.")
    var port = 18090

    func run() async throws {
        let replies = StubReplies()
        let router = Router()
        router.post("/v1/chat/completions") { request, _ in
            // The parts are kept (not copied) so that only a stream's body is searched twice.
            var parts: [ByteBuffer] = [], streams = StubBodySearch(#""stream":true"#)
            for try await part in request.body {
                streams.scan(part)
                parts.append(part)
            }
            guard streams.found else { return replies.openAIWhole }
            var paced = StubBodySearch("-paced\"")
            for part in parts { paced.scan(part) }
            return paced.found ? replies.pacedOpenAIStream() : replies.openAIStream
        }
        // Gemini's explicit prompt caches, which the proxy makes for a conversation's prefix
        // (Claude Code marks a breakpoint every turn): each creation names a cache of its own.
        let caches = Atomic<Int>(0)
        router.post("/v1beta/cachedContents") { request, _ in
            for try await _ in request.body {}
            let number = caches.add(1, ordering: .relaxed).newValue
            let cache: JSONValue = ["name": .string("cachedContents/stub-\(number)"), "usageMetadata": ["totalTokenCount": 250_000]]
            return StubReplies.response(JSONWriter.encode(cache), contentType: "application/json")
        }
        router.delete("/v1beta/cachedContents/:name") { _, _ in
            StubReplies.response(Array("{}".utf8), contentType: "application/json")
        }
        router.post("/v1beta/models/:call") { request, context in
            for try await _ in request.body {}
            return context.parameters.get("call")?.hasSuffix(":streamGenerateContent") == true ? replies.geminiStream : replies.geminiWhole
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "stub-upstream", backlog: 4096))
        try await app.runService()
    }
}

/// The stub's replies, encoded once.
struct StubReplies: Sendable {
    /// Chunks in a streamed reply, as the benchmark's figures are quoted for.
    static let streamChunkCount = 184
    static let text = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 8)

    let openAIWhole: Response
    let openAIStream: Response
    let geminiWhole: Response
    let geminiStream: Response
    /// The OpenAI stream's events, one buffer each, for paced replies.
    private let openAIEvents: [ByteBuffer]

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
    }

    /// The OpenAI stream with its chunks 20 ms apart.
    func pacedOpenAIStream() -> Response {
        let events = openAIEvents
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream"],
            body: ResponseBody { writer in
                for event in events {
                    try await writer.write(event)
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await writer.finish(nil)
            })
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

    private static func sse(_ events: [JSONValue]) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 64 * 1024)
        for event in events {
            writer.append(raw: "data: ".utf8)
            writer.write(event)
            writer.append(raw: "\n\n".utf8)
        }
        return writer.bytes
    }

    static func response(_ bytes: [UInt8], contentType: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
