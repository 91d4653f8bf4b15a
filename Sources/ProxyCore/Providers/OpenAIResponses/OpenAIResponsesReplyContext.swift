/// What translating one Responses API reply back needs to know, and the mappings the whole and
/// the streamed translation share so that they always agree.
package struct OpenAIResponsesReplyContext: Sendable {
    /// The model the client asked for; the reply echoes it.
    package var requestedModel: String
    /// The upstream model, named in the signatures that carry its encrypted reasoning.
    package var upstreamModel: String
    package var messageID: String
    package var toolNames: ToolNameMapping
    /// The local estimate of the prompt, used until (or unless) the upstream reports usage.
    package var estimatedInputTokens: Int
    /// The model's context window when known, for restating overflow errors.
    package var contextWindow: Int?
    /// The client's web search, when the request declares one: only then do the upstream's
    /// searches and citations become blocks.
    package var webSearch: OpenAIResponsesWebSearch?

    package init(
        requestedModel: String, upstreamModel: String, messageID: String, toolNames: ToolNameMapping, estimatedInputTokens: Int = 0,
        contextWindow: Int? = nil, webSearch: OpenAIResponsesWebSearch? = nil
    ) {
        self.requestedModel = requestedModel
        self.upstreamModel = upstreamModel
        self.messageID = messageID
        self.toolNames = toolNames
        self.estimatedInputTokens = estimatedInputTokens
        self.contextWindow = contextWindow
        self.webSearch = webSearch
    }

    /// Why a refusal was declined (`stop_details`): the content filter's
    /// `incomplete_details.reason`, else the model's own refusal part; nil for any other stop reason.
    static func refusalDetails(_ stopReason: StopReason, incompleteReason: String?) -> RefusalDetails? {
        guard stopReason == .refusal else { return nil }
        return incompleteReason == "content_filter" ? .contentFilter(reportedIn: "incomplete_details.reason") : .modelsOwnRefusal
    }

    /// Maps `status` and `incomplete_details.reason`: output that ran out is `max_tokens` (a tool
    /// call cut off has broken input, so that wins over `tool_use`), a content filter is
    /// `refusal`; otherwise calls make it `tool_use` and a refusal part `refusal`.
    func stopReason(incompleteReason: String?, hasToolCalls: Bool, refused: Bool) -> StopReason {
        switch incompleteReason {
        case "max_output_tokens"?: return .maxTokens
        case "content_filter"?: return .refusal
        default: break
        }
        if hasToolCalls { return .toolUse }
        return refused ? .refusal : .endTurn
    }

    /// Maps `usage`: `input_tokens` includes the cached ones, which become
    /// `cache_read_input_tokens`; `output_tokens` includes the reasoning tokens
    /// (`output_tokens_details.reasoning_tokens`), as Anthropic counts thinking in output.
    static func usage(_ json: JSONValue?) -> Usage? {
        guard let json, let input = json["input_tokens"]?.intValue else { return nil }
        let cached = json["input_tokens_details"]?["cached_tokens"]?.intValue ?? 0
        return Usage(inputTokens: max(input - cached, 0), outputTokens: json["output_tokens"]?.intValue ?? 0, cacheReadInputTokens: cached)
    }

    func estimatedUsage(outputCharacters: Int) -> Usage {
        Usage.estimated(inputTokens: estimatedInputTokens, outputCharacters: outputCharacters)
    }

    func toolUseID(callID: String?, index: Int) -> String {
        MessageIdentifier.toolUseID(upstreamID: callID, messageID: messageID, index: index)
    }

    /// The thinking block's signature for a reasoning item: its encrypted content, tagged with
    /// the model (see `OpenAIResponsesReasoningSignature`); empty when there is none.
    func thinkingSignature(encryptedContent: String?) -> String {
        guard let encryptedContent, !encryptedContent.isEmpty else { return "" }
        return OpenAIResponsesReasoningSignature.signature(model: upstreamModel, encryptedContent: encryptedContent)
    }

    /// A reasoning item's text: its summary parts, else (servers that return the reasoning
    /// itself, as some do for open-weight models) its `reasoning_text` parts.
    static func reasoningText(_ item: JSONValue) -> String {
        let summary = texts(of: item["summary"], key: "text")
        return summary.isEmpty ? texts(of: item["content"], key: "text").joined() : summary.joined(separator: summarySeparator)
    }

    /// Between the parts of one reasoning summary.
    static let summarySeparator = "\n\n"

    /// A message item's text (`output_text` and `refusal` parts) and whether it refused.
    static func messageText(_ item: JSONValue) -> (text: String, refused: Bool) {
        var text = ""
        var refused = false
        for part in item["content"]?.arrayValue ?? [] {
            if let refusal = part["refusal"]?.stringValue {
                refused = true
                text += refusal
            } else {
                text += part["text"]?.stringValue ?? ""
            }
        }
        return (text, refused)
    }

    private static func texts(of parts: JSONValue?, key: String) -> [String] {
        (parts?.arrayValue ?? []).compactMap { $0[key]?.stringValue }.filter { !$0.isEmpty }
    }

    /// The Anthropic error for a failed response (`response.error`, a `response.failed` or an
    /// `error` event): a context overflow becomes the error Claude Code compacts on, with the
    /// local estimate and the context window; throttling and overload keep their kinds.
    func failure(_ error: JSONValue?) -> AnthropicError {
        let code = error?["code"]?.stringValue
        let message = error?["message"]?.stringValue ?? "unknown error"
        let body: JSONValue = ["error": error ?? .null]
        if let figures = ContextOverflow.figures(message: message, body: body) {
            return ContextOverflow.error(figures, estimatedTokens: estimatedInputTokens, contextWindow: contextWindow)
        }
        let described = "The OpenAI Responses upstream failed: \(message)" + (code.map { " (\($0))" } ?? "")
        switch code {
        case "rate_limit_exceeded"?: return AnthropicError(.rateLimit, described)
        case "server_is_overloaded"?, "overloaded"?: return AnthropicError(.overloaded, described)
        case let code? where code.hasPrefix("invalid_") || code.contains("image"): return AnthropicError(.invalidRequest, described)
        default: return AnthropicError(.api, described, status: 502)
        }
    }
}
