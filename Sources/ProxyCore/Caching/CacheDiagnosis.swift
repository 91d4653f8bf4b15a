/// What a reply says of its request's prompt against the one the client named in
/// `diagnostics.previous_message_id`: the reply's `diagnostics`.
package enum CacheDiagnosis: Sendable, Equatable {
    /// Nothing before the new messages changed (or there was no previous request to compare):
    /// `diagnostics` is null.
    case unchanged
    case missed(MissReason)

    /// Why the upstream's prompt cache could not reuse the previous request's prefix, in
    /// Anthropic's terms (`cache_miss_reason`). The missed tokens are the previous prompt's from
    /// the point of divergence on, by the proxy's token estimate.
    package enum MissReason: Sendable, Equatable {
        /// Another upstream model read the prompt (a route or a fallback chose another one).
        case modelChanged(missedTokens: Int)
        case toolsChanged(missedTokens: Int)
        case systemChanged(missedTokens: Int)
        /// A message before the new ones differs, or one is missing.
        case messagesChanged(missedTokens: Int)
        /// No fingerprint is kept under the id: unknown, evicted, from before a restart, kept by
        /// another instance, or another client's. It does not mean the prompt changed.
        case previousMessageNotFound
        /// Model, tools and system match, but something else that shapes the prompt changed
        /// (thinking, tool choice, an output format), which Anthropic does not diagnose either.
        case unavailable

        package var json: JSONValue {
            switch self {
            case .modelChanged(let tokens): Self.changed("model_changed", tokens)
            case .toolsChanged(let tokens): Self.changed("tools_changed", tokens)
            case .systemChanged(let tokens): Self.changed("system_changed", tokens)
            case .messagesChanged(let tokens): Self.changed("messages_changed", tokens)
            case .previousMessageNotFound: ["type": "previous_message_not_found"]
            case .unavailable: ["type": "unavailable"]
            }
        }

        private static func changed(_ type: String, _ tokens: Int) -> JSONValue {
            ["type": .string(type), "cache_missed_input_tokens": .int(tokens)]
        }
    }

    package var json: JSONValue {
        switch self {
        case .unchanged: .null
        case .missed(let reason): ["cache_miss_reason": reason.json]
        }
    }
}
