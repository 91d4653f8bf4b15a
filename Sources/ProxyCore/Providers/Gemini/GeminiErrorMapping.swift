/// Turns a Gemini error (`{"error": {"code", "message", "status", "details"}}`) into the Anthropic
/// error the client receives, through `UpstreamErrorMapping`.
///
/// Gemini's `status` (a google.rpc code name) decides the Anthropic type where the HTTP status
/// alone would mislead: an invalid key is a 400 `INVALID_ARGUMENT` whose details say
/// `API_KEY_INVALID` (an `authentication_error` here), `RESOURCE_EXHAUSTED` is a rate limit,
/// `UNAVAILABLE` an overload, whatever the code. The wait a `RetryInfo` detail asks for
/// (`"retryDelay": "37s"`) becomes `retry-after`. The message keeps the upstream's HTTP status.
package enum GeminiErrorMapping {
    /// - Parameters: as `UpstreamErrorMapping.error`, for a Gemini upstream.
    package static func error(
        status: Int, model: String, body: [UInt8], headers: [String: String], keyVariable: String?,
        prompt: (estimatedTokens: Int, contextWindow: Int?)? = nil
    ) -> AnthropicError {
        let json = try? JSONParser.parse(body)
        let headers = withRetryDelay(headers, from: json)
        var error = UpstreamErrorMapping.error(
            status: status, provider: .gemini, model: model, body: body, headers: headers, keyVariable: keyVariable, prompt: prompt)
        let meant = meaningStatus(httpStatus: status, body: json)
        guard meant != status, !error.message.hasPrefix("prompt is too long") else { return error }
        (error.kind, error.status) = UpstreamErrorMapping.kindAndStatus(forUpstreamStatus: meant)
        if meant == 401, let keyVariable, !error.message.hasSuffix("Check \(keyVariable).") { error.message += " Check \(keyVariable)." }
        return error
    }

    /// `error(...)` as a failure of the attempt: the status Gemini's error means (an invalid key is a
    /// rejected key, `RESOURCE_EXHAUSTED` a throttle) and the wait its `RetryInfo` asks for.
    package static func failure(
        status: Int, model: String, body: [UInt8], headers: [String: String], keyVariable: String?,
        prompt: (estimatedTokens: Int, contextWindow: Int?)? = nil
    ) -> UpstreamFailure {
        let json = try? JSONParser.parse(body)
        let headers = withRetryDelay(headers, from: json)
        let clientError = error(status: status, model: model, body: body, headers: headers, keyVariable: keyVariable, prompt: prompt)
        if isMissingCache(status: status, body: json) { return UpstreamFailure(.explicitCacheMissing, clientError: clientError) }
        return UpstreamFailure(status: meaningStatus(httpStatus: status, body: json), upstreamHeaders: headers, clientError: clientError)
    }

    /// The `cachedContent` a request named is gone (expired or deleted): the Gemini API answers
    /// 403 PERMISSION_DENIED "CachedContent not found (or permission denied)", some gateways 404.
    static func isMissingCache(status: Int, body: JSONValue?) -> Bool {
        guard status == 403 || status == 404, let message = body?["error"]?["message"]?.stringValue else { return false }
        return message.lowercased().contains("cachedcontent not found")
    }

    /// An error object that arrived inside a stream (`data: {"error": {...}}`).
    package static func streamError(_ chunk: JSONValue, model: String, prompt: (estimatedTokens: Int, contextWindow: Int?)?) -> AnthropicError {
        let code = chunk["error"]?["code"]?.intValue ?? 500
        return error(status: code, model: model, body: JSONWriter.encode(chunk), headers: [:], keyVariable: nil, prompt: prompt)
    }

    /// The HTTP status the error's `status` name stands for.
    static func meaningStatus(httpStatus: Int, body: JSONValue?) -> Int {
        let error = body?["error"]
        let reasons = (error?["details"]?.arrayValue ?? []).compactMap { $0["reason"]?.stringValue }
        if reasons.contains("API_KEY_INVALID") || reasons.contains("API_KEY_EXPIRED") { return 401 }
        switch error?["status"]?.stringValue {
        case "INVALID_ARGUMENT"?, "FAILED_PRECONDITION"?, "OUT_OF_RANGE"?: return 400
        case "UNAUTHENTICATED"?: return 401
        case "PERMISSION_DENIED"?: return 403
        case "NOT_FOUND"?: return 404
        case "RESOURCE_EXHAUSTED"?: return 429
        case "UNAVAILABLE"?: return 503
        case "DEADLINE_EXCEEDED"?: return 504
        case "INTERNAL"?, "UNKNOWN"?: return httpStatus >= 500 ? httpStatus : 500
        default: return httpStatus
        }
    }

    /// `headers` with the wait a `RetryInfo` detail asks for as `retry-after`, unless the upstream
    /// sent one.
    private static func withRetryDelay(_ headers: [String: String], from body: JSONValue?) -> [String: String] {
        guard headers["retry-after"] == nil, let delay = retryDelay(body) else { return headers }
        return headers.merging(["retry-after": delay]) { $1 }
    }

    /// Whole seconds from a `google.rpc.RetryInfo` detail's `retryDelay` (`"37s"`, `"1.5s"`).
    static func retryDelay(_ body: JSONValue?) -> String? {
        for detail in body?["error"]?["details"]?.arrayValue ?? [] {
            guard let delay = detail["retryDelay"]?.stringValue, delay.hasSuffix("s"), let seconds = Double(delay.dropLast()), seconds >= 0 else { continue }
            return String(Int(seconds.rounded(.up)))
        }
        return nil
    }
}
