/// The three kinds of Claude model a client asks for by name, each mapped through its own setting.
package enum ClaudeTier: Sendable, Equatable {
    /// haiku: Claude Code's background calls (titles, summaries), `SMALL_MODEL`.
    case haiku
    /// sonnet and every other claude-* name, `BIG_MODEL`.
    case sonnet
    /// opus, `OPUS_MODEL`.
    case opus

    /// The tier a model name asks for, or nil for a name that is no Claude name.
    package init?(name: String) {
        let lowered = name.trimmingWhitespace().lowercased()
        guard lowered.hasPrefix("claude") || ["haiku", "sonnet", "opus"].contains(lowered) else { return nil }
        self = lowered.contains("haiku") ? .haiku : lowered.contains("opus") ? .opus : .sonnet
    }

    /// The setting that maps it.
    package var setting: ConfigurationSetting {
        switch self {
        case .haiku: .smallModel
        case .sonnet: .bigModel
        case .opus: .opusModel
        }
    }

    /// Its setting's value.
    package func configuredModel(in configuration: ProxyConfiguration) -> String {
        switch self {
        case .haiku: configuration.smallModel
        case .sonnet: configuration.bigModel
        case .opus: configuration.opusModel
        }
    }
}
