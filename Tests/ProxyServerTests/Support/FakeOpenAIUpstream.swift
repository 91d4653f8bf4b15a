import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ProxyCore
import Synchronization

/// A strict stand-in for the OpenAI Chat Completions API on 127.0.0.1: checks the key, rejects what
/// the real API rejects (see `StrictOpenAIValidator`), and answers from a queue of scripted replies
/// (a default text reply when the queue is empty). It records every request it accepted. Its
/// search models answer with `annotations` on the message, and streamed in one delta before the
/// finish, as OpenAI's do.
///
/// Control endpoints for out-of-process clients: `POST /_script` `{"replies": [...]}` replaces the
/// queue, `GET /_requests` lists the recorded request bodies.
final class FakeOpenAIUpstream: Sendable {
    static let apiKey = "sk-fake-upstream-key-0123456789abcdef"
    /// Another valid key, for tests that rotate keys.
    static let secondAPIKey = "sk-fake-upstream-key-second-9876543210"

    /// A reply and the `url_citation` annotations a search model marks it with.
    private struct ScriptedReply {
        var reply: FakeReply
        var annotations: [JSONValue] = []
    }

    private struct State {
        var replies: [ScriptedReply] = []
        var requests: [JSONValue] = []
        /// The bearer key of every request, accepted or not, in order.
        var keys: [String] = []
        /// Streams whose client (the proxy) went away before the end.
        var abandonedStreams = 0
        /// Streams being written now, and the most there ever were at once.
        var openStreams = 0
        var mostOpenStreams = 0
    }

    private let state = Mutex(State())

    func enqueue(_ replies: FakeReply...) {
        enqueue(contentsOf: replies)
    }

    func enqueue(contentsOf replies: [FakeReply]) {
        state.withLock { $0.replies += replies.map { ScriptedReply(reply: $0) } }
    }

    /// A search model's reply: `reply`'s text, with `annotations` (`{"type": "url_citation", ...}`).
    func enqueue(_ reply: FakeReply, annotations: [JSONValue]) {
        state.withLock { $0.replies.append(ScriptedReply(reply: reply, annotations: annotations)) }
    }

    var receivedRequests: [JSONValue] {
        state.withLock { $0.requests }
    }

    var receivedKeys: [String] {
        state.withLock { $0.keys }
    }

    var mostConcurrentStreams: Int {
        state.withLock { $0.mostOpenStreams }
    }

    /// Waits until `count` streams have been open at once, or a minute has gone by.
    private func holdUntil(openStreams count: Int) async throws {
        try await waitUntil { mostConcurrentStreams >= count }
    }

    var abandonedStreams: Int {
        state.withLock { $0.abandonedStreams }
    }

    private func nextReply(for body: JSONValue) -> ScriptedReply {
        state.withLock { state in
            state.requests.append(body)
            return state.replies.isEmpty ? ScriptedReply(reply: FakeReply(text: FakeReply.defaultText)) : state.replies.removeFirst()
        }
    }

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/chat/completions") { request, _ in
            try await self.complete(request)
        }
        router.post("/_script") { request, _ in
            let body = try JSONParser.parse(Array(try await request.body.collect(upTo: 1 << 20).readableBytesView))
            let replies = (body["replies"]?.arrayValue ?? []).map { ScriptedReply(reply: FakeReply(json: $0)) }
            self.state.withLock { $0 = State(replies: replies) }
            return Response(status: .noContent)
        }
        router.get("/_requests") { _, _ in
            Self.json(.array(self.receivedRequests))
        }
    }

    /// `GET /v1/models`: the models it knows, for its keys. (The harness routes it: Anthropic's list
    /// has the same path.)
    static func modelList(_ request: Request) -> Response {
        guard [apiKey, secondAPIKey].contains(bearerKey(request)) else { return refusedKey() }
        let models = (Array(StrictOpenAIValidator.outputCeilings.keys) + StrictOpenAIValidator.searchModels).sorted().map { id -> JSONValue in
            ["id": .string(id), "object": "model", "created": 1_700_000_000, "owned_by": "openai"]
        }
        return json(["object": "list", "data": .array(models)])
    }

    private func complete(_ request: Request) async throws -> Response {
        let key = Self.bearerKey(request)
        state.withLock { $0.keys.append(key) }
        guard [Self.apiKey, Self.secondAPIKey].contains(key) else { return Self.refusedKey() }
        let bytes = Array(try await request.body.collect(upTo: 64 << 20).readableBytesView)
        guard let body = try? JSONParser.parse(bytes) else {
            return Self.error(400, "We could not parse the JSON body of your request.", type: "invalid_request_error")
        }
        if let problem = StrictOpenAIValidator.problem(with: body) {
            return Self.error(400, problem, type: "invalid_request_error")
        }
        let scripted = nextReply(for: body)
        let reply = scripted.reply
        if let delay = reply.delayBeforeHead { try await Task.sleep(for: delay) }
        try await reply.headWaitsFor?.wait()
        if reply.streamFault == .htmlPage {
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "<html><body><h1>Welcome to nginx!</h1></body></html>")))
        }
        if reply.streamFault == .emptyEventStream {
            return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: ResponseBody())
        }
        if reply.streamFault == .errorObjectInsteadOfEvents {
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}"#)))
        }
        if let failure = reply.failure {
            var response = Self.error(
                failure.status, failure.message, type: failure.status == 429 ? "rate_limit_error" : failure.status < 500 ? "invalid_request_error" : "server_error",
                code: failure.code)
            if let retryAfter = failure.retryAfter { response.headers[.retryAfter] = retryAfter }
            return response
        }
        let model = body["model"]?.stringValue ?? ""
        let annotations = StrictOpenAIValidator.searchModels.contains(model) ? scripted.annotations : nil
        guard body["stream"]?.boolValue == true else { return Self.json(Self.completion(reply, model: model, annotations: annotations)) }
        let includeUsage = body["stream_options"]?["include_usage"]?.boolValue == true
        let chunks = Self.chunks(reply, model: model, annotations: annotations).filter { includeUsage || !($0["choices"]?.arrayValue?.isEmpty ?? false) }
        let cut = reply.cutStream
        let pause = reply.pauseBetweenChunks
        let silence = reply.pauseAfterFirstChunk
        let together = reply.holdUntilOpenStreams
        let fault = reply.streamFault
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream"],
            body: ResponseBody { writer in
                self.state.withLock { state in
                    state.openStreams += 1
                    state.mostOpenStreams = max(state.mostOpenStreams, state.openStreams)
                }
                defer { self.state.withLock { $0.openStreams -= 1 } }
                // One write per event, so that the proxy sees the stream arrive piece by piece.
                for (index, chunk) in chunks.enumerated() {
                    var event = JSONWriter()
                    event.append(raw: "data: ".utf8)
                    event.write(chunk)
                    event.append(raw: "\n\n".utf8)
                    do {
                        if fault == .connectionReset, index == chunks.count / 2 { throw FakeConnectionReset() }
                        try await writer.write(ByteBuffer(bytes: event.bytes))
                        if index == 0, fault == .invalidJSONChunk { try await writer.write(ByteBuffer(string: "data: {\"choices\": [{\"delta\": \n\n")) }
                        if let pause { try await Task.sleep(for: pause) }
                        if index == 0, let silence { try await Task.sleep(for: silence) }
                        if index == 0, let together { try await self.holdUntil(openStreams: together) }
                    } catch is FakeConnectionReset {
                        throw FakeConnectionReset()
                    } catch {
                        self.state.withLock { $0.abandonedStreams += 1 }
                        throw error
                    }
                }
                if !cut { try await writer.write(ByteBuffer(string: "data: [DONE]\n\n")) }
                try await writer.finish(nil)
            })
    }

    /// The whole reply; a search model's message carries its annotations (an empty list when none).
    private static func completion(_ reply: FakeReply, model: String, annotations: [JSONValue]?) -> JSONValue {
        let completion = reply.completion(model: model)
        guard let annotations, var object = completion.objectValue, var choice = completion["choices"]?[0]?.objectValue,
            var message = choice["message"]?.objectValue
        else { return completion }
        message["annotations"] = .array(annotations)
        choice["message"] = .object(message)
        object["choices"] = [.object(choice)]
        return .object(object)
    }

    /// The stream's chunks; a search model's annotations come in one delta of their own, after the
    /// text and before the chunk that finishes.
    private static func chunks(_ reply: FakeReply, model: String, annotations: [JSONValue]?) -> [JSONValue] {
        var chunks = reply.chunks(model: model)
        guard let annotations, !annotations.isEmpty, let finishing = chunks.firstIndex(where: { $0["choices"]?[0]?["finish_reason"]?.stringValue != nil })
        else { return chunks }
        chunks.insert(
            [
                "id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1_700_000_000, "model": .string(model),
                "choices": [["index": 0, "delta": ["annotations": .array(annotations)], "finish_reason": nil]],
            ], at: finishing)
        return chunks
    }

    private static func bearerKey(_ request: Request) -> String {
        request.headers[.authorization].map { String($0.dropFirst("Bearer ".count)) } ?? ""
    }

    /// OpenAI's answer to a key it does not know, on every endpoint.
    private static func refusedKey() -> Response {
        error(401, "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key")
    }

    private static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.encode(value))))
    }

    private static func error(_ status: Int, _ message: String, type: String, code: String? = nil) -> Response {
        json(
            ["error": ["message": .string(message), "type": .string(type), "param": .null, "code": code.map { .string($0) } ?? .null]],
            status: HTTPResponse.Status(code: status))
    }
}

/// Thrown from a response body writer, which makes the server drop the connection mid-stream.
struct FakeConnectionReset: Error {}

extension HTTPField.Name {
    static let retryAfter = Self("retry-after")!
}
