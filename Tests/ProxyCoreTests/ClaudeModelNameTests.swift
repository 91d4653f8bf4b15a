import ProxyCore
import Testing

@Suite struct ClaudeModelNameTests {
    @Test func aModelIsFoundByItsIDOrItsUndatedAlias() {
        #expect(ClaudeModelName.named("claude-sonnet-4-5")?.id == "claude-sonnet-4-5-20250929")
        #expect(ClaudeModelName.named("claude-sonnet-4-5-20250929")?.id == "claude-sonnet-4-5-20250929")
        #expect(ClaudeModelName.named("claude-opus-4-0")?.id == "claude-opus-4-20250514")
        #expect(ClaudeModelName.named("claude-3-5-haiku-latest")?.id == "claude-3-5-haiku-20241022")
        #expect(ClaudeModelName.named("claude-sonnet-4-6")?.id == "claude-sonnet-4-6")
        #expect(ClaudeModelName.named("claude-sonnet-4") == nil, "a prefix is not an alias")
        #expect(ClaudeModelName.named("gpt-4.1") == nil)
    }

    @Test func noAliasNamesTwoModels() {
        let names = ClaudeModelName.known.flatMap { [$0.id] + ($0.alias.map { [$0] } ?? []) }
        #expect(Set(names).count == names.count)
    }

    @Test func anEntryGivesTheAnsweringModelsLimitsAndCapabilitiesAndLeavesOutAWindowNotKnown() {
        let sonnet = ClaudeModelName.named("claude-sonnet-4-6")!
        let capabilities = ServedCapabilities(thinks: false, readsImages: true, searchesTheWeb: true, structuredOutputs: true, anthropic: false)
        #expect(
            sonnet.json(servedBy: "openai/gpt-4.1", profile: ModelProfile(maxOutputTokens: 32_768, contextWindow: 1_047_576), capabilities: capabilities) == [
                "type": "model", "id": "claude-sonnet-4-6", "display_name": "Sonnet 4.6 → openai/gpt-4.1", "created_at": "2026-02-17T00:00:00Z",
                "max_input_tokens": 1_047_576, "max_tokens": 32_768, "lifecycle": "active", "deprecated_at": nil, "retires_at": nil, "line": "sonnet",
                "capabilities": capabilities.json,
            ])
        #expect(
            sonnet.json(servedBy: "ollama/qwen3", profile: ModelProfile(maxOutputTokens: 16_384), capabilities: capabilities) == [
                "type": "model", "id": "claude-sonnet-4-6", "display_name": "Sonnet 4.6 → ollama/qwen3", "created_at": "2026-02-17T00:00:00Z",
                "max_tokens": 16_384, "lifecycle": "active", "deprecated_at": nil, "retires_at": nil, "line": "sonnet", "capabilities": capabilities.json,
            ])
    }
}
