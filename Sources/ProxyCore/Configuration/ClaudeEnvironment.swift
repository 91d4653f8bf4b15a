/// What `anthropic-proxy claude` (and `--print-env`) gives Claude Code: the proxy's address, a
/// key it accepts, and the context window of the model that answers, where the user has not set
/// their own.
package enum ClaudeEnvironment {
    /// The key Claude Code sends when the proxy needs none: any text will do, but not an empty one.
    package static let placeholderKey = "anthropic-proxy"
    /// How to get Claude Code, for the messages that do not find it.
    package static let installAdvice = "install it (npm install -g @anthropic-ai/claude-code) or name it with CLAUDE_BIN"

    /// - Parameters:
    ///   - proxyURL: where the proxy answers (`http://127.0.0.1:8082`).
    ///   - environment: the user's; what they set themselves stays theirs.
    package static func variables(proxyURL: String, configuration: ProxyConfiguration, environment: [String: String]) -> [String: String] {
        var variables = ["ANTHROPIC_BASE_URL": proxyURL]
        // The proxy's own key; else the user's Anthropic key (the passthrough may use it); else any.
        if let key = configuration.proxyAPIKey {
            variables["ANTHROPIC_API_KEY"] = key
        } else if environment["ANTHROPIC_API_KEY"].map({ !$0.isEmpty }) != true, environment["ANTHROPIC_AUTH_TOKEN"] == nil {
            variables["ANTHROPIC_API_KEY"] = placeholderKey
        }
        if environment["CLAUDE_CODE_MAX_CONTEXT_TOKENS"] == nil, let target = try? ModelRouter(configuration: configuration).route("claude-sonnet-4-6"),
            let window = ModelCatalog(configuration: configuration).profile(for: target.model, preset: target.preset).contextWindow
        {
            variables["CLAUDE_CODE_MAX_CONTEXT_TOKENS"] = String(window)
        }
        return variables
    }

    /// `value` as one word for a POSIX shell.
    package static func shellQuoted(_ value: String) -> String {
        "'" + value.replacing("'", with: "'\\''") + "'"
    }
}
