/// Translates an Anthropic Messages request into an OpenAI Chat Completions request body.
///
/// Only fields Chat Completions defines are written: Anthropic-only fields (`metadata`,
/// `context_management`, `cache_control`, ...) never reach the upstream, and
/// anything it cannot take is a 400 naming the block, never silently dropped.
package struct OpenAIChatRequestTranslator: Sendable {
    private let model: String
    private let profile: ModelProfile
    private let options: OpenAIChatOptions
    private let promptCacheKey: String?

    /// - Parameters:
    ///   - model: the upstream model name.
    ///   - profile: what the catalog knows about it (output ceiling, reasoning).
    ///   - options: the server's quirks (its provider preset's).
    ///   - promptCacheKey: the session's `prompt_cache_key` (see `PromptCacheKey`), for servers that take one.
    package init(model: String, profile: ModelProfile, options: OpenAIChatOptions = .standard, promptCacheKey: String? = nil) {
        self.model = model
        self.profile = profile
        self.options = options
        self.promptCacheKey = promptCacheKey
    }

    /// The most stop sequences OpenAI takes in `stop`.
    static let maximumStopSequences = 4

    /// Whether the request's stop sequences go to the upstream as `stop`: not to OpenAI's
    /// reasoning models, which refuse the parameter, nor to a server that does (its preset omits
    /// it), nor more of them than OpenAI takes. The proxy ends the reply at them itself instead.
    package static func sendsStopSequences(of request: MessagesRequest, profile: ModelProfile, options: OpenAIChatOptions) -> Bool {
        !request.stopSequences.isEmpty && request.stopSequences.count <= maximumStopSequences && !profile.isOpenAIReasoningModel
            && !options.omittedParameters.contains("stop")
    }

    package func translate(_ request: MessagesRequest) throws(AnthropicError) -> JSONValue {
        .object(
            try TranslatedMessageCache.translated(body(request), appending: request.messages, toArrayAt: "messages") {
                index, message throws(AnthropicError) in try chatMessages(message, at: index)
            })
    }

    /// What `translate` gives, written; each message's part is taken from `strings`'s translated
    /// messages when kept (it depends on the message and on `messageContext` only).
    package func encode(_ request: MessagesRequest, reusing strings: JSONStringEscapes) throws(AnthropicError) -> WrittenJSON {
        let body = try self.body(request)
        return try strings.translatedMessages.encode(body, appendingMessagesOf: request, toArrayAt: "messages", context: messageContext, reusing: strings) {
            index, message throws(AnthropicError) in try chatMessages(message, at: index)
        }
    }

    /// Everything a message's translation reads besides the message.
    private var messageContext: String {
        "chat\u{0}\(systemRole)\u{0}\(replayedReasoningField ?? "")"
    }

    /// The body with `messages` holding the system prompt only.
    private func body(_ request: MessagesRequest) throws(AnthropicError) -> JSONObject {
        let isSearchModel = OpenAISearchModel.matches(model)
        if isSearchModel, !request.tools.isEmpty {
            throw .invalidRequest("tools: '\(model)' is an OpenAI search model, which cannot call tools; route requests with tools to another model")
        }
        var body = JSONObject()
        body.append("model", .string(model))
        body.append("messages", .array(systemMessages(request)))
        let maxTokens = min(request.maxTokens, profile.maxOutputTokens)
        body.append(profile.isOpenAIReasoningModel ? "max_completion_tokens" : "max_tokens", .int(maxTokens))
        if !profile.isOpenAIReasoningModel {
            if let temperature = request.temperature { body.append("temperature", .double(temperature)) }
            if let topP = request.topP { body.append("top_p", .double(topP)) }
        } else if let effort = request.openAIReasoningEffort {
            body.append("reasoning_effort", .string(effort))
        }
        if Self.sendsStopSequences(of: request, profile: profile, options: options) {
            body.append("stop", .array(request.stopSequences.map(JSONValue.string)))
        }
        if !request.tools.isEmpty {
            body.append("tools", .array(request.tools.map(Self.function)))
            if let choice = request.toolChoice { body.append("tool_choice", Self.toolChoice(choice)) }
            if request.disableParallelToolUse { body.append("parallel_tool_calls", false) }
        }
        if let schema = request.outputSchema {
            body.append("response_format", options.takesJSONSchema ? OpenAIOutputSchema(schema).responseFormat : ["type": "json_object"])
        }
        if isSearchModel, let search = request.webSearch {
            body.append("web_search_options", OpenAISearchModel.webSearchOptions(for: search))
        }
        if let promptCacheKey {
            body.append("prompt_cache_key", .string(promptCacheKey))
            if ModelCatalog.keepsPromptCacheForADay(model) { body.append("prompt_cache_retention", "24h") }
        }
        if request.stream {
            body.append("stream", true)
            body.append("stream_options", ["include_usage": true])
        }
        for parameter in options.omittedParameters.union(isSearchModel ? OpenAISearchModel.refusedParameters : []) { body[parameter] = nil }
        return body
    }

    // MARK: - Messages

    private var systemRole: String { profile.isOpenAIReasoningModel ? "developer" : "system" }

    /// The field the server wants its own reasoning back in, when it does.
    private var replayedReasoningField: String? { options.replaysReasoning ? options.reasoningField : nil }

    /// The system prompt (and the output schema's instruction) as the first message, if any.
    private func systemMessages(_ request: MessagesRequest) -> [JSONValue] {
        var system = request.system
        if let schema = request.outputSchema, !options.takesJSONSchema { system.append(Self.schemaInstruction(schema)) }
        return system.isEmpty ? [] : [["role": .string(systemRole), "content": .string(system.joined(separator: "\n\n"))]]
    }

    /// The Chat messages for the request's message at `index`: none, one, or a user turn's tool
    /// messages and the rest.
    private func chatMessages(_ message: MessagesRequest.Message, at index: Int) throws(AnthropicError) -> [JSONValue] {
        let path = "messages.\(index).content"
        switch message.role {
        case .system:
            return [["role": .string(systemRole), "content": .string(try Self.plainText(message.content, path: path))]]
        case .assistant:
            return Self.assistantMessage(message.content, reasoningField: replayedReasoningField).map { [$0] } ?? []
        case .user:
            return try Self.userMessages(message.content, path: path)
        }
    }

    private static func plainText(_ blocks: [ContentBlock], path: String) throws(AnthropicError) -> String {
        try blocks.enumerated().map { index, block throws(AnthropicError) in
            guard case .text(let text) = block else { throw .invalidRequest("\(path).\(index): system messages may hold only text") }
            return text
        }.joined(separator: "\n\n")
    }

    /// Text joins into `content`; tool_use blocks become `tool_calls`. Thinking is not sent
    /// (Chat Completions has no field for it) unless the server wants its own reasoning back in
    /// `reasoningField`: then thinking this adapter returned goes there, from the block's text
    /// (a block with no signature) or its signature (thinking the client had omitted).
    private static func assistantMessage(_ blocks: [ContentBlock], reasoningField: String?) -> JSONValue? {
        var texts: [String] = []
        var toolCalls: [JSONValue] = []
        var reasoning: [String] = []
        for block in blocks {
            switch block {
            case .thinking(let thinking, let signature) where reasoningField != nil:
                if signature.isEmpty, !thinking.isEmpty {
                    reasoning.append(thinking)
                } else if let carried = OpenAIChatReasoningSignature.reasoning(in: signature) {
                    reasoning.append(carried)
                }
            case .text(let text) where !text.isEmpty:
                texts.append(text)
            case .toolUse(let id, let name, let input):
                toolCalls.append([
                    "id": .string(ToolCallIDLimit.fitting(id)), "type": "function",
                    "function": ["name": .string(ToolNameMapping.upstreamName(for: name)), "arguments": .string(JSONWriter.string(input))],
                ])
            default:
                continue
            }
        }
        guard !texts.isEmpty || !toolCalls.isEmpty else { return nil }
        // A turn of tool calls alone has empty content: OpenAI takes null there too, but llama.cpp's
        // Python server refuses null, and its chat templates read every message's content.
        var message: JSONObject = ["role": "assistant", "content": .string(texts.joined(separator: "\n\n"))]
        if !toolCalls.isEmpty { message["tool_calls"] = .array(toolCalls) }
        // A server that wants its reasoning back refuses a tool-calling turn without the field, even
        // where there is none to give (thinking cleared by context editing, or another model's turn).
        if let reasoningField, !reasoning.isEmpty || !toolCalls.isEmpty { message[reasoningField] = .string(reasoning.joined(separator: "\n\n")) }
        return .object(message)
    }

    /// Tool results become `tool` messages first, as they must follow the assistant's calls; the
    /// rest of the turn, and any images or documents the tools returned, follow as one user message.
    private static func userMessages(_ blocks: [ContentBlock], path: String) throws(AnthropicError) -> [JSONValue] {
        var toolMessages: [JSONValue] = []
        var parts: [JSONValue] = []
        var toolAttachments: [JSONValue] = []
        for (index, block) in blocks.enumerated() {
            let blockPath = "\(path).\(index)"
            switch block {
            case .toolResult(let id, let content, let isError):
                var (text, attachments) = try ContentBlock.toolResultParts(content, path: blockPath) { item, path throws(AnthropicError) in
                    try part(item, path: path)
                }
                if isError { text = "Error: " + text }
                if !attachments.isEmpty {
                    if text.isEmpty { text = "(see the attached content below)" }
                    toolAttachments.append(["type": "text", "text": .string("Content returned by tool call \(id):")])
                    toolAttachments.append(contentsOf: attachments)
                }
                toolMessages.append(["role": "tool", "tool_call_id": .string(ToolCallIDLimit.fitting(id)), "content": .string(text)])
            case .thinking, .redactedThinking:
                continue
            default:
                parts.append(try part(block, path: blockPath))
            }
        }
        var messages = toolMessages
        let userParts = toolAttachments + parts
        let texts = userParts.compactMap { $0["type"] == "text" ? $0["text"]?.stringValue : nil }
        if !userParts.isEmpty, texts.count == userParts.count {
            // Text only: one string, which every OpenAI-compatible server takes (llama.cpp's chat
            // templates break on a list of text parts).
            messages.append(["role": "user", "content": .string(texts.joined(separator: "\n\n"))])
        } else if !userParts.isEmpty {
            messages.append(["role": "user", "content": .array(userParts)])
        }
        return messages
    }

    /// One user content part: text, `image_url` (data URL or link), or `file` for PDFs.
    private static func part(_ block: ContentBlock, path: String) throws(AnthropicError) -> JSONValue {
        switch block {
        case .text(let text):
            return ["type": "text", "text": .string(text)]
        case .image(.base64(let mediaType, let data)):
            return ["type": "image_url", "image_url": ["url": .string("data:\(mediaType);base64,\(data)")]]
        case .image(.url(let url)):
            return ["type": "image_url", "image_url": ["url": .string(url)]]
        case .document(.base64("application/pdf", let data), let title):
            return ["type": "file", "file": ["filename": .string(title ?? "document.pdf"), "file_data": .string("data:application/pdf;base64,\(data)")]]
        case .document(.text(let text), let title):
            return ["type": "text", "text": .string(ContentBlock.documentText(text, title: title))]
        case .document(.url, _):
            throw .invalidRequest("\(path).source: OpenAI-compatible upstreams cannot fetch documents by URL; send the PDF as base64")
        case .document(.base64(let mediaType, _), _):
            throw .invalidRequest("\(path).source.media_type: '\(mediaType)' documents cannot be sent to OpenAI-compatible upstreams; only application/pdf")
        case .image(.text), .toolUse, .toolResult, .thinking, .redactedThinking, .citedText, .serverToolUse, .webSearchToolResult, .compaction:
            throw block.misplacedInUserContent(at: path)
        }
    }

    // MARK: - Tools

    private static func function(_ tool: MessagesRequest.Tool) -> JSONValue {
        let parameters = tool.parametersWithoutDialect
        var function: JSONObject = ["name": .string(ToolNameMapping.upstreamName(for: tool.name))]
        if let description = tool.description { function["description"] = .string(description) }
        function["parameters"] = .object(parameters)
        return ["type": "function", "function": .object(function)]
    }

    private static func toolChoice(_ choice: MessagesRequest.ToolChoice) -> JSONValue {
        switch choice {
        case .auto: "auto"
        case .any: "required"
        case .none: "none"
        case .tool(let name): ["type": "function", "function": ["name": .string(ToolNameMapping.upstreamName(for: name))]]
        }
    }
}
