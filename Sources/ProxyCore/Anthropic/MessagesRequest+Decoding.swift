extension MessagesRequest {
    /// Validates and types a request body. Every problem is a 400 `invalid_request_error` whose
    /// message starts with the field's path, as Anthropic's own do (`messages.2.content.0.type: ...`).
    /// `context_management`'s edits are applied: `messages` are what the model is to read.
    /// - Parameters:
    ///   - countingTokens: a `count_tokens` body, which has no `max_tokens`.
    ///   - derivedFromMessages: for each element of `json`'s `messages`, where its decoded message
    ///     is kept for a later turn that reuses the element (`JSONParser.parseRequest`); the
    ///     request's `decodedMessages` are those.
    package init(json: JSONValue, countingTokens: Bool = false, derivedFromMessages: [DerivedValue]? = nil) throws(AnthropicError) {
        let body = try FieldReader(json, path: "")
        model = try body.string("model")
        maxTokens = countingTokens ? try body.optionalInt("max_tokens") ?? 1 : try body.int("max_tokens")
        guard maxTokens >= 1 else { throw FieldReader.problem("max_tokens", "must be at least 1") }
        var loadedTools: Set<String> = []
        let elements = try body.array("messages")
        // Anthropic's own rule; every upstream would refuse an empty conversation in words of its own.
        guard countingTokens || !elements.isEmpty else { throw FieldReader.problem("messages", "at least one message is required") }
        var decodedMessages: [DecodedMessage]?
        var notes: [MessageNotes] = []
        if let derived = derivedFromMessages, derived.count == elements.count {
            let decoded = try elements.enumerated().map { index, element throws(AnthropicError) in
                if let kept = derived[index].get(DecodedMessage.self) { return kept }
                var loaded: Set<String> = []
                var messageNotes = MessageNotes()
                let message = try Self.message(element, path: "messages.\(index)", loadedTools: &loaded, notes: &messageNotes)
                let decoded = DecodedMessage(message, loadedTools: loaded, notes: messageNotes)
                derived[index].set(decoded)
                return decoded
            }
            for message in decoded { loadedTools.formUnion(message.loadedTools) }
            messages = decoded.map(\.message)
            decodedMessages = decoded
            if decoded.contains(where: { !$0.notes.isEmpty }) { notes = decoded.map(\.notes) }
        } else {
            messages = try elements.enumerated().map { index, element throws(AnthropicError) in
                var messageNotes = MessageNotes()
                let message = try Self.message(element, path: "messages.\(index)", loadedTools: &loadedTools, notes: &messageNotes)
                if !messageNotes.isEmpty {
                    if notes.isEmpty { notes = Array(repeating: MessageNotes(), count: elements.count) }
                    notes[index] = messageNotes
                }
                return message
            }
        }
        system = try Self.system(body.optional("system"))
        var declared: [DeclaredTool] = []
        var declaredTools: [Tool] = []
        var serverTools: [ServerTool] = []
        for (index, element) in (try body.optionalArray("tools") ?? []).enumerated() {
            let tool = try Self.declaredTool(element, path: "tools.\(index)")
            declared.append(tool)
            switch tool {
            case .client(let tool): declaredTools.append(tool)
            case .server(let tool):
                if serverTools.contains(where: { $0.kind == tool.kind }) {
                    throw FieldReader.problem("tools.\(index).type", "'\(tool.type)' is declared twice; declare each server tool once")
                }
                serverTools.append(tool)
            }
        }
        self.serverTools = serverTools
        if let servers = try body.optionalArray("mcp_servers"), !servers.isEmpty {
            // Dropping them would leave the model without the tools the client counted on.
            throw FieldReader.problem("mcp_servers", Self.mcpConnectorIsAnthropics)
        }
        (toolChoice, disableParallelToolUse) = try Self.toolChoice(body.optional("tool_choice"))
        if case .tool(let name)? = toolChoice {
            if serverTools.contains(where: { $0.name == name }) {
                // The upstream's own search cannot be forced; offering it is what the client asked for.
                toolChoice = .auto
            } else {
                loadedTools.insert(name)
            }
        }
        tools = declaredTools.filter { !$0.deferLoading || loadedTools.contains($0.name) }
        stream = try body.optionalBool("stream") ?? false
        temperature = try body.optionalDouble("temperature")
        topP = try body.optionalDouble("top_p")
        topK = try body.optionalInt("top_k")
        stopSequences = try (body.optionalArray("stop_sequences") ?? []).enumerated().map { index, element throws(AnthropicError) in
            guard let text = element.stringValue else { throw FieldReader.problem("stop_sequences.\(index)", "must be a string") }
            return text
        }
        thinking = try Self.thinking(body.optional("thinking"))
        thinkingDisplay = try Self.thinkingDisplay(body.optional("thinking"))
        let outputConfig = try body.optional("output_config").map { value throws(AnthropicError) in try FieldReader(value, path: "output_config") }
        effort = try outputConfig?.optionalString("effort")
        let format = try Self.outputSchema(outputConfig?.optional("format"), path: "output_config.format")
        let olderFormat = try Self.outputSchema(body.optional("output_format"), path: "output_format")
        outputSchema = format ?? olderFormat
        userID = body.optional("metadata")?["user_id"]?.stringValue
        cacheBreakpoint = CacheBreakpoint(body: json)
        contextManagement = try ContextManagement(json: body.optional("context_management"))
        self.decodedMessages = decodedMessages
        if !notes.isEmpty { try MessageNotes.apply(notes, declared: declared, loaded: loadedTools, to: &self) }
        if let contextManagement { contextEdits = ContextEditor.apply(contextManagement, to: &self) }
        // count_tokens takes the parameters and counts the conversation as sent.
        if !countingTokens {
            onDemandCompaction = try OnDemandCompaction.decode(body.optional("compaction"), for: self)
            cacheDiagnostics = try CacheDiagnosticsRequest(json: body.optional("diagnostics"))
        }
    }

    /// - Parameter notes: set to what the message says of the conversation beyond its content.
    private static func message(
        _ json: JSONValue, path: String, loadedTools: inout Set<String>, notes: inout MessageNotes
    ) throws(AnthropicError) -> Message {
        let reader = try FieldReader(json, path: path)
        let roleName = try reader.string("role")
        guard let role = Role(rawValue: roleName) else {
            throw FieldReader.problem("\(path).role", "must be 'user', 'assistant' or 'system', not '\(roleName)'")
        }
        if role == .system { try systemMessageNotes(reader, path: path, into: &notes) }
        if role != .system, reader.optional("clear_at") != nil {
            throw FieldReader.problem("\(path).clear_at", "only a system message (role 'system') takes clear_at")
        }
        var json = try reader.required("content")
        if var blocks = json.arrayValue, blocks.contains(where: { $0["type"] == "compaction" || $0["type"] == "fallback" }) {
            // Where an Anthropic reply passed from a model that declined to its fallback: kept in
            // the history, not rendered into the prompt.
            blocks.removeAll { $0["type"] == "fallback" }
            if blocks.contains(where: { $0["type"] == "compaction" }) {
                let read = try CompactedHistory.blocksAfterCompaction(blocks, path: "\(path).content")
                blocks = read.blocks
                notes.compaction = read.mark
            }
            json = .array(blocks)
        }
        let content: [ContentBlock]
        if role == .system, let blocks = json.arrayValue, blocks.contains(where: { ToolChange.blockTypes.contains($0["type"]?.stringValue ?? "") }) {
            content = try blocks.enumerated().map { index, block throws(AnthropicError) in
                guard ToolChange.blockTypes.contains(block["type"]?.stringValue ?? "") else {
                    return try contentBlock(block, path: "\(path).content.\(index)", allowed: nil, loadedTools: &loadedTools)
                }
                let change = try ToolChange.decode(block, path: "\(path).content.\(index)")
                notes.toolChanges.append(change)
                return .text(change.text)
            }
        } else {
            content = try contentBlocks(json, path: "\(path).content", allowed: nil, loadedTools: &loadedTools)
        }
        return Message(role: role, content: joiningCitedAnswer(content, json: json))
    }

    /// A system message's `clear_at` and `output_config`.
    private static func systemMessageNotes(_ reader: FieldReader, path: String, into notes: inout MessageNotes) throws(AnthropicError) {
        switch try reader.optionalString("clear_at") {
        case nil, "never"?: break
        case "next_user_message"?: notes.clearsAtNextUserMessage = true
        case let other?: throw FieldReader.problem("\(path).clear_at", "must be next_user_message or never, not '\(other)'")
        }
        if let outputConfig = reader.optional("output_config"), !outputConfig.isNull {
            let config = try FieldReader(outputConfig, path: "\(path).output_config")
            if config.optional("format") != nil {
                throw FieldReader.problem("\(path).output_config.format", "is taken only at the top level (output_config.format), not on a message")
            }
            notes.effort = try config.optionalString("effort")
        }
    }

    /// A searched reply sent back: its answer is text blocks cut at the citations' bounds (a
    /// sentence, a space, the next sentence), which upstreams would read as separate paragraphs.
    /// Consecutive text blocks of a message that has cited ones are joined back into one.
    private static func joiningCitedAnswer(_ content: [ContentBlock], json: JSONValue) -> [ContentBlock] {
        guard let blocks = json.arrayValue, blocks.contains(where: { $0["type"] == "text" && $0["citations"]?.arrayValue != nil }) else {
            return content
        }
        var joined: [ContentBlock] = []
        var lastIsAnswerText = false
        for (block, source) in zip(content, blocks) {
            let isAnswerText = source["type"] == "text"
            if isAnswerText, lastIsAnswerText, case .text(let text) = block, case .text(let held)? = joined.last {
                joined[joined.count - 1] = .text(held + text)
            } else {
                joined.append(block)
            }
            lastIsAnswerText = isAnswerText
        }
        return joined
    }

    private static func system(_ json: JSONValue?) throws(AnthropicError) -> [String] {
        switch json {
        case nil, .null?: return []
        case .string(let text)?: return text.isEmpty ? [] : [text]
        case .array(let blocks)?:
            return try blocks.enumerated().map { index, block throws(AnthropicError) in
                let reader = try FieldReader(block, path: "system.\(index)")
                let type = try reader.string("type")
                guard type == "text" else { throw FieldReader.problem("system.\(index).type", "must be 'text', not '\(type)'") }
                return try reader.string("text")
            }
        case let other?:
            throw FieldReader.problem("system", "must be a string or an array of text blocks, not \(other.typeName)")
        }
    }

    /// Content is a string (one text block) or an array of blocks; `allowed` narrows the block
    /// types (tool results hold only text, images and documents).
    private static func contentBlocks(
        _ json: JSONValue, path: String, allowed: Set<String>?, loadedTools: inout Set<String>
    ) throws(AnthropicError) -> [ContentBlock] {
        switch json {
        case .string(let text):
            return [.text(text)]
        case .array(let blocks):
            return try blocks.enumerated().map { index, block throws(AnthropicError) in
                try contentBlock(block, path: "\(path).\(index)", allowed: allowed, loadedTools: &loadedTools)
            }
        default:
            throw FieldReader.problem(path, "must be a string or an array of content blocks, not \(json.typeName)")
        }
    }

    private static func contentBlock(
        _ json: JSONValue, path: String, allowed: Set<String>?, loadedTools: inout Set<String>
    ) throws(AnthropicError) -> ContentBlock {
        let reader = try FieldReader(json, path: path)
        let type = try reader.string("type")
        if let allowed, !allowed.contains(type) {
            throw FieldReader.problem("\(path).type", "'\(type)' blocks are not allowed here (expected \(allowed.sorted().joined(separator: ", ")))")
        }
        switch type {
        case "text":
            return .text(try reader.string("text"))
        case "image":
            return .image(try mediaSource(reader.required("source"), path: "\(path).source"))
        case "document":
            return .document(try mediaSource(reader.required("source"), path: "\(path).source"), title: try reader.optionalString("title"))
        case "tool_use":
            let input = reader.optional("input") ?? .object([:])
            guard case .object = input else { throw FieldReader.problem("\(path).input", "must be an object") }
            return .toolUse(id: try reader.string("id"), name: try reader.string("name"), input: input)
        case "tool_result":
            let content = try reader.optional("content").map { value throws(AnthropicError) in
                try contentBlocks(value, path: "\(path).content", allowed: ["text", "image", "document", "search_result", "tool_reference"], loadedTools: &loadedTools)
            } ?? []
            return .toolResult(toolUseID: try reader.string("tool_use_id"), content: content, isError: try reader.optionalBool("is_error") ?? false)
        case "thinking":
            return .thinking(try reader.string("thinking"), signature: try reader.optionalString("signature") ?? "")
        case "redacted_thinking":
            return .redactedThinking(data: try reader.string("data"))
        case "tool_reference":
            // Tool search loaded a deferred tool: from here on the upstream is told of it, and
            // its model reads this instead of the reference.
            let name = try reader.string("tool_name")
            loadedTools.insert(name)
            return .text(ToolChange.addition(.named(name)).text)
        case "search_result":
            // The upstream's model reads the result as text; Anthropic's citations of it are not made.
            let texts = try (reader.array("content")).enumerated().map { index, block throws(AnthropicError) in
                let text = try FieldReader(block, path: "\(path).content.\(index)")
                let type = try text.string("type")
                guard type == "text" else { throw FieldReader.problem("\(path).content.\(index).type", "must be 'text', not '\(type)'") }
                return try text.string("text")
            }
            return .text("Search result: \(try reader.string("title"))\nSource: \(try reader.string("source"))\n\n\(texts.joined(separator: "\n\n"))")
        case "tool_addition", "tool_removal":
            throw FieldReader.problem("\(path).type", "'\(type)' blocks change the tools from where they are, and belong in a system message (role 'system')")
        case "server_tool_use", "web_search_tool_result", "web_fetch_tool_result":
            // An earlier reply's search, sent back in the history: the upstream reads what was
            // searched and found as text.
            return .text(serverToolHistoryText(type: type, json))
        default:
            throw FieldReader.problem("\(path).type", "'\(type)' blocks are not supported by this backend (supported: text, image, document, search_result, tool_use, tool_result, thinking, redacted_thinking, server_tool_use, web_search_tool_result, web_fetch_tool_result, tool_reference, compaction, fallback, and tool_addition and tool_removal in system messages)")
        }
    }

    /// A past server tool block as the upstream model reads it.
    private static func serverToolHistoryText(type: String, _ json: JSONValue) -> String {
        switch type {
        case "server_tool_use":
            let input = json["input"]
            if let query = input?["query"]?.stringValue { return "Searched the web for: \(query)" }
            if let url = input?["url"]?.stringValue { return "Fetched \(url)" }
            return "Used \(json["name"]?.stringValue ?? "a server tool")"
        default:
            guard let results = json["content"]?.arrayValue else {
                let code = json["content"]?["error_code"]?.stringValue ?? "unavailable"
                return "The \(type == "web_search_tool_result" ? "search" : "fetch") failed (\(code))."
            }
            let lines = results.map { result in
                "- \(result["title"]?.stringValue ?? "") (\(result["url"]?.stringValue ?? ""))"
            }
            return (["Web search results:"] + lines).joined(separator: "\n")
        }
    }

    private static func mediaSource(_ json: JSONValue, path: String) throws(AnthropicError) -> MediaSource {
        let reader = try FieldReader(json, path: path)
        let type = try reader.string("type")
        switch type {
        case "base64":
            return .base64(mediaType: try reader.string("media_type"), data: try reader.string("data"))
        case "url":
            return .url(try reader.string("url"))
        case "text":
            return .text(try reader.string("data"))
        default:
            throw FieldReader.problem("\(path).type", "source type '\(type)' is not supported (supported: base64, url, text)")
        }
    }

    /// A `tools` entry, or a tool a `tool_addition` defines by value.
    package enum DeclaredTool: Sendable, Equatable {
        case client(Tool)
        case server(ServerTool)

        package var name: String {
            switch self {
            case .client(let tool): tool.name
            case .server(let tool): tool.name
            }
        }
    }

    /// Why `mcp_servers` and the `mcp_toolset` tools that name them are refused.
    static let mcpConnectorIsAnthropics =
        "the MCP connector runs only on Anthropic itself, which connects to the servers for the model; route this model to an anthropic/ backend, or connect the MCP servers in your client and declare their tools"

    static func declaredTool(_ json: JSONValue, path: String) throws(AnthropicError) -> DeclaredTool {
        let reader = try FieldReader(json, path: path)
        let type = try reader.optionalString("type")
        // An MCP toolset has no name of its own: it names a server of `mcp_servers`.
        if type == "mcp_toolset" { throw FieldReader.problem("\(path).type", mcpConnectorIsAnthropics) }
        let name = try reader.string("name")
        if let type, type != "custom" {
            if let defined = AnthropicDefinedTool.tool(type: type, name: name, deferLoading: try reader.optionalBool("defer_loading") ?? false) {
                return .client(defined)
            }
            let kind: ServerTool.Kind
            if type.hasPrefix("web_search_") {
                kind = .webSearch
            } else if type.hasPrefix("web_fetch_") {
                kind = .webFetch
            } else {
                throw FieldReader.problem("\(path).type", "'\(name)' is an Anthropic server tool (\(type)); only Anthropic itself can run it, so route this model to an anthropic/ backend or remove the tool")
            }
            return .server(
                ServerTool(
                    kind: kind, type: type, name: name, maxUses: try reader.optionalInt("max_uses"),
                    allowedDomains: try strings(reader.optionalArray("allowed_domains"), path: "\(path).allowed_domains"),
                    blockedDomains: try strings(reader.optionalArray("blocked_domains"), path: "\(path).blocked_domains"),
                    userLocation: reader.optional("user_location").flatMap { $0.isNull ? nil : $0 }))
        }
        let schema = try reader.required("input_schema")
        guard case .object = schema else { throw FieldReader.problem("\(path).input_schema", "must be an object") }
        return .client(
            Tool(
                name: name, description: try reader.optionalString("description"), inputSchema: schema,
                deferLoading: try reader.optionalBool("defer_loading") ?? false))
    }

    private static func strings(_ values: [JSONValue]?, path: String) throws(AnthropicError) -> [String] {
        try (values ?? []).enumerated().map { index, value throws(AnthropicError) in
            guard let text = value.stringValue else { throw FieldReader.problem("\(path).\(index)", "must be a string") }
            return text
        }
    }

    /// The schema of `{"type": "json_schema", "schema": {...}}`.
    private static func outputSchema(_ json: JSONValue?, path: String) throws(AnthropicError) -> JSONValue? {
        guard let json, !json.isNull else { return nil }
        let reader = try FieldReader(json, path: path)
        let type = try reader.string("type")
        guard type == "json_schema" else { throw FieldReader.problem("\(path).type", "must be 'json_schema', not '\(type)'") }
        let schema = try reader.required("schema")
        guard case .object = schema else { throw FieldReader.problem("\(path).schema", "must be an object") }
        return schema
    }

    private static func toolChoice(_ json: JSONValue?) throws(AnthropicError) -> (ToolChoice?, Bool) {
        guard let json, !json.isNull else { return (nil, false) }
        let reader = try FieldReader(json, path: "tool_choice")
        let disableParallel = try reader.optionalBool("disable_parallel_tool_use") ?? false
        let type = try reader.string("type")
        switch type {
        case "auto": return (.auto, disableParallel)
        case "any": return (.any, disableParallel)
        case "none": return (ToolChoice.none, disableParallel)
        case "tool": return (.tool(name: try reader.string("name")), disableParallel)
        default: throw FieldReader.problem("tool_choice.type", "must be auto, any, tool or none, not '\(type)'")
        }
    }

    /// Checks a fallback entry's `thinking` and `output_config` (at `path`) as a request's own are
    /// read, so that a mistake in them is a 400 now rather than a fallback passed over later.
    package static func checkOverrides(thinking: JSONValue?, outputConfig: JSONValue?, path: String) throws(AnthropicError) {
        _ = try Self.thinking(thinking, path: "\(path).thinking")
        _ = try thinkingDisplay(thinking, path: "\(path).thinking")
        guard let outputConfig, !outputConfig.isNull else { return }
        let config = try FieldReader(outputConfig, path: "\(path).output_config")
        _ = try config.optionalString("effort")
        _ = try outputSchema(config.optional("format"), path: "\(path).output_config.format")
    }

    private static func thinking(_ json: JSONValue?, path: String = "thinking") throws(AnthropicError) -> Thinking {
        guard let json, !json.isNull else { return .disabled }
        let reader = try FieldReader(json, path: path)
        let type = try reader.string("type")
        switch type {
        // `between_tools` turns thinking off; Claude's short progress notes between tool calls,
        // which it returns as thinking blocks, are not something other models write.
        case "disabled", "between_tools": return .disabled
        case "adaptive": return .adaptive
        case "enabled": return .enabled(budgetTokens: try reader.int("budget_tokens"))
        default: throw FieldReader.problem("\(path).type", "must be enabled, adaptive, between_tools or disabled, not '\(type)'")
        }
    }

    private static func thinkingDisplay(_ json: JSONValue?, path: String = "thinking") throws(AnthropicError) -> ThinkingDisplay {
        guard let json, !json.isNull, let display = try FieldReader(json, path: path).optionalString("display") else { return .shown }
        switch display {
        case "summarized": return .shown
        case "omitted", "updates": return .omitted(estimates: false)
        default: throw FieldReader.problem("\(path).display", "must be summarized, omitted or updates, not '\(display)'")
        }
    }
}
