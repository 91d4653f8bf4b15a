import ProxyCore

/// Rejects Responses API requests the way `POST /v1/responses` does, with its wording, so that
/// end-to-end tests fail on anything OpenAI would refuse (openai-python `response_create_params.py`,
/// the input item, tool and text format types, `response_includable.py`; the store-false rules from
/// OpenAI's reasoning guide).
enum StrictResponsesValidator {
    static let knownParameters: Set<String> = [
        "model", "input", "instructions", "max_output_tokens", "temperature", "top_p", "reasoning", "include", "tools", "tool_choice",
        "parallel_tool_calls", "store", "stream", "metadata", "previous_response_id", "text", "truncation", "user", "service_tier",
        "prompt_cache_key", "prompt_cache_retention", "safety_identifier", "background", "max_tool_calls", "top_logprobs", "conversation",
    ]

    /// What `include` may ask for.
    static let includables: Set<String> = [
        "web_search_call.action.sources", "web_search_call.results", "code_interpreter_call.outputs", "computer_call_output.output.image_url",
        "file_search_call.results", "message.input_image.image_url", "message.output_text.logprobs", "reasoning.encrypted_content",
    ]

    /// The tool types the API knows, and the fields of the web search tool.
    static let toolTypes: Set<String> = [
        "function", "file_search", "computer_use_preview", "web_search", "web_search_2025_08_26", "web_search_preview", "web_search_preview_2025_03_11", "mcp",
        "code_interpreter", "image_generation", "local_shell", "custom",
    ]
    static let webSearchFields: Set<String> = ["type", "filters", "user_location", "search_context_size"]
    static let userLocationFields: Set<String> = ["type", "city", "region", "country", "timezone"]

    /// Output ceilings the fake enforces, by model.
    static let outputCeilings: [String: Int] = ["gpt-5": 128_000, "gpt-5-codex": 128_000, "o3-pro": 100_000, "codex-mini-latest": 100_000, "gpt-4.1": 32_768]
    static let reasoningModels: Set<String> = ["gpt-5", "gpt-5-codex", "o3-pro", "codex-mini-latest"]

    /// `nil` when the request is acceptable, else the error's message and code.
    /// - Parameter isIssued: whether the fake issued an encrypted reasoning blob to this model.
    static func problem(with body: JSONValue, isIssued: (String, String) -> Bool) -> (message: String, code: String?)? {
        guard case .object(let object) = body else { return ("We could not parse the JSON body of your request.", nil) }
        for key in object.keys where !knownParameters.contains(key) {
            return ("Unknown parameter: '\(key)'.", "unknown_parameter")
        }
        guard let model = object["model"]?.stringValue else { return ("Missing required parameter: 'model'.", "missing_required_parameter") }
        if let problem = StrictPromptCache.problem(with: object) { return (problem, "invalid_value") }
        let reasoning = reasoningModels.contains(model)
        if object["store"] != false {
            return ("This proxy's fake requires store: false (nothing may be kept at OpenAI).", nil)
        }
        for parameter in ["temperature", "top_p"] where reasoning && object[parameter] != nil {
            return ("Unsupported parameter: '\(parameter)' is not supported with this model.", "unsupported_parameter")
        }
        if let settings = object["reasoning"] {
            guard reasoning else { return ("Unsupported parameter: 'reasoning.effort' is not supported with this model.", "unsupported_parameter") }
            if let effort = settings["effort"], !["minimal", "low", "medium", "high"].contains(effort.stringValue ?? "") {
                return ("Invalid value: '\(JSONWriter.string(effort))'. Supported values are: 'minimal', 'low', 'medium', and 'high'.", "invalid_value")
            }
            if let summary = settings["summary"], !["auto", "concise", "detailed"].contains(summary.stringValue ?? "") {
                return ("Invalid value for 'reasoning.summary'.", "invalid_value")
            }
        }
        for include in object["include"]?.arrayValue ?? [] {
            guard includables.contains(include.stringValue ?? "") else {
                return ("Invalid value: '\(include.stringValue ?? JSONWriter.string(include))'. Supported values are: \(includables.sorted().map { "'\($0)'" }.joined(separator: ", ")).", "invalid_value")
            }
            if include == "reasoning.encrypted_content", !reasoning { return ("Encrypted content is not supported with this model.", "unsupported_parameter") }
        }
        if let text = object["text"], let problem = problem(withText: text) { return (problem, "invalid_value") }
        if let maxTokens = object["max_output_tokens"] {
            guard let tokens = maxTokens.intValue, tokens >= 16 else {
                return ("Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16.", "integer_below_min_value")
            }
            if let ceiling = outputCeilings[model], tokens > ceiling {
                return ("max_output_tokens is too large: \(tokens). This model supports at most \(ceiling) output tokens.", "invalid_value")
            }
        }
        let tools = object["tools"]?.arrayValue ?? []
        let toolNames = Set(tools.compactMap { $0["name"]?.stringValue })
        for (index, tool) in tools.enumerated() {
            if let problem = problem(withTool: tool, index: index) { return (problem, "invalid_value") }
        }
        if let choice = object["tool_choice"] {
            if tools.isEmpty { return ("Tool choice 'function' not found in 'tools' parameter.", "invalid_value") }
            if let name = choice["name"]?.stringValue, !toolNames.contains(name) {
                return ("Tool choice 'function' not found in 'tools' parameter.", "invalid_value")
            }
            if choice.objectValue == nil, !["auto", "required", "none"].contains(choice.stringValue ?? "") {
                return ("Invalid value for 'tool_choice'.", "invalid_value")
            }
        }
        guard let input = object["input"]?.arrayValue, !input.isEmpty else { return ("Invalid 'input': empty array.", "empty_array") }
        return problem(withInput: input, model: model, isIssued: isIssued)
    }

    private static func problem(withTool tool: JSONValue, index: Int) -> String? {
        let type = tool["type"]?.stringValue ?? ""
        guard toolTypes.contains(type) else {
            return "Invalid value: '\(type)'. Supported values are: \(toolTypes.sorted().map { "'\($0)'" }.joined(separator: ", "))."
        }
        if type.hasPrefix("web_search") { return problem(withWebSearch: tool, index: index) }
        guard type == "function", let name = tool["name"]?.stringValue else { return "Missing required parameter: 'tools[\(index)].name'." }
        if !isValidFunctionName(name) {
            return "Invalid 'tools[\(index)].name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'."
        }
        guard let parameters = tool["parameters"], parameters.objectValue != nil else { return "Missing required parameter: 'tools[\(index)].parameters'." }
        if parameters["$schema"] != nil || tool["defer_loading"] != nil { return "Invalid schema for function '\(name)': unexpected keyword at the top level." }
        // Strict mode (the API's default when `strict` is absent) wants every property required and no others allowed.
        if tool["strict"] != false, parameters["additionalProperties"] != false {
            return "Invalid schema for function '\(name)': In context=(), 'additionalProperties' is required to be supplied and to be false."
        }
        return nil
    }

    /// The web search tool takes domains without a scheme, and an approximate location whose
    /// country is a two-letter code.
    private static func problem(withWebSearch tool: JSONValue, index: Int) -> String? {
        if let unknown = tool.objectValue?.keys.first(where: { !webSearchFields.contains($0) }) { return "Unknown parameter: 'tools[\(index)].\(unknown)'." }
        if let filters = tool["filters"] {
            if let unknown = filters.objectValue?.keys.first(where: { $0 != "allowed_domains" }) { return "Unknown parameter: 'tools[\(index)].filters.\(unknown)'." }
            for domain in filters["allowed_domains"]?.arrayValue ?? [] where domain.stringValue?.contains("://") != false {
                return "Invalid 'tools[\(index)].filters.allowed_domains': domains must be given without a scheme."
            }
        }
        if let location = tool["user_location"] {
            if let unknown = location.objectValue?.keys.first(where: { !userLocationFields.contains($0) }) {
                return "Unknown parameter: 'tools[\(index)].user_location.\(unknown)'."
            }
            if location["type"] != "approximate" { return "Invalid value for 'tools[\(index)].user_location.type': expected 'approximate'." }
            if let country = location["country"], country.stringValue?.count != 2 {
                return "Invalid 'tools[\(index)].user_location.country': expected a two-letter ISO country code."
            }
        }
        if let size = tool["search_context_size"], !["low", "medium", "high"].contains(size.stringValue ?? "") {
            return "Invalid value for 'tools[\(index)].search_context_size'."
        }
        return nil
    }

    /// `text.format`: plain text, JSON, or a named JSON schema; a strict one must list every
    /// property as required and allow no others, in every object.
    private static func problem(withText text: JSONValue) -> String? {
        if let unknown = text.objectValue?.keys.first(where: { !["format", "verbosity"].contains($0) }) { return "Unknown parameter: 'text.\(unknown)'." }
        guard let format = text["format"] else { return nil }
        switch format["type"]?.stringValue {
        case "text"?, "json_object"?:
            return nil
        case "json_schema"?:
            if let unknown = format.objectValue?.keys.first(where: { !["type", "name", "schema", "strict", "description"].contains($0) }) {
                return "Unknown parameter: 'text.format.\(unknown)'."
            }
            guard let name = format["name"]?.stringValue else { return "Missing required parameter: 'text.format.name'." }
            guard isValidFunctionName(name) else { return "Invalid 'text.format.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'." }
            guard let schema = format["schema"], schema.objectValue != nil else { return "Missing required parameter: 'text.format.schema'." }
            if format["strict"] == true, !isStrict(schema) {
                return "Invalid schema for response_format '\(name)': In context=(), 'required' is required to be supplied and to be an array including every key in properties, and 'additionalProperties' is required to be supplied and to be false."
            }
            return nil
        default:
            return "Invalid value for 'text.format.type'. Supported values are: 'text', 'json_object', and 'json_schema'."
        }
    }

    private static func isStrict(_ schema: JSONValue) -> Bool {
        guard let object = schema.objectValue else { return true }
        if let properties = object["properties"]?.objectValue {
            let required = Set((object["required"]?.arrayValue ?? []).compactMap(\.stringValue))
            guard object["additionalProperties"] == false, required == Set(properties.keys) else { return false }
            if !properties.members.allSatisfy({ isStrict($0.value) }) { return false }
        }
        return object["items"].map(isStrict) ?? true
    }

    private static func problem(withInput items: [JSONValue], model: String, isIssued: (String, String) -> Bool) -> (String, String?)? {
        var calls: [String] = []
        var answered: Set<String> = []
        for (index, item) in items.enumerated() {
            let type = item["type"]?.stringValue ?? (item["role"] != nil ? "message" : "")
            if let id = item["id"]?.stringValue {
                return ("Item with id '\(id)' not found. Items are not persisted when `store` is set to false. Try again with `store` set to true, or remove this item from your input.", nil)
            }
            switch type {
            case "message":
                if let problem = problem(withMessage: item, index: index) { return (problem, "invalid_value") }
            case "function_call":
                guard let callID = item["call_id"]?.stringValue, let name = item["name"]?.stringValue, let arguments = item["arguments"]?.stringValue else {
                    return ("Missing required parameter: 'input[\(index)].call_id'.", "missing_required_parameter")
                }
                if !isValidFunctionName(name) { return ("Invalid 'input[\(index)].name': string does not match pattern.", "invalid_value") }
                if (try? JSONParser.parse(arguments)) == nil { return ("Invalid 'input[\(index)].arguments': not valid JSON.", "invalid_value") }
                calls.append(callID)
            case "function_call_output":
                guard let callID = item["call_id"]?.stringValue, calls.contains(callID) else {
                    return ("No tool call found for function call output with call_id \(item["call_id"]?.stringValue ?? "").", nil)
                }
                if let problem = problem(withOutput: item["output"], index: index) { return (problem, "invalid_value") }
                answered.insert(callID)
            case "reasoning":
                guard item["summary"]?.arrayValue != nil else { return ("Missing required parameter: 'input[\(index)].summary'.", "missing_required_parameter") }
                guard let encrypted = item["encrypted_content"]?.stringValue else {
                    return ("Missing required parameter: 'input[\(index)].encrypted_content'.", "missing_required_parameter")
                }
                if !isIssued(encrypted, model) {
                    return ("The encrypted content for item input[\(index)] could not be verified.", "invalid_encrypted_content")
                }
                let next = index + 1 < items.count ? items[index + 1]["type"]?.stringValue : nil
                if next != "message" && next != "function_call" {
                    return ("Item 'input[\(index)]' of type 'reasoning' was provided without its required following item.", nil)
                }
            default:
                return ("Invalid value: '\(type)'. Supported values are: 'message', 'function_call', 'function_call_output', 'reasoning', ...", "invalid_value")
            }
        }
        if let unanswered = calls.first(where: { !answered.contains($0) }) {
            return ("No tool output found for function call \(unanswered).", nil)
        }
        return nil
    }

    private static func problem(withMessage item: JSONValue, index: Int) -> String? {
        let role = item["role"]?.stringValue ?? ""
        guard ["user", "system", "developer", "assistant"].contains(role) else {
            return "Invalid value: '\(role)'. Supported values are: 'assistant', 'system', 'developer', and 'user'."
        }
        if item["content"]?.stringValue != nil { return nil }
        guard let parts = item["content"]?.arrayValue, !parts.isEmpty else { return "Invalid 'input[\(index)].content': empty array." }
        let allowed: Set<String> = role == "assistant" ? ["output_text", "refusal"] : ["input_text", "input_image", "input_file"]
        for part in parts {
            let type = part["type"]?.stringValue ?? ""
            guard allowed.contains(type) else {
                return "Invalid value: '\(type)'. Supported values are: \(allowed.sorted().map { "'\($0)'" }.joined(separator: ", "))."
            }
            if let problem = problem(withPart: part, path: "input[\(index)].content") { return problem }
        }
        return nil
    }

    private static func problem(withOutput output: JSONValue?, index: Int) -> String? {
        if output?.stringValue != nil { return nil }
        guard let parts = output?.arrayValue else { return "Invalid type for 'input[\(index)].output': expected a string or an array." }
        for part in parts {
            guard ["input_text", "input_image", "input_file"].contains(part["type"]?.stringValue ?? "") else {
                return "Invalid value for 'input[\(index)].output.type'."
            }
            if let problem = problem(withPart: part, path: "input[\(index)].output") { return problem }
        }
        return nil
    }

    private static func problem(withPart part: JSONValue, path: String) -> String? {
        switch part["type"]?.stringValue {
        case "input_text"?, "output_text"?:
            return part["text"]?.stringValue == nil ? "Missing required parameter: '\(path).text'." : nil
        case "input_image"?:
            if part["image_url"]?.stringValue == nil, part["file_id"]?.stringValue == nil { return "Missing required parameter: '\(path).image_url'." }
            return ["low", "high", "auto"].contains(part["detail"]?.stringValue ?? "") ? nil : "Missing required parameter: '\(path).detail'."
        case "input_file"?:
            if part["file_data"]?.stringValue != nil, part["filename"]?.stringValue == nil { return "Missing required parameter: '\(path).filename'." }
            return (part["file_data"] ?? part["file_url"] ?? part["file_id"]) == nil ? "Missing required parameter: '\(path).file_data'." : nil
        default:
            return nil
        }
    }

    private static func isValidFunctionName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }
}
