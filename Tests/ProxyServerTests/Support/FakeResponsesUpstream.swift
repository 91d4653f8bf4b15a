import HTTPTypes
import Hummingbird
import NIOCore
import ProxyCore
import Synchronization

/// A strict stand-in for OpenAI's Responses API (`POST /v1/responses`) on 127.0.0.1: checks the
/// key, rejects what the real API rejects (see `StrictResponsesValidator`), and answers scripted
/// replies whole or as the API's event stream. Reasoning models always reason: each reply starts
/// with a reasoning item, with a summary when one was asked for and encrypted content when it was
/// included; that encrypted content is only accepted back by the model it was issued for.
///
/// A script's searches run only when the request offers the `web_search` tool: each is a
/// `web_search_call` before the message, listing its sources when the request includes them and
/// only those within `filters.allowed_domains`; its citations annotate the message's text, their
/// links tagged `utm_source=openai`, as OpenAI's are.
///
/// Control endpoints for out-of-process clients: `POST /_responses/script` `{"replies": [...]}`
/// (each a `FakeReply` form, plus `"failed": {"code": ..., "message": ...}` for a stream that
/// ends in `response.failed`), `GET /_responses/requests` lists the recorded request bodies.
final class FakeResponsesUpstream: Sendable {
    struct Script: Sendable {
        var reply: FakeReply
        /// The stream ends in `response.failed` with this error after its first item.
        var failed: JSONValue?
        var searches: [Search]
        var citations: [Citation]

        init(_ reply: FakeReply, failed: JSONValue? = nil, searches: [Search] = [], citations: [Citation] = []) {
            self.reply = reply
            self.failed = failed
            self.searches = searches
            self.citations = citations
        }
    }

    /// A search the model runs: what it asks, and the pages it reads.
    struct Search: Sendable {
        var query: String
        var sources: [String]
    }

    /// The text of the reply `quote` (its first occurrence) cites the page at `url`.
    struct Citation: Sendable {
        var quote: String
        var url: String
        var title: String
    }

    private struct State {
        var scripts: [Script] = []
        var requests: [JSONValue] = []
        /// Encrypted reasoning handed out, with the model it belongs to.
        var issued: [String: String] = [:]
    }

    private let state = Mutex(State())

    func enqueue(_ replies: FakeReply...) {
        state.withLock { $0.scripts += replies.map { Script($0) } }
    }

    func enqueue(_ script: Script) {
        state.withLock { $0.scripts.append(script) }
    }

    var receivedRequests: [JSONValue] {
        state.withLock { $0.requests }
    }

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/responses") { request, _ in try await self.respond(request) }
        router.post("/_responses/script") { request, _ in
            let body = try JSONParser.parse(Array(try await request.body.collect(upTo: 1 << 20).readableBytesView))
            let scripts = (body["replies"]?.arrayValue ?? []).map { Script(FakeReply(json: $0), failed: $0["failed"]) }
            self.state.withLock { state in
                state.scripts = scripts
                state.requests = []
            }
            return Response(status: .noContent)
        }
        router.get("/_responses/requests") { _, _ in
            Self.json(.array(self.receivedRequests))
        }
    }

    private func respond(_ request: Request) async throws -> Response {
        let key = request.headers[.authorization].map { String($0.dropFirst("Bearer ".count)) } ?? ""
        guard [FakeOpenAIUpstream.apiKey, FakeOpenAIUpstream.secondAPIKey].contains(key) else {
            return Self.error(401, "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key")
        }
        let bytes = Array(try await request.body.collect(upTo: 64 << 20).readableBytesView)
        guard let body = try? JSONParser.parse(bytes) else {
            return Self.error(400, "We could not parse the JSON body of your request.", type: "invalid_request_error")
        }
        let issued = state.withLock { $0.issued }
        if let problem = StrictResponsesValidator.problem(with: body, isIssued: { issued[$0] == $1 }) {
            return Self.error(400, problem.message, type: "invalid_request_error", code: problem.code)
        }
        let script = state.withLock { state in
            state.requests.append(body)
            return state.scripts.isEmpty ? Script(FakeReply(text: FakeReply.defaultText)) : state.scripts.removeFirst()
        }
        let reply = script.reply
        if let failure = reply.failure {
            var response = Self.error(
                failure.status, failure.message, type: failure.status == 429 ? "rate_limit_error" : failure.status < 500 ? "invalid_request_error" : "server_error",
                code: failure.code)
            if let retryAfter = failure.retryAfter { response.headers[.retryAfter] = retryAfter }
            return response
        }
        let output = self.output(for: script, request: body)
        guard body["stream"] == true else { return Self.json(Self.response(output: output, reply: reply, model: body["model"] ?? nil)) }
        var events = Self.events(output: output, reply: reply, model: body["model"] ?? nil)
        if let failed = script.failed {
            let failedResponse = Self.response(output: [], reply: reply, model: body["model"] ?? nil, status: "failed", error: failed)
            events = Array(events.prefix(2)) + [["type": "response.failed", "response": failedResponse]]
        } else if reply.cutStream {
            events = Array(events.prefix(events.count / 2))
        }
        let frames = events
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream"],
            body: ResponseBody { writer in
                // One write per event, so that the proxy sees the stream arrive piece by piece.
                for (sequence, event) in frames.enumerated() {
                    var payload = event.objectValue ?? [:]
                    payload["sequence_number"] = .int(sequence)
                    var frame = JSONWriter()
                    frame.append(raw: "event: \(event["type"]?.stringValue ?? "")\ndata: ".utf8)
                    frame.write(.object(payload))
                    frame.append(raw: "\n\n".utf8)
                    try await writer.write(ByteBuffer(bytes: frame.bytes))
                }
                try await writer.finish(nil)
            })
    }

    // MARK: - Replies

    /// The output items: a reasoning item first for reasoning models, then the searches, the
    /// text, and the calls.
    private func output(for script: Script, request: JSONValue) -> [JSONValue] {
        let reply = script.reply
        var output: [JSONValue] = []
        let model = request["model"]?.stringValue ?? ""
        if StrictResponsesValidator.reasoningModels.contains(model) {
            var item: JSONObject = ["id": "rs_fake_0", "type": "reasoning", "summary": []]
            if request["reasoning"]?["summary"] != nil, !reply.reasoning.isEmpty {
                item["summary"] = [["type": "summary_text", "text": .string(reply.reasoning)]]
            }
            if request["include"]?.arrayValue?.contains("reasoning.encrypted_content") == true {
                let encrypted = state.withLock { state in
                    let token = "gAAAAB-fake-\(state.issued.count)-\(reply.reasoning.utf8.count)"
                    state.issued[token] = model
                    return token
                }
                item["encrypted_content"] = .string(encrypted)
            }
            output.append(.object(item))
        }
        let searchTool = request["tools"]?.arrayValue?.first { $0["type"] == "web_search" }
        if let searchTool {
            output += Self.searchCalls(script.searches, tool: searchTool, includesSources: request["include"]?.arrayValue?.contains(Self.sourcesInclude) == true)
        }
        if !reply.text.isEmpty {
            let annotations = searchTool == nil || script.searches.isEmpty ? [] : Self.annotations(script.citations, in: reply.text)
            output.append([
                "id": "msg_fake_1", "type": "message", "status": .string(reply.finishReason == "length" ? "incomplete" : "completed"), "role": "assistant",
                "content": [["type": "output_text", "text": .string(reply.text), "annotations": .array(annotations), "logprobs": []]],
            ])
        }
        for (index, call) in reply.toolCalls.enumerated() {
            output.append([
                "id": .string("fc_fake_\(index)"), "type": "function_call", "status": "completed", "call_id": .string(call.id ?? "call_fake_\(index)"),
                "name": .string(call.name), "arguments": .string(call.arguments),
            ])
        }
        return output
    }

    private static let sourcesInclude: JSONValue = "web_search_call.action.sources"

    /// The searches as `web_search_call` items: sources outside the tool's allowed domains are
    /// never read, and they are listed only when the request includes them.
    private static func searchCalls(_ searches: [Search], tool: JSONValue, includesSources: Bool) -> [JSONValue] {
        let allowed = (tool["filters"]?["allowed_domains"]?.arrayValue ?? []).compactMap(\.stringValue)
        return searches.enumerated().map { number, search in
            var action: JSONObject = ["type": "search", "query": .string(search.query)]
            if includesSources {
                let read = search.sources.filter { url in
                    let host = url.split(separator: "/").dropFirst().first.map(String.init) ?? ""
                    return allowed.isEmpty || allowed.contains { host == $0 || host.hasSuffix("." + $0) }
                }
                action["sources"] = .array(read.map { ["type": "url", "url": .string($0)] })
            }
            return ["id": .string("ws_fake\(number)"), "type": "web_search_call", "status": "completed", "action": .object(action)]
        }
    }

    /// `url_citation` annotations; OpenAI's indexes count Unicode scalars (Python's string indexes).
    private static func annotations(_ citations: [Citation], in text: String) -> [JSONValue] {
        citations.compactMap { citation in
            guard let range = text.range(of: citation.quote) else { return nil }
            let start = text.unicodeScalars.distance(from: text.startIndex, to: range.lowerBound)
            let end = start + citation.quote.unicodeScalars.count
            return [
                "type": "url_citation", "start_index": .int(start), "end_index": .int(end), "url": .string(citation.url + "?utm_source=openai"),
                "title": .string(citation.title),
            ]
        }
    }

    private static func response(output: [JSONValue], reply: FakeReply, model: JSONValue, status: String? = nil, error: JSONValue = nil) -> JSONValue {
        let incomplete = reply.finishReason == "length"
        let details: JSONValue = incomplete ? ["reason": "max_output_tokens"] : .null
        let usage: JSONValue = [
            "input_tokens": .int(reply.promptTokens), "input_tokens_details": ["cached_tokens": .int(reply.cachedTokens)],
            "output_tokens": .int(reply.completionTokens), "output_tokens_details": ["reasoning_tokens": 8],
            "total_tokens": .int(reply.promptTokens + reply.completionTokens),
        ]
        return [
            "id": "resp_fake", "object": "response", "created_at": 1_700_000_000, "status": .string(status ?? (incomplete ? "incomplete" : "completed")),
            "error": error, "incomplete_details": details, "model": model, "output": .array(output), "parallel_tool_calls": true,
            "tool_choice": "auto", "tools": [], "store": false, "usage": status == nil ? usage : .null,
        ]
    }

    /// The stream OpenAI sends for `output`: created, each item added, its deltas a few
    /// characters at a time (a message's citations each announced after the delta that completes
    /// the text it cites; a search's progress), done, then completed (or incomplete).
    private static func events(output: [JSONValue], reply: FakeReply, model: JSONValue) -> [JSONValue] {
        var events: [JSONValue] = [["type": "response.created", "response": response(output: [], reply: reply, model: model, status: "in_progress")]]
        for (index, item) in output.enumerated() {
            let id = item["id"] ?? nil
            var opening = item.objectValue ?? [:]
            var deltas: [JSONValue] = []
            switch item["type"]?.stringValue {
            case "reasoning"?:
                opening["summary"] = []
                opening["encrypted_content"] = nil
                for summary in item["summary"]?.arrayValue ?? [] {
                    deltas += pieces(summary["text"]?.stringValue ?? "").map {
                        ["type": "response.reasoning_summary_text.delta", "item_id": id, "output_index": .int(index), "summary_index": 0, "delta": .string($0)]
                    }
                }
            case "message"?:
                opening["content"] = []
                opening["status"] = "in_progress"
                let part = item["content"]?[0] ?? [:]
                let annotations = part["annotations"]?.arrayValue ?? []
                let located: JSONObject = ["item_id": id, "output_index": .int(index), "content_index": 0]
                deltas.append(event("response.content_part.added", located, ["part": ["type": "output_text", "text": "", "annotations": []]]))
                var written = 0
                var announced = 0
                for piece in pieces(part["text"]?.stringValue ?? "") {
                    deltas.append(event("response.output_text.delta", located, ["delta": .string(piece)]))
                    written += piece.unicodeScalars.count
                    while announced < annotations.count, annotations[announced]["end_index"]?.intValue ?? 0 <= written {
                        deltas.append(event("response.output_text.annotation.added", located, ["annotation_index": .int(announced), "annotation": annotations[announced]]))
                        announced += 1
                    }
                }
                deltas.append(event("response.output_text.done", located, ["text": part["text"] ?? "", "logprobs": []]))
                deltas.append(event("response.content_part.done", located, ["part": part]))
            case "web_search_call"?:
                opening["status"] = "in_progress"
                opening["action"] = ["type": "search"]
                deltas += ["in_progress", "searching", "completed"].map { event("response.web_search_call.\($0)", ["item_id": id, "output_index": .int(index)]) }
            default:
                opening["arguments"] = ""
                deltas += pieces(item["arguments"]?.stringValue ?? "").map {
                    ["type": "response.function_call_arguments.delta", "item_id": id, "output_index": .int(index), "delta": .string($0)]
                }
            }
            events.append(["type": "response.output_item.added", "output_index": .int(index), "item": .object(opening)])
            events += deltas
            events.append(["type": "response.output_item.done", "output_index": .int(index), "item": item])
        }
        let final = response(output: output, reply: reply, model: model)
        events.append(["type": final["status"] == "incomplete" ? "response.incomplete" : "response.completed", "response": final])
        return events
    }

    private static func event(_ type: String, _ fields: JSONObject, _ more: JSONObject = [:]) -> JSONValue {
        var event: JSONObject = ["type": .string(type)]
        for member in fields.members + more.members { event[member.key] = member.value }
        return .object(event)
    }

    /// Text in pieces of up to 4 characters, as tokens arrive.
    private static func pieces(_ text: String) -> [String] {
        var pieces: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            pieces.append(String(rest.prefix(4)))
            rest = rest.dropFirst(4)
        }
        return pieces
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
