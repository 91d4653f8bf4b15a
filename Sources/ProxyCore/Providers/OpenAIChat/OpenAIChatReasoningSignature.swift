/// Carries a Chat Completions server's reasoning through the client and back when the client asked
/// for thinking to be omitted: servers that need their reasoning back next turn (DeepSeek's
/// thinking models, `OpenAIChatOptions.replaysReasoning`) get it from the thinking block, whose
/// text the client then never sees, so it travels in the block's `signature`, as
/// `openai-chat-reasoning:` and the text. Anthropic's, Gemini's and the Responses API's signatures
/// never start that way.
package enum OpenAIChatReasoningSignature {
    static let prefix = "openai-chat-reasoning:"

    /// The signature that carries `reasoning`.
    package static func signature(carrying reasoning: String) -> String {
        prefix + reasoning
    }

    /// The reasoning `signature` carries; nil for any other signature.
    package static func reasoning(in signature: String) -> String? {
        guard signature.hasPrefix(prefix) else { return nil }
        let reasoning = signature.dropFirst(prefix.count)
        return reasoning.isEmpty ? nil : String(reasoning)
    }
}
