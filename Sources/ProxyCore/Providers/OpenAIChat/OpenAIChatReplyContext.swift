/// What translating one Chat Completions reply back needs to know, and the mappings the whole
/// and the streamed translation share so that they always agree.
package struct OpenAIChatReplyContext: Sendable {
    /// The model the client asked for; the reply echoes it.
    package var requestedModel: String
    package var messageID: String
    package var toolNames: ToolNameMapping
    package var stopSequences: [String]
    /// The local estimate of the prompt, used until (or unless) the upstream reports usage.
    package var estimatedInputTokens: Int
    /// The model's context window when known, for restating overflow errors.
    package var contextWindow: Int?
    /// The field the server returns reasoning in, read first (see `OpenAIChatOptions`).
    package var reasoningField: String
    /// Set when a search model answers a request that declared a web search: the reply then shows
    /// the search and its citations.
    package var searchAnswer: OpenAIChatSearchAnswer?

    package init(
        requestedModel: String, messageID: String, toolNames: ToolNameMapping, stopSequences: [String] = [], estimatedInputTokens: Int = 0,
        contextWindow: Int? = nil, reasoningField: String = "reasoning_content", searchAnswer: OpenAIChatSearchAnswer? = nil
    ) {
        self.requestedModel = requestedModel
        self.messageID = messageID
        self.toolNames = toolNames
        self.stopSequences = stopSequences
        self.estimatedInputTokens = estimatedInputTokens
        self.contextWindow = contextWindow
        self.reasoningField = reasoningField
        self.searchAnswer = searchAnswer
    }

    /// Why a refusal was declined (`stop_details`): the model's own `refusal`, else the content
    /// filter's `finish_reason`; nil for any other stop reason.
    static func refusalDetails(_ stopReason: StopReason, modelRefused: Bool) -> RefusalDetails? {
        guard stopReason == .refusal else { return nil }
        return modelRefused ? .modelsOwnRefusal : .contentFilter(reportedIn: "finish_reason")
    }

    /// Maps `finish_reason`. A reply with tool calls is `tool_use` whatever the upstream says, as
    /// some servers finish tool calls with `stop`, unless the output ran out: a call cut off by
    /// `length` has broken input, and Anthropic says `max_tokens` then too. The matched stop
    /// string is reported by vLLM as `stop_reason` and by SGLang as `matched_stop`; plain OpenAI
    /// does not say which one matched.
    func stopReason(finishReason: String?, hasToolCalls: Bool, choice: JSONValue?) -> (StopReason, String?) {
        if finishReason == "length" { return (.maxTokens, nil) }
        if hasToolCalls { return (.toolUse, nil) }
        switch finishReason {
        case "tool_calls", "function_call": return (.toolUse, nil)
        case "content_filter": return (.refusal, nil)
        default:
            let matched = choice?["stop_reason"]?.stringValue ?? choice?["matched_stop"]?.stringValue
            if let matched, stopSequences.contains(matched) { return (.stopSequence, matched) }
            return (.endTurn, nil)
        }
    }

    /// Maps `usage`: cached prompt tokens (OpenAI's `prompt_tokens_details.cached_tokens`,
    /// DeepSeek's `prompt_cache_hit_tokens`) become `cache_read_input_tokens`, the rest input.
    static func usage(_ json: JSONValue?) -> Usage? {
        guard let json, let prompt = json["prompt_tokens"]?.intValue else { return nil }
        let cached = json["prompt_tokens_details"]?["cached_tokens"]?.intValue ?? json["prompt_cache_hit_tokens"]?.intValue ?? 0
        return Usage(
            inputTokens: max(prompt - cached, 0),
            outputTokens: json["completion_tokens"]?.intValue ?? 0,
            cacheReadInputTokens: cached
        )
    }

    /// A tool call's `arguments` string as the tool_use input object. Arguments that are not a JSON
    /// object are kept under `_raw_arguments`, so the client's schema check tells the model what
    /// went wrong instead of the call silently losing its input.
    static func toolInput(arguments: String) -> JSONValue {
        if arguments.trimmingWhitespace().isEmpty { return .object([:]) }
        if let parsed = try? JSONParser.parse(arguments), case .object = parsed { return parsed }
        return ["_raw_arguments": .string(arguments)]
    }

    /// The reply's usage: what the upstream reported or, when it reported none, the prompt
    /// estimate and about four characters per output token; with the one search a search model
    /// makes for each answer. A stream's output is then a token per chunk that carried any
    /// (`outputChunks`): the servers that report no usage (llama.cpp's) stream a token at a time,
    /// and four characters a token is far off for short or long tokens.
    func replyUsage(reported: Usage?, outputCharacters: Int, outputChunks: Int = 0) -> Usage {
        var usage = reported ?? Usage.estimated(inputTokens: estimatedInputTokens, outputCharacters: outputCharacters)
        if reported == nil, outputChunks > 0 { usage.outputTokens = outputChunks }
        if searchAnswer != nil { usage.webSearchRequests = 1 }
        return usage
    }

    /// The blocks of a search model's answer (see `OpenAIChatSearchAnswer`), under an id derived
    /// from the reply's (`srvtoolu_…`) so that the whole and the streamed translation agree;
    /// `nil` when the reply answers no search.
    func searchBlocks(text: String, annotations: [JSONValue]) -> [ContentBlock]? {
        searchAnswer?.blocks(text: text, annotations: annotations, toolUseID: MessageIdentifier.serverToolUseID(messageID: messageID, index: 0))
    }

    func toolUseID(upstreamID: String?, index: Int) -> String {
        MessageIdentifier.toolUseID(upstreamID: upstreamID, messageID: messageID, index: index)
    }

    /// The reasoning text of a message or delta: `reasoning_content` (DeepSeek, vLLM, llama.cpp)
    /// or `reasoning` (OpenRouter, Ollama, Groq), the server's own field first.
    func reasoning(_ json: JSONValue?) -> String? {
        let other = reasoningField == "reasoning" ? "reasoning_content" : "reasoning"
        return json?[reasoningField]?.stringValue ?? json?[other]?.stringValue
    }
}
