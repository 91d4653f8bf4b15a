/// What one OpenAI-compatible server needs done differently from OpenAI itself, as data: a
/// provider preset carries one, and the Chat Completions translators apply it, so that no
/// translator has to know providers by name.
package struct OpenAIChatOptions: Sendable, Equatable {
    /// Request parameters the server rejects (answering 400) or mishandles; they are left out of
    /// the body. xAI's reasoning models, for example, reject `stop` and `reasoning_effort`.
    package var omittedParameters: Set<String>
    /// The field the server returns reasoning in (`reasoning_content` or `reasoning`). Replies are
    /// read for both; this one is preferred when a server sends both.
    package var reasoningField: String
    /// Whether earlier reasoning must be sent back in later turns, in `reasoningField` on the
    /// assistant message: DeepSeek's thinking models answer 400 when a turn that called tools
    /// comes back without its `reasoning_content`. The reasoning travels through the client in
    /// the thinking block this adapter returned (one with an empty signature).
    package var replaysReasoning: Bool
    /// Whether the server takes structured outputs (`response_format` of type `json_schema`).
    /// DeepSeek takes only `{"type": "json_object"}`: the schema then goes in the system prompt.
    package var takesJSONSchema: Bool
    /// Whether the server routes its prompt cache by `prompt_cache_key` (OpenAI, Azure OpenAI);
    /// the others cache by prefix alone, or not at all, and are not sent one.
    package var takesPromptCacheKey: Bool

    package init(
        omittedParameters: Set<String> = [], reasoningField: String = "reasoning_content", replaysReasoning: Bool = false, takesJSONSchema: Bool = true,
        takesPromptCacheKey: Bool = false
    ) {
        self.omittedParameters = omittedParameters
        self.reasoningField = reasoningField
        self.replaysReasoning = replaysReasoning
        self.takesJSONSchema = takesJSONSchema
        self.takesPromptCacheKey = takesPromptCacheKey
    }

    /// OpenAI's own behaviour: nothing left out, nothing replayed, structured outputs and the
    /// prompt cache key taken (servers in OpenAI's place ignore a field they do not know).
    package static let standard = OpenAIChatOptions(takesPromptCacheKey: true)
}
