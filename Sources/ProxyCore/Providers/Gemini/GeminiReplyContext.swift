/// What translating one Gemini reply back needs to know, and the rules the whole and the streamed
/// translation share so that they always agree.
///
/// Both read a reply the same way: thought parts become thinking blocks and text parts text
/// blocks, in order, consecutive parts of a kind joining one block; a thought part's signature
/// seals its thinking block (later thought text opens another). Function calls become tool_use
/// blocks after all the others, as they close the reply. A signature on a part with nothing else
/// in it (Gemini may send a call's signature that way, in a later stream chunk) goes to the first
/// function call when that has none.
///
/// When the request declared a web search or fetch, the text is held back instead and placed after
/// the thinking, behind the searches and fetches that ground it, split into cited spans (see
/// `serverToolBlocks`).
package struct GeminiReplyContext: Sendable {
    /// The model the client asked for; the reply echoes it.
    package var requestedModel: String
    /// The model as Gemini knows it, for error messages.
    package var upstreamModel: String
    package var messageID: String
    package var toolNames: ToolNameMapping
    /// The local estimate of the prompt, used until (or unless) the upstream reports usage.
    package var estimatedInputTokens: Int
    /// The model's context window when known, for restating overflow errors.
    package var contextWindow: Int?
    /// The request's web search, which Gemini's Google Search ran.
    package var webSearch: MessagesRequest.ServerTool?
    /// The request's web fetch, which Gemini's URL context ran.
    package var webFetch: MessagesRequest.ServerTool?
    /// Whether this request created the explicit cache it was served from: its cached tokens were
    /// written, not read, as Anthropic reports a breakpoint's first turn.
    package var wroteCache = false

    package init(
        requestedModel: String, upstreamModel: String, messageID: String, toolNames: ToolNameMapping, estimatedInputTokens: Int = 0,
        contextWindow: Int? = nil, webSearch: MessagesRequest.ServerTool? = nil, webFetch: MessagesRequest.ServerTool? = nil
    ) {
        self.requestedModel = requestedModel
        self.upstreamModel = upstreamModel
        self.messageID = messageID
        self.toolNames = toolNames
        self.estimatedInputTokens = estimatedInputTokens
        self.contextWindow = contextWindow
        self.webSearch = webSearch
        self.webFetch = webFetch
    }

    /// One part of a candidate's content, as the translators read it.
    enum Part {
        case thought(String, signature: String?)
        case text(String, signature: String?)
        case functionCall(FunctionCall)
        /// Anything else (a generated image, code execution): only a signature on it is kept.
        case other(signature: String?)
    }

    struct FunctionCall {
        var name: String
        var arguments: JSONValue
        var id: String?
        var signature: String?
    }

    /// The parts of the first candidate of a response (or stream chunk).
    static func parts(of response: JSONValue) -> [Part] {
        (response["candidates"]?[0]?["content"]?["parts"]?.arrayValue ?? []).map { part in
            let signature = part["thoughtSignature"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            if let call = part["functionCall"] {
                let arguments: JSONValue = call["args"]?.objectValue.map(JSONValue.object) ?? .object([:])
                return .functionCall(
                    FunctionCall(name: call["name"]?.stringValue ?? "", arguments: arguments, id: call["id"]?.stringValue, signature: signature))
            }
            if let text = part["text"]?.stringValue {
                return part["thought"]?.boolValue == true ? .thought(text, signature: signature) : .text(text, signature: signature)
            }
            return .other(signature: signature)
        }
    }

    // MARK: - Stop reasons

    /// `finishReason`s that mean Gemini withheld or cut the answer for its content (safety,
    /// recitation, blocklists, personal data, unsupported language, ...): Anthropic's `refusal`.
    static let refusalReasons: Set<String> = [
        "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "LANGUAGE", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT",
        "IMAGE_RECITATION", "MODEL_ARMOR",
    ]

    /// Maps `finishReason`: `STOP` is `end_turn`, or `tool_use` when calls were made; `MAX_TOKENS`
    /// is `max_tokens`; withheld content is `refusal`, as is a prompt Gemini blocked; anything else
    /// (`OTHER`, `UNEXPECTED_TOOL_CALL`, `TOO_MANY_TOOL_CALLS`, reasons added later) ends the turn
    /// like `STOP`, so the client goes on rather than stalling.
    static func stopReason(finishReason: String?, blockReason: String?, hasToolCalls: Bool) -> StopReason {
        if blockReason != nil { return .refusal }
        switch finishReason {
        case "MAX_TOKENS"?: return .maxTokens
        case let reason? where refusalReasons.contains(reason): return .refusal
        default: return hasToolCalls ? .toolUse : .endTurn
        }
    }

    /// Why a refusal was declined (`stop_details`), in the words of `notice`; nil for any other
    /// stop reason.
    static func refusalDetails(_ stopReason: StopReason, finishReason: String?, finishMessage: String?, blockReason: String?) -> RefusalDetails? {
        guard stopReason == .refusal else { return nil }
        return RefusalDetails(explanation: notice(finishReason: finishReason, finishMessage: finishMessage, blockReason: blockReason))
    }

    /// The text of a reply that has no content, saying why: a client shows nothing for an empty
    /// message and Claude Code stalls on one. `nil` for an ordinary empty answer.
    static func notice(finishReason: String?, finishMessage: String?, blockReason: String?) -> String? {
        let detail = finishMessage.map { ": \($0)" } ?? ""
        if let blockReason { return "Gemini blocked the prompt (blockReason \(blockReason))\(detail)." }
        guard let finishReason, finishReason != "STOP", finishReason != "MAX_TOKENS" else { return nil }
        if refusalReasons.contains(finishReason) { return "Gemini withheld its answer (finishReason \(finishReason))\(detail)." }
        return "Gemini stopped without an answer (finishReason \(finishReason))\(detail)."
    }

    static let malformedFunctionCall = "MALFORMED_FUNCTION_CALL"

    /// Whether a reply ended in a function call Gemini could not form, which a second try fixes.
    package static func isMalformedFunctionCall(_ response: JSONValue) -> Bool {
        response["candidates"]?[0]?["finishReason"]?.stringValue == malformedFunctionCall
    }

    /// The error once the retry of a malformed function call failed the same way. Not to be
    /// retried again (`x-should-retry: false`): the request has had its second try.
    func malformedFunctionCallError(finishMessage: String?) -> AnthropicError {
        let detail = finishMessage.map { " (\($0))" } ?? ""
        return AnthropicError(
            .api,
            "Gemini (model '\(upstreamModel)') produced a malformed function call twice in a row\(detail). Try again, or rephrase the request.",
            status: 502, headers: ["x-should-retry": "false"])
    }

    // MARK: - Usage and ids

    /// Maps `usageMetadata`: cached prompt tokens become `cache_read_input_tokens` (or
    /// `cache_creation_input_tokens` when this request wrote the cache), the rest of the prompt
    /// (tool-use prompt tokens included) input; thoughts count as output, as Anthropic counts thinking.
    func usage(_ json: JSONValue?) -> Usage? {
        guard let json, let prompt = json["promptTokenCount"]?.intValue else { return nil }
        let cached = json["cachedContentTokenCount"]?.intValue ?? 0
        let toolUsePrompt = json["toolUsePromptTokenCount"]?.intValue ?? 0
        return Usage(
            inputTokens: max(prompt + toolUsePrompt - cached, 0),
            outputTokens: (json["candidatesTokenCount"]?.intValue ?? 0) + (json["thoughtsTokenCount"]?.intValue ?? 0),
            cacheCreationInputTokens: wroteCache ? cached : 0, cacheReadInputTokens: wroteCache ? 0 : cached)
    }

    /// Usage for a reply that reported none: the prompt estimate, and about four characters per
    /// output token.
    func estimatedUsage(outputCharacters: Int) -> Usage {
        Usage.estimated(inputTokens: estimatedInputTokens, outputCharacters: outputCharacters)
    }

    /// The tool_use id of the reply's `index`th call: Gemini's own id when it gave one, else one
    /// derived from the reply's id (the same whole or streamed), carrying the call's signature.
    func toolUseID(for call: FunctionCall, index: Int) -> String {
        let base = call.id.flatMap { GeminiThoughtSignature.isUsableBase($0) ? $0 : nil } ?? MessageIdentifier.toolUseID(messageID: messageID, index: index)
        return GeminiThoughtSignature.toolUseID(base: base, signature: call.signature)
    }

    /// The tool_use block of a call, under the client's name for the tool.
    func toolUse(_ call: FunctionCall, index: Int) -> ContentBlock {
        .toolUse(id: toolUseID(for: call, index: index), name: toolNames.originalName(for: call.name), input: call.arguments)
    }

    /// The error object of a reply or stream chunk, as the client's error.
    func upstreamError(_ response: JSONValue) -> AnthropicError {
        GeminiErrorMapping.streamError(response, model: upstreamModel, prompt: (estimatedInputTokens, contextWindow))
    }
}
