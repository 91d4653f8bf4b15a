import ProxyCore

/// The backend that serves each upstream protocol: one line per provider.
struct BackendRegistry: Sendable {
    private let backends: [Provider: any MessagesBackend]

    init(services: ProxyServices) {
        backends = [
            .openAI: TranslatingBackend<OpenAIChatAdapter>(services: services),
            .openAIResponses: TranslatingBackend<OpenAIResponsesAdapter>(services: services),
            .gemini: TranslatingBackend<GeminiAdapter>(services: services),
            .anthropic: AnthropicPassthroughBackend(services: services),
        ]
    }

    func backend(for provider: Provider) -> any MessagesBackend {
        guard let backend = backends[provider] else { preconditionFailure("no backend is registered for \(provider.rawValue)") }
        return backend
    }
}
