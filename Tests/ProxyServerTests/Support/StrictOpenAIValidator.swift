import ProxyCore

/// Rejects Chat Completions requests the way the real API does, with its wording, so that
/// end-to-end tests fail on anything OpenAI would refuse.
enum StrictOpenAIValidator {
    static let knownParameters: Set<String> = [
        "model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "stop", "stream", "stream_options",
        "tools", "tool_choice", "parallel_tool_calls", "reasoning_effort", "n", "presence_penalty", "frequency_penalty",
        "logit_bias", "user", "seed", "response_format", "logprobs", "top_logprobs", "store", "service_tier", "metadata", "web_search_options",
        "prompt_cache_key", "prompt_cache_retention",
    ]

    /// Output ceilings the fake enforces, by model.
    static let outputCeilings: [String: Int] = ["gpt-4.1": 32_768, "gpt-4.1-mini": 32_768, "gpt-4o": 16_384, "o3": 100_000, "gpt-5": 128_000]
    static let reasoningModels: Set<String> = ["o3", "gpt-5"]
    /// The models that search the web for every answer, take `web_search_options`, and refuse
    /// sampling parameters and tools.
    static let searchModels: Set<String> = ["gpt-4o-search-preview", "gpt-4o-mini-search-preview", "gpt-5-search-api"]

    /// `nil` when the request is acceptable, else the error message.
    static func problem(with body: JSONValue) -> String? {
        guard case .object(let object) = body else { return "We could not parse the JSON body of your request." }
        for key in object.keys where !knownParameters.contains(key) {
            return "Unrecognized request argument supplied: \(key)"
        }
        guard let model = object["model"]?.stringValue else { return "you must provide a model parameter" }
        if let problem = StrictPromptCache.problem(with: object) { return problem }
        let reasoning = reasoningModels.contains(model)
        if reasoning, object["max_tokens"] != nil {
            return "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."
        }
        if reasoning, object["temperature"] != nil { return "Unsupported parameter: 'temperature' is not supported with this model." }
        if reasoning, object["stop"] != nil { return "Unsupported parameter: 'stop' is not supported with this model." }
        if let stop = object["stop"]?.arrayValue, stop.count > 4 {
            return "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length \(stop.count) instead."
        }
        if !reasoning, object["reasoning_effort"] != nil { return "Unrecognized request argument supplied: reasoning_effort" }
        if let maxTokens = (object["max_tokens"] ?? object["max_completion_tokens"])?.intValue, let ceiling = outputCeilings[model], maxTokens > ceiling {
            return "max_tokens is too large: \(maxTokens). This model supports at most \(ceiling) completion tokens, whereas you provided \(maxTokens)."
        }
        if object["stream_options"] != nil, object["stream"]?.boolValue != true {
            return "The 'stream_options' parameter is only allowed when 'stream' is enabled."
        }
        if searchModels.contains(model) {
            for parameter in ["temperature", "top_p", "presence_penalty", "frequency_penalty"] where object[parameter] != nil {
                return "Model incompatible request argument supplied: \(parameter)"
            }
            if object["tools"] != nil {
                return "tools is not supported in this model. For a list of supported models, refer to https://platform.openai.com/docs/guides/function-calling#models-supporting-function-calling."
            }
        } else if object["web_search_options"] != nil {
            return "Web search options not supported with this model."
        }
        if let options = object["web_search_options"], let problem = problem(withWebSearchOptions: options) { return problem }
        let tools = object["tools"]?.arrayValue ?? []
        for (index, tool) in tools.enumerated() {
            guard tool["type"] == "function", let name = tool["function"]?["name"]?.stringValue else {
                return "Missing required parameter: 'tools[\(index)].function'."
            }
            if !isValidFunctionName(name) {
                return "Invalid 'tools[\(index)].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'."
            }
            if tool["function"]?["parameters"]?["$schema"] != nil || tool["function"]?["defer_loading"] != nil || tool["defer_loading"] != nil {
                return "Invalid schema for function '\(name)': unexpected keyword at the top level."
            }
        }
        if object["tool_choice"] != nil, tools.isEmpty { return "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified." }
        if object["parallel_tool_calls"] != nil, tools.isEmpty {
            return "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are specified."
        }
        guard let messages = object["messages"]?.arrayValue, !messages.isEmpty else { return "Invalid 'messages': empty array." }
        if let format = object["response_format"], let problem = problem(withResponseFormat: format, messages: messages) { return problem }
        return problem(withMessages: messages)
    }

    // MARK: - Search

    private static func problem(withWebSearchOptions options: JSONValue) -> String? {
        guard let object = options.objectValue else { return "Invalid type for 'web_search_options': expected an object." }
        for key in object.keys where !["search_context_size", "user_location"].contains(key) {
            return "Unrecognized request argument supplied: web_search_options.\(key)"
        }
        if let size = object["search_context_size"], !["low", "medium", "high"].contains(size.stringValue ?? "") {
            return "Invalid value: '\(size.stringValue ?? "")'. Supported values are: 'low', 'medium', and 'high'."
        }
        guard let location = object["user_location"] else { return nil }
        guard location["type"] == "approximate" else { return "Missing required parameter: 'web_search_options.user_location.type'." }
        guard let approximate = location["approximate"]?.objectValue else {
            return "Missing required parameter: 'web_search_options.user_location.approximate'."
        }
        for key in location.objectValue?.keys ?? [] where !["type", "approximate"].contains(key) {
            return "Unrecognized request argument supplied: web_search_options.user_location.\(key)"
        }
        for member in approximate.members {
            guard ["city", "country", "region", "timezone"].contains(member.key) else {
                return "Unrecognized request argument supplied: web_search_options.user_location.approximate.\(member.key)"
            }
            guard let value = member.value.stringValue else {
                return "Invalid type for 'web_search_options.user_location.approximate.\(member.key)': expected a string."
            }
            if member.key == "country", value.count != 2 {
                return "Invalid 'web_search_options.user_location.approximate.country': expected a two-letter ISO country code."
            }
        }
        return nil
    }

    // MARK: - Structured outputs

    private static func problem(withResponseFormat format: JSONValue, messages: [JSONValue]) -> String? {
        guard let object = format.objectValue, let type = object["type"]?.stringValue else { return "Missing required parameter: 'response_format.type'." }
        let allowedKeys: Set<String> = type == "json_schema" ? ["type", "json_schema"] : ["type"]
        for key in object.keys where !allowedKeys.contains(key) { return "Unrecognized request argument supplied: response_format.\(key)" }
        switch type {
        case "text":
            return nil
        case "json_object":
            let texts = messages.flatMap { message -> [String] in
                if let text = message["content"]?.stringValue { return [text] }
                return (message["content"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }
            }
            guard texts.contains(where: { $0.lowercased().contains("json") }) else {
                return "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'."
            }
            return nil
        case "json_schema":
            guard let jsonSchema = object["json_schema"]?.objectValue else { return "Missing required parameter: 'response_format.json_schema'." }
            for key in jsonSchema.keys where !["name", "description", "schema", "strict"].contains(key) {
                return "Unrecognized request argument supplied: response_format.json_schema.\(key)"
            }
            guard let name = jsonSchema["name"]?.stringValue else { return "Missing required parameter: 'response_format.json_schema.name'." }
            if !isValidFunctionName(name) {
                return "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'."
            }
            if let strict = jsonSchema["strict"], strict.boolValue == nil { return "Invalid type for 'response_format.json_schema.strict': expected a boolean." }
            guard let schema = jsonSchema["schema"], schema.objectValue != nil else {
                return "Invalid type for 'response_format.json_schema.schema': expected an object."
            }
            if schema["$schema"] != nil { return "Invalid schema for response_format '\(name)': unexpected keyword '$schema' at the top level." }
            guard jsonSchema["strict"] == true else { return nil }
            guard schema["type"] == "object" else {
                return "Invalid schema for response_format '\(name)': schema must be a JSON Schema of 'type: \"object\"', got 'type: \"\(schema["type"]?.stringValue ?? "None")\"'."
            }
            return strictProblem(schema, context: []).map { "Invalid schema for response_format '\(name)': In context=(\($0.context.map { "'\($0)'" }.joined(separator: ", "))), \($0.reason)" }
        default:
            return "Invalid value: '\(type)'. Supported values are: 'json_object', 'json_schema', and 'text'."
        }
    }

    /// Keywords strict structured outputs do not support.
    private static let keywordsStrictModeRefuses: Set<String> = [
        "allOf", "not", "if", "then", "else", "dependentRequired", "dependentSchemas", "patternProperties", "unevaluatedProperties", "propertyNames",
        "contains", "prefixItems",
    ]

    /// Where a strict schema breaks strict mode's rules: every object closed
    /// (`additionalProperties: false`) with every property required, no unsupported keyword.
    private static func strictProblem(_ schema: JSONValue, context: [String]) -> (context: [String], reason: String)? {
        guard let object = schema.objectValue else { return (context, "schema must be an object, not \(schema.typeName).") }
        if let keyword = object.keys.first(where: keywordsStrictModeRefuses.contains) { return (context, "'\(keyword)' is not permitted.") }
        let properties = object["properties"]?.objectValue
        if object["type"] == "object" || properties != nil {
            if object["additionalProperties"] != false { return (context, "'additionalProperties' is required to be supplied and to be false.") }
            let required = (object["required"]?.arrayValue ?? []).compactMap(\.stringValue)
            if let missing = properties?.keys.first(where: { !required.contains($0) }) {
                return (context, "'required' is required to be supplied and to be an array including every key in properties. Missing '\(missing)'.")
            }
            if let extra = required.first(where: { properties?[$0] == nil }) { return (context, "Extra required key '\(extra)' supplied.") }
        }
        var children: [(path: [String], schema: JSONValue)] = []
        for member in properties?.members ?? [] { children.append((["properties", member.key], member.value)) }
        for definitions in ["$defs", "definitions"] {
            for member in object[definitions]?.objectValue?.members ?? [] { children.append(([definitions, member.key], member.value)) }
        }
        for (index, option) in (object["anyOf"]?.arrayValue ?? []).enumerated() { children.append((["anyOf", String(index)], option)) }
        if let items = object["items"] { children.append((["items"], items)) }
        for child in children {
            if let problem = strictProblem(child.schema, context: context + child.path) { return problem }
        }
        return nil
    }

    private static func problem(withMessages messages: [JSONValue]) -> String? {
        var unanswered: [String] = []
        for (index, message) in messages.enumerated() {
            let role = message["role"]?.stringValue ?? ""
            if role != "tool", !unanswered.isEmpty {
                return "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: \(unanswered.joined(separator: ", "))"
            }
            switch role {
            case "system", "developer":
                guard message["content"]?.stringValue != nil || message["content"]?.arrayValue != nil else {
                    return "Invalid type for 'messages[\(index)].content'."
                }
            case "user":
                if let problem = problem(withUserContent: message["content"], index: index) { return problem }
            case "assistant":
                let calls = message["tool_calls"]?.arrayValue ?? []
                if calls.isEmpty, message["content"]?.stringValue == nil {
                    return "Invalid value for 'messages[\(index)].content': expected a string, got null."
                }
                for call in calls {
                    guard let id = call["id"]?.stringValue, let name = call["function"]?["name"]?.stringValue,
                        let arguments = call["function"]?["arguments"]?.stringValue
                    else { return "Missing required parameter: 'messages[\(index)].tool_calls'." }
                    if !isValidFunctionName(name) { return "Invalid 'messages[\(index)].tool_calls.function.name': string does not match pattern." }
                    if id.count > 40 {
                        return "Invalid 'messages[\(index)].tool_calls[0].id': string too long. Expected a string with maximum length 40, but got a string with length \(id.count) instead."
                    }
                    if (try? JSONParser.parse(arguments)) == nil { return "Invalid 'messages[\(index)].tool_calls.function.arguments': not valid JSON." }
                    unanswered.append(id)
                }
            case "tool":
                guard let id = message["tool_call_id"]?.stringValue, let position = unanswered.firstIndex(of: id) else {
                    return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'."
                }
                guard message["content"]?.stringValue != nil else { return "Invalid type for 'messages[\(index)].content'." }
                unanswered.remove(at: position)
            default:
                return "Invalid value: '\(role)'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'."
            }
        }
        if !unanswered.isEmpty {
            return "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: \(unanswered.joined(separator: ", "))"
        }
        return nil
    }

    private static func problem(withUserContent content: JSONValue?, index: Int) -> String? {
        if content?.stringValue != nil { return nil }
        guard let parts = content?.arrayValue, !parts.isEmpty else { return "Invalid 'messages[\(index)].content': expected a string or an array of parts." }
        for part in parts {
            switch part["type"]?.stringValue {
            case "text"?: if part["text"]?.stringValue == nil { return "Missing required parameter: 'messages[\(index)].content.text'." }
            case "image_url"?: if part["image_url"]?["url"]?.stringValue == nil { return "Missing required parameter: 'messages[\(index)].content.image_url.url'." }
            case "file"?: if part["file"]?["file_data"]?.stringValue == nil { return "Missing required parameter: 'messages[\(index)].content.file'." }
            default: return "Invalid value: 'messages[\(index)].content.type'. Supported values are: 'text', 'image_url', 'input_audio', 'refusal', and 'file'."
            }
        }
        return nil
    }

    private static func isValidFunctionName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }
}
