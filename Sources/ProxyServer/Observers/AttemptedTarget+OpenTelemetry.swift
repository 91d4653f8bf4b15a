import ProxyCore

extension AttemptedTarget {
    /// `gen_ai.provider.name`: OpenTelemetry's well-known value where one applies (the conventions
    /// say it must then be used), else the proxy's own name for the provider.
    var openTelemetryProviderName: String {
        switch presetName {
        case "xai": "x_ai"
        case "azure": "azure.ai.openai"
        case let name?: name
        case nil:
            switch provider {
            case .openAI, .openAIResponses: "openai"
            case .gemini: "gcp.gemini"
            case .anthropic: "anthropic"
            }
        }
    }
}
