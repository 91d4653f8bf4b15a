import ProxyCore

/// The backend that serves each upstream protocol: one line per provider.
enum BackendRegistry {
    private static let backends: [Provider: any MessagesBackend] = [
        .openAI: TranslatingBackend<OpenAIChatAdapter>(),
        .openAIResponses: TranslatingBackend<OpenAIResponsesAdapter>(),
        .gemini: TranslatingBackend<GeminiAdapter>(),
        .anthropic: AnthropicPassthroughBackend(),
    ]

    static func backend(for provider: Provider) -> any MessagesBackend {
        guard let backend = backends[provider] else { preconditionFailure("no backend is registered for \(provider.rawValue)") }
        return backend
    }
}
