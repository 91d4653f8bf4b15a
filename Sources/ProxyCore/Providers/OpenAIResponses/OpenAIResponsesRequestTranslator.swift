/// Translates an Anthropic Messages request into an OpenAI Responses API request body
/// (`POST /responses`).
///
/// The system prompt becomes `instructions`; messages become input items in order: user and
/// system messages (`input_text`, `input_image`, `input_file`), assistant text (`output_text`),
/// tool calls (`function_call`), tool results (`function_call_output`), and the reasoning items
/// this adapter returned earlier (see `OpenAIResponsesReasoningSignature`). Requests are never
/// stored (`store: false`); reasoning models are asked for their encrypted reasoning, so that the
/// next turn can send it back. Web search is the API's own `web_search` tool (see
/// `OpenAIResponsesWebSearch`), an output schema `text.format`. What the API cannot take is a 400
/// naming the field.
package struct OpenAIResponsesRequestTranslator: Sendable {
    private let model: String
    private let profile: ModelProfile
    private let promptCacheKey: String?

    /// - Parameters:
    ///   - model: the upstream model name; reasoning signatures are matched against it.
    ///   - profile: what the catalog knows about it (output ceiling, reasoning).
    ///   - promptCacheKey: the session's `prompt_cache_key` (see `PromptCacheKey`), for servers that take one.
    package init(model: String, profile: ModelProfile, promptCacheKey: String? = nil) {
        self.model = model
        self.profile = profile
        self.promptCacheKey = promptCacheKey
    }

    package func translate(_ request: MessagesRequest) throws(AnthropicError) -> JSONValue {
        .object(
            try TranslatedMessageCache.translated(body(request), appending: request.messages, toArrayAt: "input") {
                index, message throws(AnthropicError) in try inputItems(message, at: index)
            })
    }

    /// What `translate` gives, written; each message's items are taken from `strings`'s translated
    /// messages when kept (they depend on the message and on `messageContext` only).
    package func encode(_ request: MessagesRequest, reusing strings: JSONStringEscapes) throws(AnthropicError) -> WrittenJSON {
        let body = try self.body(request)
        return try strings.translatedMessages.encode(body, appendingMessagesOf: request, toArrayAt: "input", context: messageContext, reusing: strings) {
            index, message throws(AnthropicError) in try inputItems(message, at: index)
        }
    }

    /// Everything a message's translation reads besides the message: reasoning signatures are
    /// matched against the model.
    private var messageContext: String {
        "responses\u{0}\(systemRole)\u{0}\(model)"
    }

    /// The body with an empty `input`.
    private func body(_ request: MessagesRequest) throws(AnthropicError) -> JSONObject {
        let search = request.webSearch.map(OpenAIResponsesWebSearch.init)
        var body = JSONObject()
        body.append("model", .string(model))
        if !request.system.isEmpty { body.append("instructions", .string(request.system.joined(separator: "\n\n"))) }
        body.append("input", [])
        body.append("max_output_tokens", .int(min(request.maxTokens, profile.maxOutputTokens)))
        var include: [JSONValue] = []
        if profile.isOpenAIReasoningModel {
            var reasoning = JSONObject()
            if let effort = request.openAIReasoningEffort { reasoning.append("effort", .string(effort)) }
            // Summaries are what a thinking block shows; only a client that asked for thinking gets them.
            if request.thinking != .disabled { reasoning.append("summary", "auto") }
            if !reasoning.isEmpty { body.append("reasoning", .object(reasoning)) }
            include.append("reasoning.encrypted_content")
        } else {
            if let temperature = request.temperature { body.append("temperature", .double(temperature)) }
            if let topP = request.topP { body.append("top_p", .double(topP)) }
        }
        if search != nil { include.append(OpenAIResponsesWebSearch.sourcesInclude) }
        if !include.isEmpty { body.append("include", .array(include)) }
        if let schema = request.outputSchema { body.append("text", ["format": OpenAIOutputSchema(schema).textFormat]) }
        let tools = request.tools.map(Self.function) + [search?.requestTool].compactMap { $0 }
        if !tools.isEmpty {
            body.append("tools", .array(tools))
            if let choice = request.toolChoice { body.append("tool_choice", Self.toolChoice(choice)) }
            if request.disableParallelToolUse { body.append("parallel_tool_calls", false) }
        }
        body.append("store", false)
        if let promptCacheKey {
            body.append("prompt_cache_key", .string(promptCacheKey))
            if ModelCatalog.keepsPromptCacheForADay(model) { body.append("prompt_cache_retention", "24h") }
        }
        if request.stream { body.append("stream", true) }
        return body
    }

    // MARK: - Input items

    private var systemRole: String { profile.isOpenAIReasoningModel ? "developer" : "system" }

    /// The input items for the request's message at `index`.
    private func inputItems(_ message: MessagesRequest.Message, at index: Int) throws(AnthropicError) -> [JSONValue] {
        let path = "messages.\(index).content"
        switch message.role {
        case .system:
            let parts = try message.content.enumerated().map { inner, block throws(AnthropicError) -> JSONValue in
                guard case .text(let text) = block else { throw .invalidRequest("\(path).\(inner): system messages may hold only text") }
                return Self.inputText(text)
            }
            return parts.isEmpty ? [] : [Self.message(role: .string(systemRole), parts)]
        case .assistant:
            return assistantItems(message.content)
        case .user:
            return try Self.userItems(message.content, path: path)
        }
    }

    /// Text runs become assistant messages, tool_use blocks `function_call` items, and thinking
    /// this model wrote its reasoning item again, in their order. A reasoning item must be
    /// followed by the output it led to, so one that ends the message is left out (a reply cut
    /// off while thinking).
    private func assistantItems(_ blocks: [ContentBlock]) -> [JSONValue] {
        var items: [JSONValue] = []
        var texts: [JSONValue] = []
        var pendingReasoning: [JSONValue] = []
        func flush(_ item: JSONValue?) {
            if !texts.isEmpty {
                items += pendingReasoning
                pendingReasoning = []
                items.append(Self.message(role: "assistant", texts))
                texts = []
            }
            if let item {
                items += pendingReasoning
                pendingReasoning = []
                items.append(item)
            }
        }
        for block in blocks {
            switch block {
            case .text(let text) where !text.isEmpty:
                texts.append(["type": "output_text", "text": .string(text)])
            case .toolUse(let id, let name, let input):
                flush([
                    "type": "function_call", "call_id": .string(id), "name": .string(ToolNameMapping.upstreamName(for: name)),
                    "arguments": .string(JSONWriter.string(input)),
                ])
            case .thinking(let text, let signature):
                guard let encrypted = OpenAIResponsesReasoningSignature.encryptedContent(in: signature, model: model) else { continue }
                flush(nil)
                let summary: JSONValue = text.isEmpty ? [] : [["type": "summary_text", "text": .string(text)]]
                pendingReasoning.append(["type": "reasoning", "summary": summary, "encrypted_content": .string(encrypted)])
            default:
                continue
            }
        }
        flush(nil)
        return items
    }

    /// Tool results become `function_call_output` items first, as they answer the calls just
    /// before them; the rest of the turn follows as one user message.
    private static func userItems(_ blocks: [ContentBlock], path: String) throws(AnthropicError) -> [JSONValue] {
        var outputs: [JSONValue] = []
        var parts: [JSONValue] = []
        for (index, block) in blocks.enumerated() {
            let blockPath = "\(path).\(index)"
            switch block {
            case .toolResult(let id, let content, let isError):
                outputs.append(["type": "function_call_output", "call_id": .string(id), "output": try toolOutput(content, isError: isError, path: blockPath)])
            case .thinking, .redactedThinking:
                continue
            default:
                parts.append(try part(block, path: blockPath))
            }
        }
        return parts.isEmpty ? outputs : outputs + [message(role: "user", parts)]
    }

    /// A tool's answer: a string when it is only text (`is_error` results start with `Error:`),
    /// else a list of input parts, which the API takes for images and files a tool returned.
    private static func toolOutput(_ content: [ContentBlock], isError: Bool, path: String) throws(AnthropicError) -> JSONValue {
        var (text, attachments) = try ContentBlock.toolResultParts(content, path: path) { item, path throws(AnthropicError) in
            try part(item, path: path)
        }
        if isError { text = "Error: " + text }
        guard !attachments.isEmpty else { return .string(text) }
        return .array((text.isEmpty ? [] : [inputText(text)]) + attachments)
    }

    private static func message(role: JSONValue, _ content: [JSONValue]) -> JSONValue {
        ["type": "message", "role": role, "content": .array(content)]
    }

    private static func inputText(_ text: String) -> JSONValue {
        ["type": "input_text", "text": .string(text)]
    }

    /// One input part: `input_text`, `input_image` (data URL or link), `input_file` (PDFs).
    private static func part(_ block: ContentBlock, path: String) throws(AnthropicError) -> JSONValue {
        switch block {
        case .text(let text):
            return inputText(text)
        case .image(.base64(let mediaType, let data)):
            return ["type": "input_image", "image_url": .string("data:\(mediaType);base64,\(data)"), "detail": "auto"]
        case .image(.url(let url)):
            return ["type": "input_image", "image_url": .string(url), "detail": "auto"]
        case .document(.base64("application/pdf", let data), let title):
            return ["type": "input_file", "filename": .string(title ?? "document.pdf"), "file_data": .string("data:application/pdf;base64,\(data)")]
        case .document(.url(let url), _):
            return ["type": "input_file", "file_url": .string(url)]
        case .document(.text(let text), let title):
            return inputText(ContentBlock.documentText(text, title: title))
        case .document(.base64(let mediaType, _), _):
            throw .invalidRequest("\(path).source.media_type: '\(mediaType)' documents cannot be sent to the OpenAI Responses API; only application/pdf")
        case .image(.text), .toolUse, .toolResult, .thinking, .redactedThinking, .citedText, .serverToolUse, .webSearchToolResult, .compaction:
            throw block.misplacedInUserContent(at: path)
        }
    }

    // MARK: - Tools

    /// A function tool. `strict` is off: strict mode demands schemas Claude Code's tools do not
    /// meet (every property required, `additionalProperties: false` throughout), and it is the
    /// API's default.
    private static func function(_ tool: MessagesRequest.Tool) -> JSONValue {
        let parameters = tool.parametersWithoutDialect
        var function: JSONObject = ["type": "function", "name": .string(ToolNameMapping.upstreamName(for: tool.name))]
        if let description = tool.description { function["description"] = .string(description) }
        function["parameters"] = .object(parameters)
        function["strict"] = false
        return .object(function)
    }

    private static func toolChoice(_ choice: MessagesRequest.ToolChoice) -> JSONValue {
        switch choice {
        case .auto: "auto"
        case .any: "required"
        case .none: "none"
        case .tool(let name): ["type": "function", "name": .string(ToolNameMapping.upstreamName(for: name))]
        }
    }
}
