/// OpenAI's search models for Chat Completions: `gpt-4o-search-preview`,
/// `gpt-4o-mini-search-preview`, `gpt-5-search-api` and their dated snapshots.
///
/// Chat Completions has no search tool that a model calls when it decides to: these models search
/// the web before every answer, take `web_search_options` (where the user is), and mark the
/// sources of their answer with `url_citation` annotations. They answer 400 to sampling
/// parameters ("Model incompatible request argument supplied: temperature") and to reasoning
/// effort, and they cannot call function tools.
package enum OpenAISearchModel {
    /// Parameters a search model refuses; they are left out of its requests.
    static let refusedParameters: Set<String> = ["temperature", "top_p", "reasoning_effort"]

    /// Whether `model` (with or without a vendor path, as OpenRouter writes `openai/…`) is one.
    package static func matches(_ model: String) -> Bool {
        let name = model.lowercased().split(separator: "/").last ?? ""
        return name.contains("-search-preview") || name.contains("-search-api")
    }

    /// `web_search_options` for the client's search tool: its approximate location, when it gave
    /// one. Anthropic's `{"type":"approximate","city":…}` becomes OpenAI's
    /// `{"type":"approximate","approximate":{"city":…}}`. The domain filters have no counterpart
    /// here; the reply's results are filtered instead (see `OpenAIChatSearchAnswer`).
    static func webSearchOptions(for tool: MessagesRequest.ServerTool) -> JSONValue {
        var approximate = JSONObject()
        for field in ["city", "country", "region", "timezone"] {
            if let value = tool.userLocation?[field]?.stringValue, !value.isEmpty { approximate.append(field, .string(value)) }
        }
        guard !approximate.isEmpty else { return .object([:]) }
        return ["user_location": ["type": "approximate", "approximate": .object(approximate)]]
    }
}
