/// The commented `anthropic-proxy.yaml` that `anthropic-proxy init` writes for a provider: Claude's
/// three names mapped to that provider's models, its key as a `${NAME}` reference (never a value),
/// and where to look for the rest.
package struct StarterConfiguration: Sendable, Equatable {
    /// The name `--provider` takes.
    package var name: String
    package var displayName: String
    /// Sonnet and other Claude names, haiku, opus.
    package var big: String
    package var small: String
    package var opus: String
    /// The file key under `providers:` and the variable its key comes from; nil without a key.
    package var providerKey: String
    package var keyVariable: String?
    /// A server address the user must (or may) change, written into the file.
    package var baseURL: String?
    /// One line on what else to know.
    package var note: String

    package static let all: [StarterConfiguration] = [
        StarterConfiguration(
            name: "openai", displayName: "OpenAI", big: "openai/gpt-4.1", small: "openai/gpt-4.1-mini", opus: "openai/o3", providerKey: "openai",
            keyVariable: "OPENAI_API_KEY", note: "Keys at https://platform.openai.com/api-keys."),
        StarterConfiguration(
            name: "gemini", displayName: "Google Gemini", big: "gemini/gemini-2.5-pro", small: "gemini/gemini-2.5-flash", opus: "gemini/gemini-2.5-pro",
            providerKey: "gemini", keyVariable: "GEMINI_API_KEY", note: "Keys at https://aistudio.google.com/apikey."),
        StarterConfiguration(
            name: "anthropic", displayName: "Anthropic (passthrough)", big: "anthropic/claude-sonnet-4-5", small: "anthropic/claude-haiku-4-5",
            opus: "anthropic/claude-opus-4-1", providerKey: "anthropic", keyVariable: "ANTHROPIC_API_KEY",
            note: "Without a key here, each client's own Anthropic key is used."),
        StarterConfiguration(
            name: "openrouter", displayName: "OpenRouter", big: "openrouter/anthropic/claude-sonnet-4.5", small: "openrouter/openai/gpt-4.1-mini",
            opus: "openrouter/anthropic/claude-opus-4.1", providerKey: "openrouter", keyVariable: "OPENROUTER_API_KEY",
            note: "Any model OpenRouter lists works after openrouter/."),
        StarterConfiguration(
            name: "deepseek", displayName: "DeepSeek", big: "deepseek/deepseek-chat", small: "deepseek/deepseek-chat", opus: "deepseek/deepseek-reasoner",
            providerKey: "deepseek", keyVariable: "DEEPSEEK_API_KEY", note: "deepseek-chat writes at most 8,192 tokens a reply."),
        StarterConfiguration(
            name: "groq", displayName: "Groq", big: "groq/llama-3.3-70b-versatile", small: "groq/llama-3.1-8b-instant", opus: "groq/llama-3.3-70b-versatile",
            providerKey: "groq", keyVariable: "GROQ_API_KEY", note: "Keys at https://console.groq.com/keys."),
        StarterConfiguration(
            name: "xai", displayName: "xAI", big: "xai/grok-4", small: "xai/grok-3-mini", opus: "xai/grok-4", providerKey: "xai", keyVariable: "XAI_API_KEY",
            note: "Keys at https://console.x.ai."),
        StarterConfiguration(
            name: "ollama", displayName: "Ollama (local)", big: "ollama/qwen2.5-coder", small: "ollama/qwen2.5-coder", opus: "ollama/qwen2.5-coder",
            providerKey: "ollama", keyVariable: nil, baseURL: "http://127.0.0.1:11434/v1",
            note: "Pull the model first (ollama pull qwen2.5-coder); set its context window under model_context_windows if Ollama's is larger than its default."),
        StarterConfiguration(
            name: "lmstudio", displayName: "LM Studio (local)", big: "lmstudio/local-model", small: "lmstudio/local-model", opus: "lmstudio/local-model",
            providerKey: "lmstudio", keyVariable: nil, baseURL: "http://127.0.0.1:1234/v1",
            note: "Replace local-model with the model LM Studio serves (its Developer tab lists it)."),
        StarterConfiguration(
            name: "vllm", displayName: "vLLM (self-hosted)", big: "vllm/served-model", small: "vllm/served-model", opus: "vllm/served-model",
            providerKey: "vllm", keyVariable: nil, baseURL: "http://127.0.0.1:8000/v1",
            note: "Replace served-model with the server's --served-model-name, and the address with the server's."),
        StarterConfiguration(
            name: "azure", displayName: "Azure OpenAI", big: "azure/gpt-4.1", small: "azure/gpt-4.1-mini", opus: "azure/gpt-4.1", providerKey: "azure",
            keyVariable: "AZURE_API_KEY", baseURL: "https://YOUR-RESOURCE.openai.azure.com",
            note: "The model names are your deployments' names; the address is your resource's."),
    ]

    package static func named(_ name: String) -> StarterConfiguration? {
        all.first { $0.name == name.lowercased() }
    }

    /// The file's text.
    package var yaml: String {
        let keyLine =
            keyVariable.map { "    api_key: ${\($0)}" + Self.pad("    api_key: ${\($0)}") + "# \($0): read from the environment or .env, never written here" }
            ?? "    # no key needed"
        let urlLine = baseURL.map { url in "    base_url: \(url)" + Self.pad("    base_url: \(url)") + "# where the server answers" }
        return """
            # anthropic-proxy configuration for \(displayName), written by `anthropic-proxy init`.
            # Check it with `anthropic-proxy config check`; every other setting, with its default, is in
            # anthropic-proxy.example.yaml and README.md. Edits apply while the proxy runs.
            # \(note)

            server:
              host: 127.0.0.1                   # only this machine; see README's Security before changing it
              port: 8082

            models:
              big: \(big)\(Self.pad("  big: \(big)"))# BIG_MODEL: sonnet and other claude-* names
              small: \(small)\(Self.pad("  small: \(small)"))# SMALL_MODEL: haiku, Claude Code's background calls
              opus: \(opus)\(Self.pad("  opus: \(opus)"))# OPUS_MODEL: opus; a list is tried in order

            providers:
              \(providerKey):
            \(([keyLine] + (urlLine.map { [$0] } ?? [])).joined(separator: "\n"))

            usage:
              retention_days: 90                # the ledger's per-request rows; `anthropic-proxy usage` reads it

            """
    }

    /// Spaces that start a comment in the same column (36) as the example file's.
    private static func pad(_ text: String) -> String {
        String(repeating: " ", count: max(1, 36 - text.count))
    }
}
