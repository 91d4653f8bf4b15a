/// A Claude model id clients ask for, as Anthropic's model list shows it. The proxy lists these
/// (Claude Code's `/model` picker keeps only ids that start with `claude`), each mapped by the
/// router to the model that really answers.
package struct ClaudeModelName: Sendable, Equatable {
    package var id: String
    /// Anthropic's own name for it ("Sonnet 4.6").
    package var displayName: String
    /// When Anthropic released it, RFC 3339.
    package var createdAt: String
    /// The undated name Anthropic resolves to this dated one (`claude-sonnet-4-5`), if any.
    package var alias: String?

    package init(id: String, displayName: String, createdAt: String, alias: String? = nil) {
        self.id = id
        self.displayName = displayName
        self.createdAt = createdAt
        self.alias = alias
    }

    /// Newest first, as Anthropic lists them: the names Claude Code 2.1.332 sends, then the dated
    /// ones of earlier versions and the SDKs' examples.
    package static let known: [ClaudeModelName] = [
        ClaudeModelName(id: "claude-opus-5-5", displayName: "Opus 5.5", createdAt: "2026-09-24T00:00:00Z"),
        ClaudeModelName(id: "claude-sonnet-5-5", displayName: "Sonnet 5.5", createdAt: "2026-09-24T00:00:00Z"),
        ClaudeModelName(id: "claude-haiku-5-5", displayName: "Haiku 5.5", createdAt: "2026-09-24T00:00:00Z"),
        ClaudeModelName(id: "claude-opus-4-6", displayName: "Opus 4.6", createdAt: "2026-02-05T00:00:00Z"),
        ClaudeModelName(id: "claude-sonnet-4-6", displayName: "Sonnet 4.6", createdAt: "2026-02-17T00:00:00Z"),
        ClaudeModelName(id: "claude-opus-4-5-20251101", displayName: "Opus 4.5", createdAt: "2025-11-24T00:00:00Z", alias: "claude-opus-4-5"),
        ClaudeModelName(id: "claude-haiku-4-5-20251001", displayName: "Haiku 4.5", createdAt: "2025-10-15T00:00:00Z", alias: "claude-haiku-4-5"),
        ClaudeModelName(id: "claude-sonnet-4-5-20250929", displayName: "Sonnet 4.5", createdAt: "2025-09-29T00:00:00Z", alias: "claude-sonnet-4-5"),
        ClaudeModelName(id: "claude-opus-4-1-20250805", displayName: "Opus 4.1", createdAt: "2025-08-05T00:00:00Z", alias: "claude-opus-4-1"),
        ClaudeModelName(id: "claude-opus-4-20250514", displayName: "Opus 4", createdAt: "2025-05-22T00:00:00Z", alias: "claude-opus-4-0"),
        ClaudeModelName(id: "claude-sonnet-4-20250514", displayName: "Sonnet 4", createdAt: "2025-05-22T00:00:00Z", alias: "claude-sonnet-4-0"),
        ClaudeModelName(id: "claude-3-7-sonnet-20250219", displayName: "Sonnet 3.7", createdAt: "2025-02-24T00:00:00Z", alias: "claude-3-7-sonnet-latest"),
        ClaudeModelName(id: "claude-3-5-haiku-20241022", displayName: "Haiku 3.5", createdAt: "2024-10-22T00:00:00Z", alias: "claude-3-5-haiku-latest"),
    ]

    /// The known model with this id or alias, as Anthropic's `GET /v1/models/{model_id}` resolves
    /// either to the dated model.
    package static func named(_ idOrAlias: String) -> ClaudeModelName? {
        known.first { $0.id == idOrAlias || $0.alias == idOrAlias }
    }

    /// The model line Anthropic lists it under (`opus`, `sonnet`, `haiku`).
    package var line: String? {
        ["opus", "sonnet", "haiku"].first { id.contains($0) }
    }

    /// The entry in Anthropic's list shape; the display name says where the proxy sends it, and
    /// the limits are that model's (`max_input_tokens` only when its context window is known), as
    /// Anthropic's entries give their own for clients that size a conversation by them, and so are
    /// its capabilities, for clients that choose what to ask by them. Every model listed is
    /// served, so `active`, with no deprecation or retirement scheduled.
    package func json(servedBy target: String, profile: ModelProfile, capabilities: ServedCapabilities) -> JSONValue {
        var entry: JSONObject = [
            "type": "model", "id": .string(id), "display_name": .string("\(displayName) → \(target)"), "created_at": .string(createdAt),
            "max_tokens": .int(profile.maxOutputTokens), "lifecycle": "active", "deprecated_at": nil, "retires_at": nil,
            "line": line.map(JSONValue.string) ?? .null, "capabilities": capabilities.json,
        ]
        if let window = profile.contextWindow { entry["max_input_tokens"] = .int(window) }
        return .object(entry)
    }
}
