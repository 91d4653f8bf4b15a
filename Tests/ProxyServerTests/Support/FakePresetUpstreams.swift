import HTTPTypes
import Hummingbird
import NIOCore
import ProxyCore
import Synchronization

/// Stand-ins for the ready-made providers, each under `/presets/<name>` on the fake server
/// (Azure's deployments under `/presets/azure/openai/deployments/<deployment>`). Each checks its
/// own key in its own header and rejects what its provider rejects, on top of OpenAI's rules
/// (`StrictOpenAIValidator`); it records what reached it and answers with Chat Completions replies.
final class FakePresetUpstreams: Sendable {
    struct Received: Sendable {
        var preset: String
        /// The path and query the request came to.
        var uri: String
        var headers: [String: String]
        var body: JSONValue
    }

    /// The key each preset's fake accepts; presets missing here take none.
    static let keys = [
        "openrouter": "sk-or-fake", "deepseek": "sk-ds-fake", "groq": "gsk-fake", "xai": "xai-fake", "azure": "az-fake", "vllm": "vllm-fake",
    ]

    /// What each provider answers 400 to (from their API references), with its wording.
    private static func rejection(_ preset: String, _ body: JSONValue) -> String? {
        switch preset {
        case "xai":
            for parameter in ["stop", "reasoning_effort", "presence_penalty", "frequency_penalty"] where body[parameter] != nil {
                return "Model \(body["model"]?.stringValue ?? "") does not support parameter \(parameter)."
            }
        case "groq":
            for parameter in ["reasoning_effort", "logprobs", "logit_bias", "top_logprobs"] where body[parameter] != nil {
                return "`\(parameter)` is not supported with this model"
            }
        case "deepseek":
            if body["model"] == "deepseek-chat", let maxTokens = body["max_tokens"]?.intValue, maxTokens > 8_192 {
                return "Invalid max_tokens value, the valid range of max_tokens is [1, 8192]"
            }
            // Thinking mode: a turn that called tools must come back with its reasoning_content.
            for (index, message) in (body["messages"]?.arrayValue ?? []).enumerated()
            where body["model"] == "deepseek-reasoner" && message["tool_calls"] != nil && message["reasoning_content"]?.stringValue == nil {
                return "Missing `reasoning_content` field in the assistant message at message index \(index)"
            }
        default:
            break
        }
        return nil
    }

    private struct State {
        var replies: [FakeReply] = []
        var received: [Received] = []
    }

    private let state = Mutex(State())

    func enqueue(_ replies: FakeReply...) {
        state.withLock { $0.replies += replies }
    }

    var received: [Received] {
        state.withLock { $0.received }
    }

    func register(on router: Router<BasicRequestContext>) {
        router.post("/presets/azure/openai/deployments/:deployment/chat/completions") { request, _ in try await self.answer(request, preset: "azure") }
        router.post("/presets/:preset/chat/completions") { request, context in
            try await self.answer(request, preset: context.parameters.get("preset") ?? "")
        }
    }

    private func answer(_ request: Request, preset: String) async throws -> Response {
        let body = try JSONParser.parse(Array(try await request.body.collect(upTo: 64 << 20).readableBytesView))
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let reply = state.withLock { state in
            state.received.append(Received(preset: preset, uri: request.uri.description, headers: headers, body: body))
            return state.replies.isEmpty ? FakeReply(text: FakeReply.defaultText) : state.replies.removeFirst()
        }
        let presented = preset == "azure" ? headers["api-key"] : headers["authorization"].map { String($0.dropFirst("Bearer ".count)) }
        if presented != Self.keys[preset] {
            return Self.json(["error": ["message": .string("Invalid API key for \(preset)."), "type": "invalid_request_error", "code": "invalid_api_key"]], status: .unauthorized)
        }
        if preset == "azure", request.uri.queryParameters["api-version"] == nil {
            return Self.json(["error": ["code": "404", "message": "Resource not found"]], status: .notFound)
        }
        // OpenAI's own rules, for the model under any vendor path (OpenRouter's `openai/o3`).
        var asOpenAI = body.objectValue ?? [:]
        asOpenAI["model"] = body["model"]?.stringValue.map { .string(String($0.split(separator: "/").last ?? "")) }
        if let problem = StrictOpenAIValidator.problem(with: .object(asOpenAI)) ?? Self.rejection(preset, body) {
            return Self.json(["error": ["message": .string(problem), "type": "invalid_request_error", "param": nil, "code": nil]], status: .badRequest)
        }
        let model = body["model"]?.stringValue ?? ""
        guard body["stream"] == true else { return Self.json(reply.completion(model: model)) }
        var stream = JSONWriter()
        for chunk in reply.chunks(model: model) {
            stream.append(raw: "data: ".utf8)
            stream.write(chunk)
            stream.append(raw: "\n\n".utf8)
        }
        stream.append(raw: "data: [DONE]\n\n".utf8)
        return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: stream.bytes)))
    }

    private static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.encode(value))))
    }
}
