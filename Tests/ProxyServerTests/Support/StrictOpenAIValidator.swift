import ProxyCore

/// Rejects Chat Completions requests the way the real API does, with its wording, so that
/// end-to-end tests fail on anything OpenAI would refuse.
enum StrictOpenAIValidator {
    static let knownParameters: Set<String> = [
        "model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "stop", "stream", "stream_options",
        "tools", "tool_choice", "parallel_tool_calls", "reasoning_effort", "n", "presence_penalty", "frequency_penalty",
        "logit_bias", "user", "seed", "response_format", "logprobs", "top_logprobs", "store", "service_tier", "metadata",
    ]

    /// Output ceilings the fake enforces, by model.
    static let outputCeilings: [String: Int] = ["gpt-4.1": 32_768, "gpt-4.1-mini": 32_768, "gpt-4o": 16_384, "o3": 100_000, "gpt-5": 128_000]
    static let reasoningModels: Set<String> = ["o3", "gpt-5"]

    /// `nil` when the request is acceptable, else the error message.
    static func problem(with body: JSONValue) -> String? {
        guard case .object(let object) = body else { return "We could not parse the JSON body of your request." }
        for key in object.keys where !knownParameters.contains(key) {
            return "Unrecognized request argument supplied: \(key)"
        }
        guard let model = object["model"]?.stringValue else { return "you must provide a model parameter" }
        let reasoning = reasoningModels.contains(model)
        if reasoning, object["max_tokens"] != nil {
            return "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."
        }
        if reasoning, object["temperature"] != nil { return "Unsupported parameter: 'temperature' is not supported with this model." }
        if !reasoning, object["reasoning_effort"] != nil { return "Unrecognized request argument supplied: reasoning_effort" }
        if let maxTokens = (object["max_tokens"] ?? object["max_completion_tokens"])?.intValue, let ceiling = outputCeilings[model], maxTokens > ceiling {
            return "max_tokens is too large: \(maxTokens). This model supports at most \(ceiling) completion tokens, whereas you provided \(maxTokens)."
        }
        if object["stream_options"] != nil, object["stream"]?.boolValue != true {
            return "The 'stream_options' parameter is only allowed when 'stream' is enabled."
        }
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
        return problem(withMessages: messages)
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
