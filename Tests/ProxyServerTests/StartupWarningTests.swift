import ProxyCore
import ProxyServer
import Testing

/// Start-up warns once, and only when Claude's own model names cannot be served as configured.
@Suite struct StartupWarningTests {
    private func warning(_ environment: [String: String]) throws -> String? {
        ProxyServer.startupWarning(try ProxyConfiguration(environment: environment))
    }

    @Test func noKeyAtAllIsOneWarningNamingTheVariableForEveryClaudeName() throws {
        let text = try #require(try warning([:]))
        #expect(text.contains("opus, sonnet: No API key for OpenAI (model 'gpt-4.1')"))
        #expect(text.contains("haiku: No API key for OpenAI (model 'gpt-4.1-mini')"))
        #expect(text.contains("OPENAI_API_KEY"))
    }

    @Test func configuredKeyOrKeylessUpstreamsNeedNoWarning() throws {
        #expect(try warning(["OPENAI_API_KEY": "sk-configured-0000000000000000"]) == nil)
        #expect(try warning(["BIG_MODEL": "ollama/qwen3-coder", "SMALL_MODEL": "ollama/qwen3-coder"]) == nil)
        #expect(try warning(["BIG_MODEL": "anthropic/claude-sonnet-4-6", "SMALL_MODEL": "anthropic/claude-haiku-4-5"]) == nil)
    }

    @Test func aMissingKeyForOneMappingIsNamedAlone() throws {
        let text = try #require(try warning(["OPENAI_API_KEY": "sk-configured-0000000000000000", "SMALL_MODEL": "gemini/gemini-2.5-flash"]))
        #expect(text.contains("haiku:") && text.contains("GEMINI_API_KEY"))
        #expect(!text.contains("opus"))
    }
}
