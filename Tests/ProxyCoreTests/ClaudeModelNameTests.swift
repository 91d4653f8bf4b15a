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
}
