extension MessagesRequest {
    /// Validates and types a request body. Every problem is a 400 `invalid_request_error` whose
    /// message starts with the field's path, as Anthropic's own do (`messages.2.content.0.type: ...`).
    /// - Parameter countingTokens: a `count_tokens` body, which has no `max_tokens`.
    package init(json: JSONValue, countingTokens: Bool = false) throws(AnthropicError) {
        let body = try FieldReader(json, path: "")
        model = try body.string("model")
        maxTokens = countingTokens ? try body.optionalInt("max_tokens") ?? 1 : try body.int("max_tokens")
        guard maxTokens >= 1 else { throw FieldReader.problem("max_tokens", "must be at least 1") }
        messages = try body.array("messages").enumerated().map { index, element throws(AnthropicError) in
            try Self.message(element, path: "messages.\(index)")
        }
        system = try Self.system(body.optional("system"))
        tools = try (body.optionalArray("tools") ?? []).enumerated().map { index, element throws(AnthropicError) in
            try Self.tool(element, path: "tools.\(index)")
        }
        (toolChoice, disableParallelToolUse) = try Self.toolChoice(body.optional("tool_choice"))
        stream = try body.optionalBool("stream") ?? false
        temperature = try body.optionalDouble("temperature")
        topP = try body.optionalDouble("top_p")
        topK = try body.optionalInt("top_k")
        stopSequences = try (body.optionalArray("stop_sequences") ?? []).enumerated().map { index, element throws(AnthropicError) in
            guard let text = element.stringValue else { throw FieldReader.problem("stop_sequences.\(index)", "must be a string") }
            return text
        }
        thinking = try Self.thinking(body.optional("thinking"))
        effort = try body.optional("output_config").map { value throws(AnthropicError) in
            try FieldReader(value, path: "output_config").optionalString("effort")
        } ?? nil
    }

    private static func message(_ json: JSONValue, path: String) throws(AnthropicError) -> Message {
        let reader = try FieldReader(json, path: path)
        let roleName = try reader.string("role")
        guard let role = Role(rawValue: roleName) else {
            throw FieldReader.problem("\(path).role", "must be 'user', 'assistant' or 'system', not '\(roleName)'")
        }
        let content = try contentBlocks(reader.required("content"), path: "\(path).content", allowed: nil)
        return Message(role: role, content: content)
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
    private static func contentBlocks(_ json: JSONValue, path: String, allowed: Set<String>?) throws(AnthropicError) -> [ContentBlock] {
        switch json {
        case .string(let text):
            return [.text(text)]
        case .array(let blocks):
            return try blocks.enumerated().map { index, block throws(AnthropicError) in
                try contentBlock(block, path: "\(path).\(index)", allowed: allowed)
            }
        default:
            throw FieldReader.problem(path, "must be a string or an array of content blocks, not \(json.typeName)")
        }
    }

    private static func contentBlock(_ json: JSONValue, path: String, allowed: Set<String>?) throws(AnthropicError) -> ContentBlock {
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
                try contentBlocks(value, path: "\(path).content", allowed: ["text", "image", "document"])
            } ?? []
            return .toolResult(toolUseID: try reader.string("tool_use_id"), content: content, isError: try reader.optionalBool("is_error") ?? false)
        case "thinking":
            return .thinking(try reader.string("thinking"), signature: try reader.optionalString("signature") ?? "")
        case "redacted_thinking":
            return .redactedThinking(data: try reader.string("data"))
        default:
            throw FieldReader.problem("\(path).type", "'\(type)' blocks are not supported by this backend (supported: text, image, document, tool_use, tool_result, thinking, redacted_thinking)")
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

    private static func tool(_ json: JSONValue, path: String) throws(AnthropicError) -> Tool {
        let reader = try FieldReader(json, path: path)
        let name = try reader.string("name")
        if let type = try reader.optionalString("type"), type != "custom" {
            throw FieldReader.problem("\(path).type", "'\(name)' is an Anthropic server tool (\(type)); only Anthropic itself can run it, so route this model to an anthropic/ backend or remove the tool")
        }
        let schema = try reader.required("input_schema")
        guard case .object = schema else { throw FieldReader.problem("\(path).input_schema", "must be an object") }
        return Tool(name: name, description: try reader.optionalString("description"), inputSchema: schema)
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
}
