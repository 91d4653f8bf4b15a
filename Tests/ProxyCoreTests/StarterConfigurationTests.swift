import ProxyCore
import Testing

/// `anthropic-proxy init`'s files: each provider's parses and validates as start-up reads it, maps
/// Claude's names to that provider, and names its key without holding it.
@Suite struct StarterConfigurationTests {
    @Test(arguments: StarterConfiguration.all.map(\.name)) func eachProvidersFileIsValidAndRoutesClaudesNamesThere(_ name: String) throws {
        let starter = try #require(StarterConfiguration.named(name))
        let variables = starter.keyVariable.map { [$0: "sk-test-\(name)-0123456789"] } ?? [:]
        let file = try ConfigurationFile(path: "anthropic-proxy.yaml", text: starter.yaml, variables: variables)
        let configuration = try ProxyConfiguration(settings: LayeredSettings(environment: variables, file: file))
        #expect(configuration.bigModel == starter.big && configuration.smallModel == starter.small && configuration.opusModel == starter.opus)
        let router = ModelRouter(configuration: configuration)
        #expect(try router.route("claude-sonnet-4-6").qualifiedModel == starter.big)
        #expect(try router.route("claude-haiku-4-5").qualifiedModel == starter.small)
        if let variable = starter.keyVariable {
            #expect(starter.yaml.contains("${\(variable)}"))
            #expect(try router.route("claude-sonnet-4-6").apiKeys == ["sk-test-\(name)-0123456789"] || name == "anthropic")
        }
        #expect(!starter.yaml.contains("sk-test"), "a reference, never a value")
    }

    @Test func namesAreCaseInsensitiveAndUnknownOnesAreNil() {
        #expect(StarterConfiguration.named("Gemini")?.big == "gemini/gemini-2.5-pro")
        #expect(StarterConfiguration.named("bedrock") == nil)
    }
}
