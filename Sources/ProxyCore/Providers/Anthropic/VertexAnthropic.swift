/// Claude on Vertex AI: Anthropic's Messages API behind Google's `rawPredict`. The model is named
/// in the URL, not the body (but for counting tokens), and the body says which version of the API
/// it speaks in `anthropic_version`, as Anthropic's Vertex SDK sends it.
package enum VertexAnthropic {
    package static let apiVersion = "vertex-2023-10-16"

    /// `{resource}/publishers/anthropic/models/{model}:rawPredict` (`:streamRawPredict` for a
    /// stream), or the token counter's `count-tokens:rawPredict`.
    package static func url(_ target: RouteTarget, countingTokens: Bool, stream: Bool) -> String {
        let method = countingTokens ? "count-tokens:rawPredict" : "\(target.model):\(stream ? "streamRawPredict" : "rawPredict")"
        return "\(target.baseURL)/publishers/anthropic/models/\(method)"
    }

    /// The client's body as Vertex takes it: without `model` (with the target's when counting
    /// tokens, where the URL names none), with `anthropic_version` unless the client set one.
    /// Written anew, its long strings (a late turn's tool results) taken from `strings` when they
    /// were written before.
    package static func body(
        _ json: JSONValue, target: RouteTarget, countingTokens: Bool, reusing strings: JSONStringEscapes? = nil
    ) throws(AnthropicError) -> [UInt8] {
        guard var object = json.objectValue else { throw .invalidRequest("The request body must be a JSON object, not \(json.typeName).") }
        object["model"] = countingTokens ? .string(target.model) : nil
        // Cache diagnostics and server-side fallback are the Claude API's alone: Vertex AI would
        // refuse the request. The proxy runs the fallbacks itself (see `RefusalFallbacks`).
        object["diagnostics"] = nil
        object["fallbacks"] = nil
        if object["anthropic_version"] == nil { object["anthropic_version"] = .string(apiVersion) }
        return JSONWriter.encode(.object(object), reusing: strings)
    }
}
