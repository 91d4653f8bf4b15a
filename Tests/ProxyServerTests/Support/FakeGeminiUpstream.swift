import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ProxyCore
import Synchronization

/// A strict stand-in for Gemini's native API on 127.0.0.1: `POST /v1beta/models/{model}:generateContent`,
/// `:streamGenerateContent?alt=sse` and `:countTokens`. It checks the `x-goog-api-key`, rejects what
/// the real API rejects (see `StrictGeminiValidator`), issues a fresh thought signature with every
/// reply's first function call and thought, and accepts on later requests only the signatures it
/// issued. It answers from a queue of scripted replies (a default text reply when it is empty),
/// grounded in a search only when the request declared Google Search, and records every request it
/// accepted. `GET /v1beta/models` lists the models it serves, for the same key.
///
/// Control endpoints for out-of-process clients: `POST /_gemini/script` `{"replies": [...]}`
/// replaces the queue, `GET /_gemini/requests` lists the recorded request bodies.
final class FakeGeminiUpstream: Sendable {
    static let apiKey = "AIzaFakeGeminiKey0123456789abcdefghijkl"
    /// What `countTokens` answers.
    static let countedTokens = 4_321

    /// The doors requests come in by: the Gemini API's, and Vertex AI's with a project's access token
    /// or with an express mode key.
    enum Door: Sendable, Equatable {
        case geminiAPI
        case vertexProject(project: String, location: String)
        case vertexExpress
    }

    /// The key Vertex AI's express mode takes here.
    static let vertexAPIKey = "AQ.FakeVertexExpressKey0123456789"

    struct Received: Sendable {
        /// `generateContent`, `streamGenerateContent` or `countTokens`.
        var method: String
        var model: String
        var body: JSONValue
        var door: Door = .geminiAPI
    }

    private struct State {
        var replies: [FakeGeminiReply] = []
        var requests: [Received] = []
        /// Every signature issued, as bytes.
        var signatures: Set<Data> = []
        var issuedCount = 0
        /// `countTokens` fails with this when set.
        var countTokensFailure: FakeGeminiReply?
        /// The access tokens Vertex AI's project door takes.
        var accessTokens: Set<String> = []
    }

    private let state = Mutex(State())
    /// Its explicit caches (`cachedContents`).
    let caches = FakeGeminiCaches()

    func enqueue(_ replies: FakeGeminiReply...) {
        state.withLock { $0.replies += replies }
    }

    var receivedRequests: [Received] {
        state.withLock { $0.requests }
    }

    /// The generate requests' bodies, in order.
    var generateRequests: [JSONValue] {
        receivedRequests.filter { $0.method != "countTokens" }.map(\.body)
    }

    /// Lets Vertex AI's project door take `token` (as a token endpoint's issuing it would).
    func acceptAccessToken(_ token: String) {
        state.withLock { _ = $0.accessTokens.insert(token) }
    }

    /// Vertex AI stops taking `token` before its expiry (revoked).
    func revokeAccessToken(_ token: String) {
        state.withLock { _ = $0.accessTokens.remove(token) }
    }

    func failCountTokens(with reply: FakeGeminiReply) {
        state.withLock { $0.countTokensFailure = reply }
    }

    /// A new signature in standard base64, with `+`, `/` and padding in it, remembered as issued.
    private func issueSignature() -> String {
        var bytes: [UInt8] = [0xFB, 0xEF, 0xFF]
        bytes += (0..<32).map { _ in UInt8.random(in: 0...255) }
        let signature = Data(bytes)
        state.withLock {
            $0.signatures.insert(signature)
            $0.issuedCount += 1
        }
        return signature.base64EncodedString()
    }

    func isIssued(_ signature: String) -> Bool {
        guard let bytes = StrictGeminiValidator.bytes(ofBase64: signature) else { return false }
        return state.withLock { $0.signatures.contains(bytes) }
    }

    /// How many signatures the fake has issued.
    var issuedSignatures: Int {
        state.withLock { $0.issuedCount }
    }

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v1beta/models/:call") { request, context in
            try await self.answer(request, call: context.parameters.get("call") ?? "", door: .geminiAPI)
        }
        router.post("/v1/publishers/google/models/:call") { request, context in
            try await self.answer(request, call: context.parameters.get("call") ?? "", door: .vertexExpress)
        }
        router.post("/v1/projects/:project/locations/:location/publishers/google/models/:call") { request, context in
            let door = Door.vertexProject(project: context.parameters.get("project") ?? "", location: context.parameters.get("location") ?? "")
            return try await self.answer(request, call: context.parameters.get("call") ?? "", door: door)
        }
        router.post("/v1beta/cachedContents") { request, _ in
            if let refusal = Self.keyRefusal(request) { return refusal }
            let bytes = Array(try await request.body.collect(upTo: 64 << 20).readableBytesView)
            guard let body = try? JSONParser.parse(bytes) else { return Self.error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.") }
            return Self.answer(self.caches.create(body))
        }
        router.delete("/v1beta/cachedContents/:id") { request, context in
            if let refusal = Self.keyRefusal(request) { return refusal }
            return Self.answer(self.caches.delete("cachedContents/\(context.parameters.get("id") ?? "")"))
        }
        router.get("/v1beta/models") { request, _ in
            if let refusal = Self.keyRefusal(request) { return refusal }
            let models = StrictGeminiValidator.outputCeilings.sorted { $0.key < $1.key }.map { model, ceiling -> JSONValue in
                [
                    "name": .string("models/\(model)"), "version": "001", "displayName": .string(model), "inputTokenLimit": 1_048_576,
                    "outputTokenLimit": .int(ceiling), "supportedGenerationMethods": ["generateContent", "countTokens"],
                ]
            }
            return Self.json(["models": .array(models)])
        }
        router.post("/_gemini/script") { request, _ in
            let body = try JSONParser.parse(Array(try await request.body.collect(upTo: 1 << 20).readableBytesView))
            let replies = (body["replies"]?.arrayValue ?? []).map(FakeGeminiReply.init(json:))
            self.state.withLock { state in
                state.replies = replies
                state.requests = []
                state.countTokensFailure = body["count_tokens_error"].map(FakeGeminiReply.init(json:))
            }
            return Response(status: .noContent)
        }
        router.get("/_gemini/requests") { _, _ in
            Self.json(.array(self.receivedRequests.map { ["method": .string($0.method), "model": .string($0.model), "body": $0.body] }))
        }
    }

    private func answer(_ request: Request, call: String, door: Door) async throws -> Response {
        guard let colon = call.lastIndex(of: ":") else { return Self.error(404, "NOT_FOUND", "Method not found.") }
        let model = String(call[..<colon])
        let method = String(call[call.index(after: colon)...])
        if let refusal = refusal(request, at: door) { return refusal }
        guard StrictGeminiValidator.outputCeilings[model] != nil else {
            return Self.error(404, "NOT_FOUND", "models/\(model) is not found for API version v1beta, or is not supported for \(method).")
        }
        let bytes = Array(try await request.body.collect(upTo: 64 << 20).readableBytesView)
        guard let body = try? JSONParser.parse(bytes) else { return Self.error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.") }
        let validator = StrictGeminiValidator(model: model, isIssued: isIssued, onVertex: door != .geminiAPI)
        var answered = body
        var cachedTokens = 0
        switch method {
        case "countTokens":
            guard let prompt = body["generateContentRequest"], body.objectValue?.keys == ["generateContentRequest"] else {
                return Self.error(400, "INVALID_ARGUMENT", "Invalid JSON payload received. countTokens takes contents or generateContentRequest.")
            }
            guard prompt["model"] == .string("models/\(model)") else { return Self.error(400, "INVALID_ARGUMENT", "generate_content_request.model is required") }
            var generate = prompt.objectValue ?? [:]
            generate["model"] = nil
            if let problem = validator.problem(with: .object(generate)) { return Self.error(400, "INVALID_ARGUMENT", problem) }
            let failure = state.withLock { state in
                state.requests.append(Received(method: method, model: model, body: body))
                return state.countTokensFailure
            }
            if let failure { return Self.json(failure.errorBody, status: .init(code: failure.failure?.status ?? 500)) }
            return Self.json(["totalTokens": .int(Self.countedTokens), "promptTokensDetails": [["modality": "TEXT", "tokenCount": .int(Self.countedTokens)]]])
        case "generateContent", "streamGenerateContent":
            switch caches.resolve(body, model: model) {
            case .failure(let error):
                return Self.error(error.status, error.statusName, error.message)
            case .success(let (whole, cached)):
                if let problem = validator.problem(with: whole) { return Self.error(400, "INVALID_ARGUMENT", problem) }
                cachedTokens = cached
                answered = whole
            }
        default:
            return Self.error(404, "NOT_FOUND", "Method not found.")
        }
        var reply = state.withLock { state in
            state.requests.append(Received(method: method, model: model, body: body, door: door))
            return (state.replies.isEmpty ? FakeGeminiReply(text: FakeGeminiReply.defaultText) : state.replies.removeFirst()).answering(answered)
        }
        if cachedTokens > 0 {
            reply.cachedTokens = cachedTokens
            reply.promptTokens += cachedTokens
        }
        if let failure = reply.failure { return Self.json(reply.errorBody, status: .init(code: failure.status)) }
        let thoughtSignature = reply.thought.isEmpty ? nil : issueSignature()
        let callSignature = reply.calls.isEmpty ? nil : issueSignature()
        guard method == "streamGenerateContent" else {
            return Self.json(reply.whole(model: model, thoughtSignature: thoughtSignature, callSignature: callSignature))
        }
        guard request.uri.query == "alt=sse" else {
            return Self.error(400, "INVALID_ARGUMENT", "The fake serves streams only as server-sent events (alt=sse).")
        }
        let events = reply.events(model: model, thoughtSignature: thoughtSignature, callSignature: callSignature)
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream"],
            body: ResponseBody { writer in
                // One write per event, so that the proxy sees the stream arrive piece by piece.
                for event in events {
                    var frame = JSONWriter()
                    frame.append(raw: "data: ".utf8)
                    frame.write(event)
                    frame.append(raw: "\r\n\r\n".utf8)
                    try await writer.write(ByteBuffer(bytes: frame.bytes))
                }
                try await writer.finish(nil)
            })
    }

    /// The refusal of a request without the credentials its door takes: Gemini's key, Vertex AI's
    /// express key, or an access token issued to the project's door; nil when they are right.
    private func refusal(_ request: Request, at door: Door) -> Response? {
        switch door {
        case .geminiAPI:
            return Self.keyRefusal(request)
        case .vertexExpress:
            guard request.headers[HTTPField.Name("x-goog-api-key")!] == Self.vertexAPIKey else {
                return Self.error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.")
            }
            return nil
        case .vertexProject:
            let token = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
            guard let token, state.withLock({ $0.accessTokens.contains(token) }) else {
                return Self.error(
                    401, "UNAUTHENTICATED",
                    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.")
            }
            return nil
        }
    }

    /// Gemini's answer to a request without its key (403) or with another (400), on every method.
    private static func keyRefusal(_ request: Request) -> Response? {
        guard let key = request.headers[HTTPField.Name("x-goog-api-key")!] else {
            return Self.error(
                403, "PERMISSION_DENIED",
                "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.")
        }
        guard key == Self.apiKey else {
            return Self.json(
                [
                    "error": [
                        "code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT",
                        "details": [["@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com"]],
                    ]
                ], status: .badRequest)
        }
        return nil
    }

    private static func answer(_ result: Result<JSONValue, FakeGeminiError>) -> Response {
        switch result {
        case .success(let value): json(value)
        case .failure(let failure): error(failure.status, failure.statusName, failure.message)
        }
    }

    private static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.encode(value))))
    }

    private static func error(_ code: Int, _ status: String, _ message: String) -> Response {
        json(["error": ["code": .int(code), "message": .string(message), "status": .string(status)]], status: HTTPResponse.Status(code: code))
    }
}
