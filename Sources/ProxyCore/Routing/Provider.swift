/// The upstream protocols the proxy speaks. A model's prefix (`openai/`, `gemini/`, `anthropic/`,
/// `responses/`) chooses one.
package enum Provider: String, Sendable, CaseIterable {
    /// OpenAI Chat Completions and every server compatible with it.
    case openAI = "openai"
    /// Google Gemini's native API.
    case gemini
    /// Anthropic itself: the request is passed through.
    case anthropic
    /// OpenAI's Responses API (`POST /responses`), which keeps reasoning across turns.
    case openAIResponses = "responses"

    /// The name people read in messages and logs.
    package var displayName: String {
        switch self {
        case .openAI: "OpenAI"
        case .gemini: "Gemini"
        case .anthropic: "Anthropic"
        case .openAIResponses: "OpenAI Responses"
        }
    }
}
