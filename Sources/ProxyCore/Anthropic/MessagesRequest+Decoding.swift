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
        var compactions: [CompactedHistory.Mark?] = []
        if let derived = derivedFromMessages, derived.count == elements.count {
            let decoded = try elements.enumerated().map { index, element throws(AnthropicError) in
                if let kept = derived[index].get(DecodedMessage.self) { return kept }
                var loaded: Set<String> = []
                var compaction: CompactedHistory.Mark?
                let message = try Self.message(element, path: "messages.\(index)", loadedTools: &loaded, compaction: &compaction)
                let decoded = DecodedMessage(message, loadedTools: loaded, compaction: compaction)
                derived[index].set(decoded)
                return decoded
            }
            for message in decoded { loadedTools.formUnion(message.loadedTools) }
            messages = decoded.map(\.message)
            decodedMessages = decoded
            if decoded.contains(where: { $0.compaction != nil }) { compactions = decoded.map(\.compaction) }
        } else {
            messages = try elements.enumerated().map { index, element throws(AnthropicError) in
                var compaction: CompactedHistory.Mark?
                let message = try Self.message(element, path: "messages.\(index)", loadedTools: &loadedTools, compaction: &compaction)
                if let compaction {
                    if compactions.isEmpty { compactions = Array(repeating: nil, count: elements.count) }
                    compactions[index] = compaction
                }
                return message
            }
        }
        system = try Self.system(body.optional("system"))
        var declaredTools: [Tool] = []
        var serverTools: [ServerTool] = []
        for (index, element) in (try body.optionalArray("tools") ?? []).enumerated() {
            switch try Self.tool(element, path: "tools.\(index)") {
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
        CompactedHistory.apply(compactions, to: &self)
        if let contextManagement { contextEdits = ContextEditor.apply(contextManagement, to: &self) }
    }

    /// - Parameter compaction: set to what the message's compaction blocks came to, when it has some.
    private static func message(
        _ json: JSONValue, path: String, loadedTools: inout Set<String>, compaction: inout CompactedHistory.Mark?
    ) throws(AnthropicError) -> Message {
        let reader = try FieldReader(json, path: path)
        let roleName = try reader.string("role")
        guard let role = Role(rawValue: roleName) else {
            throw FieldReader.problem("\(path).role", "must be 'user', 'assistant' or 'system', not '\(roleName)'")
        }
        var json = try reader.required("content")
        if let blocks = json.arrayValue, blocks.contains(where: { $0["type"] == "compaction" }) {
            let read = try CompactedHistory.blocksAfterCompaction(blocks, path: "\(path).content")
            json = .array(read.blocks)
            compaction = read.mark
        }
        let content = try contentBlocks(json, path: "\(path).content", allowed: nil, loadedTools: &loadedTools)
        return Message(role: role, content: joiningCitedAnswer(content, json: json))
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
                try contentBlocks(value, path: "\(path).content", allowed: ["text", "image", "document", "tool_reference"], loadedTools: &loadedTools)
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
            return .text("Tool \(name) is now available.")
        case "server_tool_use", "web_search_tool_result", "web_fetch_tool_result":
            // An earlier reply's search, sent back in the history: the upstream reads what was
            // searched and found as text.
            return .text(serverToolHistoryText(type: type, json))
        default:
            throw FieldReader.problem("\(path).type", "'\(type)' blocks are not supported by this backend (supported: text, image, document, tool_use, tool_result, thinking, redacted_thinking, server_tool_use, web_search_tool_result, tool_reference, compaction)")
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

    private enum DeclaredTool {
        case client(Tool)
        case server(ServerTool)
    }

    /// Why `mcp_servers` and the `mcp_toolset` tools that name them are refused.
    private static let mcpConnectorIsAnthropics =
        "the MCP connector runs only on Anthropic itself, which connects to the servers for the model; route this model to an anthropic/ backend, or connect the MCP servers in your client and declare their tools"

    private static func tool(_ json: JSONValue, path: String) throws(AnthropicError) -> DeclaredTool {
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

    private static func thinking(_ json: JSONValue?) throws(AnthropicError) -> Thinking {
        guard let json, !json.isNull else { return .disabled }
        let reader = try FieldReader(json, path: "thinking")
        let type = try reader.string("type")
        switch type {
        case "disabled": return .disabled
        case "adaptive": return .adaptive
        case "enabled": return .enabled(budgetTokens: try reader.int("budget_tokens"))
        default: throw FieldReader.problem("thinking.type", "must be enabled, adaptive or disabled, not '\(type)'")
        }
    }

    private static func thinkingDisplay(_ json: JSONValue?) throws(AnthropicError) -> ThinkingDisplay {
        guard let json, !json.isNull, let display = try FieldReader(json, path: "thinking").optionalString("display") else { return .shown }
        switch display {
        case "summarized": return .shown
        case "omitted", "updates": return .omitted(estimates: false)
        default: throw FieldReader.problem("thinking.display", "must be summarized, omitted or updates, not '\(display)'")
        }
    }
}
