import HTTPTypes
import Hummingbird
import NIOCore
import ProxyCore
import Synchronization

/// A stand-in for Anthropic's API: records each request's raw body and headers, answers with a
/// message (or a short event stream) naming the model it received; lists Claude's models.
final class FakeAnthropicUpstream: Sendable {
    struct Received: Sendable {
        var path: String
        var body: [UInt8]
        var headers: [String: String]
    }

    private let received = Mutex<[Received]>([])
    /// The access tokens Claude on Vertex AI takes here.
    private let accessTokens = Mutex<Set<String>>([])

    /// Lets Claude on Vertex AI take `token` (as a token endpoint's issuing it would).
    func acceptAccessToken(_ token: String) {
        _ = accessTokens.withLock { $0.insert(token) }
    }

    var requests: [Received] {
        received.withLock { $0 }
    }

    /// The key `GET /v1/models` accepts (the messages endpoints pass whatever they get on, as
    /// passthrough tests need).
    static let apiKey = "sk-ant-fake-upstream-key-0123456789"

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/messages") { request, _ in try await self.answer(request) }
        router.post("/v1/projects/:project/locations/:location/publishers/anthropic/models/:call") { request, context in
            try await self.answerOnVertex(request, call: context.parameters.get("call") ?? "")
        }
        router.post("/v1/messages/count_tokens") { request, _ in
            _ = try await self.record(request)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"input_tokens":4242}"#)))
        }
    }

    /// `GET /v1/models`, strict as the API is: `anthropic-version` required, the key checked. (The
    /// harness routes it: OpenAI's list has the same path.)
    static func modelList(_ request: Request) -> Response {
        func error(_ status: HTTPResponse.Status, _ type: String, _ message: String) -> Response {
            Response(
                status: status, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.encode(["type": "error", "error": ["type": .string(type), "message": .string(message)]]))))
        }
        guard request.headers[HTTPField.Name("x-api-key")!] == apiKey else { return error(.unauthorized, "authentication_error", "invalid x-api-key") }
        guard request.headers[HTTPField.Name("anthropic-version")!] != nil else {
            return error(.badRequest, "invalid_request_error", "anthropic-version: header is required")
        }
        let models = ClaudeModelName.known.map { model -> JSONValue in
            ["type": "model", "id": .string(model.id), "display_name": .string(model.displayName), "created_at": .string(model.createdAt)]
        }
        let list: JSONValue = ["data": .array(models), "has_more": false, "first_id": models.first?["id"] ?? .null, "last_id": models.last?["id"] ?? .null]
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.encode(list))))
    }

    private func record(_ request: Request) async throws -> JSONValue {
        let body = Array(try await request.body.collect(upTo: 64 << 20).readableBytesView)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        received.withLock { $0.append(Received(path: request.uri.description, body: body, headers: headers)) }
        return try JSONParser.parse(body)
    }

    private func answer(_ request: Request) async throws -> Response {
        let body = try await record(request)
        let compacts = body["context_management"]?["edits"]?.arrayValue?.contains { $0["type"] == "compact_20260112" } == true
        if compacts, body["stream"]?.boolValue != true { return Self.compactedMessage(model: body["model"]?.stringValue ?? "") }
        return Self.message(model: body["model"]?.stringValue ?? "", stream: body["stream"]?.boolValue == true)
    }

    /// A reply written after a server-side compaction, as Anthropic bills it: the top-level usage
    /// is the message's, `iterations` holds the compaction's too.
    private static func compactedMessage(model: String) -> Response {
        let reply = #"{"id":"msg_up_compacted","type":"message","role":"assistant","model":"\#(model)","content":[{"type":"compaction","content":"Summary.","signature":"sig"},{"type":"text","text":"Hi from \#(model)"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":7,"output_tokens":3,"iterations":[{"type":"compaction","input_tokens":50000,"output_tokens":200},{"type":"message","input_tokens":7,"output_tokens":3}]}}"#
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: reply)))
    }

    /// Claude on Vertex AI, as strict as Vertex: an access token it issued, `anthropic_version`
    /// in the body, the model in the URL and not in the body (but for counting tokens), and a
    /// stream only from `streamRawPredict`.
    private func answerOnVertex(_ request: Request, call: String) async throws -> Response {
        func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
            Response(
                status: status, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.encode(["error": ["code": .int(Int(status.code)), "message": .string(message)]]))))
        }
        let token = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        guard let token, accessTokens.withLock({ $0.contains(token) }) else {
            return error(.unauthorized, "Request had invalid authentication credentials. Expected OAuth 2 access token.")
        }
        let body = try await record(request)
        guard body["anthropic_version"] == "vertex-2023-10-16" else { return error(.badRequest, "anthropic_version: Field required") }
        guard let colon = call.lastIndex(of: ":") else { return error(.notFound, "Method not found.") }
        let model = String(call[..<colon])
        switch String(call[call.index(after: colon)...]) {
        case "rawPredict" where model == "count-tokens":
            guard body["model"] != nil else { return error(.badRequest, "model: Field required") }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"input_tokens":4242}"#)))
        case "rawPredict", "streamRawPredict":
            guard body["model"] == nil else { return error(.badRequest, "model: Extra inputs are not permitted") }
            let stream = body["stream"]?.boolValue == true
            guard stream == call.hasSuffix(":streamRawPredict") else { return error(.badRequest, "stream: use streamRawPredict for streams, rawPredict otherwise") }
            return Self.message(model: model, stream: stream)
        default:
            return error(.notFound, "Method not found.")
        }
    }

    /// A message naming `model`, whole or as a short event stream.
    private static func message(model: String, stream: Bool) -> Response {
        // Each reply its own id, as Anthropic's: a message thread continues from one.
        let id = "msg_up_\(UInt64.random(in: 0...UInt64.max))"
        if stream {
            let events = [
                #"event: message_start"# + "\n" + #"data: {"type":"message_start","message":{"id":"\#(id)","type":"message","role":"assistant","model":"\#(model)","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":7,"output_tokens":1}}}"#,
                #"event: content_block_start"# + "\n" + #"data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
                #"event: content_block_delta"# + "\n" + #"data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi from \#(model)"}}"#,
                #"event: content_block_stop"# + "\n" + #"data: {"type":"content_block_stop","index":0}"#,
                #"event: message_delta"# + "\n" + #"data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":3}}"#,
                #"event: message_stop"# + "\n" + #"data: {"type":"message_stop"}"#,
            ]
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", HTTPField.Name("request-id")!: "req_fake"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: events.joined(separator: "\n\n") + "\n\n")))
        }
        let reply = #"{"id":"\#(id)","type":"message","role":"assistant","model":"\#(model)","content":[{"type":"text","text":"Hi from \#(model)"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":7,"output_tokens":3}}"#
        return Response(
            status: .ok, headers: [.contentType: "application/json", HTTPField.Name("request-id")!: "req_fake"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: reply)))
    }
}
