import ProxyCore

/// What the fake Gemini upstream answers with, written once and served whole or streamed.
///
/// Its JSON form (used by the Python SDK tests through `POST /_gemini/script`):
/// `{"thought": "...", "text": "...", "calls": [{"name": "...", "args": {...}}], "finish_reason": "STOP",
///   "finish_message": "...", "usage": {"prompt": 1, "candidates": 1, "thoughts": 0, "cached": 0},
///   "error": {"status": 429, "status_name": "RESOURCE_EXHAUSTED", "message": "...", "retry_delay": "3s"},
///   "late_signature": true, "cut_stream": true, "grounding_metadata": {...}}`
struct FakeGeminiReply: Sendable {
    struct Call: Sendable {
        var name: String
        var arguments: JSONValue
    }

    struct Failure: Sendable {
        var status: Int
        var statusName: String
        var message: String
        var retryDelay: String?
    }

    var thought = ""
    var text = ""
    var calls: [Call] = []
    var finishReason = "STOP"
    var finishMessage: String?
    var promptTokens = 100
    var candidatesTokens = 20
    var thoughtsTokens = 0
    var cachedTokens = 0
    var failure: Failure?
    /// Streams send the first call's signature in an event of its own after the call, on an empty
    /// text part, as Gemini sometimes does.
    var lateSignature = false
    /// Streams stop halfway with no finishReason, as a dropped connection does.
    var cutStream = false
    /// Sent on the candidate with the finish, whole or streamed, when the request declared
    /// `googleSearch` (see `answering`).
    var groundingMetadata: JSONValue?
    /// The search's own `toolCall` and `toolResponse` parts come first, as Gemini 3 reports them
    /// when asked for server-side tool invocations.
    private var reportsSearchCalls = false

    static let defaultText = "Hello from the fake Gemini."

    init(thought: String = "", text: String = "", calls: [Call] = [], finishReason: String = "STOP") {
        self.thought = thought
        self.text = text
        self.calls = calls
        self.finishReason = finishReason
    }

    static func failure(_ status: Int, _ statusName: String, _ message: String, retryDelay: String? = nil) -> FakeGeminiReply {
        var reply = FakeGeminiReply()
        reply.failure = Failure(status: status, statusName: statusName, message: message, retryDelay: retryDelay)
        return reply
    }

    init(json: JSONValue) {
        thought = json["thought"]?.stringValue ?? ""
        text = json["text"]?.stringValue ?? ""
        calls = (json["calls"]?.arrayValue ?? []).map { Call(name: $0["name"]?.stringValue ?? "", arguments: $0["args"] ?? [:]) }
        finishReason = json["finish_reason"]?.stringValue ?? finishReason
        finishMessage = json["finish_message"]?.stringValue
        promptTokens = json["usage"]?["prompt"]?.intValue ?? promptTokens
        candidatesTokens = json["usage"]?["candidates"]?.intValue ?? candidatesTokens
        thoughtsTokens = json["usage"]?["thoughts"]?.intValue ?? thoughtsTokens
        cachedTokens = json["usage"]?["cached"]?.intValue ?? cachedTokens
        if let error = json["error"] {
            failure = Failure(
                status: error["status"]?.intValue ?? 500, statusName: error["status_name"]?.stringValue ?? "INTERNAL",
                message: error["message"]?.stringValue ?? "fake failure", retryDelay: error["retry_delay"]?.stringValue)
        }
        lateSignature = json["late_signature"]?.boolValue ?? false
        cutStream = json["cut_stream"]?.boolValue ?? false
        groundingMetadata = json["grounding_metadata"]
    }

    /// The reply as Gemini gives it to `request`: grounded only when the request declared
    /// `googleSearch` (Gemini grounds nothing it did not search), with the search calls' parts when
    /// it set `toolConfig.includeServerSideToolInvocations`.
    func answering(_ request: JSONValue) -> FakeGeminiReply {
        var reply = self
        if !(request["tools"]?.arrayValue ?? []).contains(where: { $0["googleSearch"] != nil }) { reply.groundingMetadata = nil }
        reply.reportsSearchCalls = reply.groundingMetadata != nil && request["toolConfig"]?["includeServerSideToolInvocations"] == true
        return reply
    }

    /// One `toolCall` and `toolResponse` pair per query of the grounding.
    private var searchCallParts: [JSONValue] {
        guard reportsSearchCalls else { return [] }
        let queries = groundingMetadata?["webSearchQueries"]?.arrayValue ?? []
        return queries.enumerated().flatMap { index, query -> [JSONValue] in
            let id: JSONValue = .string("search-\(index)")
            return [
                ["toolCall": ["id": id, "toolType": "GOOGLE_SEARCH_WEB", "args": ["queries": [query]]]],
                ["toolResponse": ["id": id, "toolType": "GOOGLE_SEARCH_WEB", "response": ["search_suggestions": "…"]]],
            ]
        }
    }

    var usage: JSONValue {
        var usage: JSONObject = ["promptTokenCount": .int(promptTokens), "candidatesTokenCount": .int(candidatesTokens)]
        if thoughtsTokens > 0 { usage["thoughtsTokenCount"] = .int(thoughtsTokens) }
        if cachedTokens > 0 { usage["cachedContentTokenCount"] = .int(cachedTokens) }
        usage["totalTokenCount"] = .int(promptTokens + candidatesTokens + thoughtsTokens)
        return .object(usage)
    }

    var errorBody: JSONValue {
        guard let failure else { return nil }
        var error: JSONObject = ["code": .int(failure.status), "message": .string(failure.message), "status": .string(failure.statusName)]
        if let delay = failure.retryDelay {
            error["details"] = [["@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": .string(delay)]]
        }
        return ["error": .object(error)]
    }

    /// The parts of the answer: the thought (signed with `thoughtSignature` when given), the text,
    /// then the calls, the first signed with `callSignature`.
    private func parts(thoughtSignature: String?, callSignature: String?) -> [JSONValue] {
        var parts: [JSONValue] = searchCallParts
        if !thought.isEmpty {
            var part: JSONObject = ["text": .string(thought), "thought": true]
            if let thoughtSignature { part["thoughtSignature"] = .string(thoughtSignature) }
            parts.append(.object(part))
        }
        if !text.isEmpty { parts.append(["text": .string(text)]) }
        for (index, call) in calls.enumerated() {
            var part: JSONObject = ["functionCall": ["name": .string(call.name), "args": call.arguments]]
            if index == 0, let callSignature { part["thoughtSignature"] = .string(callSignature) }
            parts.append(.object(part))
        }
        return parts
    }

    private func response(_ parts: [JSONValue], finish: Bool, model: String) -> JSONValue {
        var candidate: JSONObject = ["content": ["role": "model", "parts": .array(parts)], "index": 0]
        if finish {
            candidate["finishReason"] = .string(finishReason)
            if let finishMessage { candidate["finishMessage"] = .string(finishMessage) }
            if let groundingMetadata { candidate["groundingMetadata"] = groundingMetadata }
        }
        return ["candidates": [.object(candidate)], "usageMetadata": usage, "modelVersion": .string(model), "responseId": "fake-response"]
    }

    /// The whole `GenerateContentResponse`.
    func whole(model: String, thoughtSignature: String?, callSignature: String?) -> JSONValue {
        response(parts(thoughtSignature: thoughtSignature, callSignature: callSignature), finish: true, model: model)
    }

    /// The stream's events: the search calls, the thought and the text a few characters at a time,
    /// each call whole (the first with its signature, or with it in a later event when
    /// `lateSignature`), then the finish reason (with the grounding).
    func events(model: String, thoughtSignature: String?, callSignature: String?) -> [JSONValue] {
        var events: [JSONValue] = searchCallParts.isEmpty ? [] : [response(searchCallParts, finish: false, model: model)]
        let thoughtPieces = Self.pieces(thought)
        for (index, piece) in thoughtPieces.enumerated() {
            var part: JSONObject = ["text": .string(piece), "thought": true]
            if index == thoughtPieces.count - 1, let thoughtSignature { part["thoughtSignature"] = .string(thoughtSignature) }
            events.append(response([.object(part)], finish: false, model: model))
        }
        for piece in Self.pieces(text) { events.append(response([["text": .string(piece)]], finish: false, model: model)) }
        for (index, call) in calls.enumerated() {
            var part: JSONObject = ["functionCall": ["name": .string(call.name), "args": call.arguments]]
            if index == 0, let callSignature, !lateSignature { part["thoughtSignature"] = .string(callSignature) }
            events.append(response([.object(part)], finish: false, model: model))
        }
        if cutStream { return Array(events.prefix(max(1, events.count / 2))) }
        var closing: [JSONValue] = []
        if lateSignature, !calls.isEmpty, let callSignature { closing.append(["text": "", "thoughtSignature": .string(callSignature)]) }
        events.append(response(closing, finish: true, model: model))
        return events
    }

    /// Splits text into pieces of up to 5 characters, as tokens arrive.
    private static func pieces(_ text: String) -> [String] {
        var pieces: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            pieces.append(String(rest.prefix(5)))
            rest = rest.dropFirst(5)
        }
        return pieces
    }
}
