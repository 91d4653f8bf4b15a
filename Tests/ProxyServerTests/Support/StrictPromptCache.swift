import ProxyCore

/// OpenAI's checks of the prompt cache fields, the same in Chat Completions and the Responses API.
enum StrictPromptCache {
    /// The models the fakes keep a prompt cache for a day (OpenAI's prompt caching guide).
    static let dayLongModels: Set<String> = ["gpt-4.1", "gpt-5", "gpt-5-codex", "gpt-5.1"]

    /// `nil` when the fields are acceptable, else the error message.
    static func problem(with object: JSONObject) -> String? {
        if let key = object["prompt_cache_key"] {
            guard let text = key.stringValue else { return "Invalid type for 'prompt_cache_key': expected a string, but got \(key.typeName) instead." }
            if text.count > 64 {
                return "Invalid 'prompt_cache_key': string too long. Expected a string with maximum length 64, but got a string with length \(text.count) instead."
            }
        }
        if let retention = object["prompt_cache_retention"] {
            guard let value = retention.stringValue, ["in_memory", "24h"].contains(value) else {
                return "Invalid value: '\(retention.stringValue ?? retention.typeName)'. Supported values are: 'in_memory' and '24h'."
            }
            if value == "24h", let model = object["model"]?.stringValue, !dayLongModels.contains(model) {
                return "prompt_cache_retention '24h' is not supported with the model '\(model)'."
            }
        }
        return nil
    }
}
