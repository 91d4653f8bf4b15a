/// A ready-made OpenAI-compatible provider, chosen by its model prefix (`deepseek/deepseek-chat`)
/// or by a channel (`CHANNEL_<NAME>_PROVIDER=openrouter`): where it lives, how it takes its key,
/// and what it needs done differently, so that users do not have to look any of it up.
///
/// Presets are data: every one is served by the OpenAI Chat Completions translators, adjusted by
/// its `chat` options and output ceiling.
package struct ProviderPreset: Sendable, Equatable {
    /// How the key travels.
    package enum KeyHeader: Sendable, Equatable {
        /// `Authorization: Bearer <key>`.
        case bearer
        /// `api-key: <key>` (Azure OpenAI).
        case apiKey
    }

    /// How request URLs are built from the API root.
    package enum Addressing: Sendable, Equatable {
        /// `<root>/chat/completions`, the model in the body.
        case openAI
        /// Azure OpenAI: `<root>/openai/deployments/<deployment>/chat/completions?api-version=...`
        /// (the model name is the deployment's), `<root>/openai/responses?api-version=...`.
        case azureDeployments
    }

    /// The model prefix without its slash, and the preset's name in `CHANNEL_<NAME>_PROVIDER`.
    package var name: String
    /// The name people read in messages.
    package var displayName: String
    /// The API root when its variable is unset; `nil` when the user must say where the server is.
    package var defaultBaseURL: String?
    /// The setting that moves the API root (`OLLAMA_BASE_URL`, `AZURE_API_BASE`).
    package var baseURLVariable: String
    /// The setting that holds the keys; `nil` for servers that take none.
    package var keyVariable: String?
    /// Whether requests are refused without a key (hosted services), rather than sent without one
    /// (self-hosted servers, which may or may not check one).
    package var requiresKey: Bool
    package var keyHeader: KeyHeader
    package var addressing: Addressing
    /// The provider's output ceiling for models the catalog does not know, where documented
    /// (deepseek-chat's 8192): Claude Code asks for 128000 and such servers answer 400.
    package var outputCeiling: Int?
    package var chat: OpenAIChatOptions

    package init(
        name: String, displayName: String, defaultBaseURL: String?, baseURLVariable: String, keyVariable: String?, requiresKey: Bool = true,
        keyHeader: KeyHeader = .bearer, addressing: Addressing = .openAI, outputCeiling: Int? = nil, chat: OpenAIChatOptions = .standard
    ) {
        self.name = name
        self.displayName = displayName
        self.defaultBaseURL = defaultBaseURL
        self.baseURLVariable = baseURLVariable
        self.keyVariable = keyVariable
        self.requiresKey = keyVariable != nil && requiresKey
        self.keyHeader = keyHeader
        self.addressing = addressing
        self.outputCeiling = outputCeiling
        self.chat = chat
    }

    /// The preset a model prefix or `CHANNEL_<NAME>_PROVIDER` value names (case-insensitive).
    package static func named(_ name: some StringProtocol) -> ProviderPreset? {
        let lowered = name.lowercased()
        return all.first { $0.name == lowered }
    }

    /// Every preset. Sources: each provider's API reference (base URLs, key headers, parameters
    /// they reject or ignore, where reasoning comes back); see the README's routing section.
    package static let all: [ProviderPreset] = [
        // Returns reasoning as `reasoning`; takes OpenAI's parameters and passes them on.
        ProviderPreset(
            name: "openrouter", displayName: "OpenRouter", defaultBaseURL: "https://openrouter.ai/api/v1", baseURLVariable: "OPENROUTER_BASE_URL",
            keyVariable: "OPENROUTER_API_KEY", chat: OpenAIChatOptions(reasoningField: "reasoning")),
        // Thinking models return `reasoning_content` and want it back after tool calls;
        // deepseek-chat writes at most 8192 tokens; JSON output is `json_object` only.
        ProviderPreset(
            name: "deepseek", displayName: "DeepSeek", defaultBaseURL: "https://api.deepseek.com/v1", baseURLVariable: "DEEPSEEK_BASE_URL",
            keyVariable: "DEEPSEEK_API_KEY", outputCeiling: 8_192,
            chat: OpenAIChatOptions(replaysReasoning: true, takesJSONSchema: false)),
        // Rejects `reasoning_effort` on models without configurable reasoning; returns `reasoning`.
        ProviderPreset(
            name: "groq", displayName: "Groq", defaultBaseURL: "https://api.groq.com/openai/v1", baseURLVariable: "GROQ_BASE_URL",
            keyVariable: "GROQ_API_KEY", chat: OpenAIChatOptions(omittedParameters: ["reasoning_effort"], reasoningField: "reasoning")),
        // Grok reasoning models reject `stop` and (most of them) `reasoning_effort`; grok-3-mini
        // returns `reasoning_content`.
        ProviderPreset(
            name: "xai", displayName: "xAI", defaultBaseURL: "https://api.x.ai/v1", baseURLVariable: "XAI_BASE_URL", keyVariable: "XAI_API_KEY",
            chat: OpenAIChatOptions(omittedParameters: ["reasoning_effort", "stop"])),
        // Local, no key; returns thinking as `reasoning`.
        ProviderPreset(
            name: "ollama", displayName: "Ollama", defaultBaseURL: "http://127.0.0.1:11434/v1", baseURLVariable: "OLLAMA_BASE_URL", keyVariable: nil,
            chat: OpenAIChatOptions(reasoningField: "reasoning")),
        // Local; the server's address is the user's choice (LM Studio's own default is :1234/v1).
        ProviderPreset(
            name: "lmstudio", displayName: "LM Studio", defaultBaseURL: nil, baseURLVariable: "LMSTUDIO_BASE_URL", keyVariable: "LMSTUDIO_API_KEY",
            requiresKey: false, chat: OpenAIChatOptions()),
        // Self-hosted; a key only when the server was started with --api-key.
        ProviderPreset(
            name: "vllm", displayName: "vLLM", defaultBaseURL: nil, baseURLVariable: "VLLM_BASE_URL", keyVariable: "VLLM_API_KEY", requiresKey: false,
            chat: OpenAIChatOptions()),
        // Deployments in the path, the key in `api-key`, `api-version` in the query.
        ProviderPreset(
            name: "azure", displayName: "Azure OpenAI", defaultBaseURL: nil, baseURLVariable: "AZURE_API_BASE", keyVariable: "AZURE_API_KEY",
            keyHeader: .apiKey, addressing: .azureDeployments),
    ]

    /// The `api-version` Azure OpenAI requests carry unless `AZURE_API_VERSION` says otherwise:
    /// one that takes `max_completion_tokens`, `reasoning_effort`, `stream_options` and the
    /// Responses API.
    package static let defaultAzureAPIVersion = "2025-04-01-preview"
}
