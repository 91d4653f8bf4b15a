import ProxyCore
import Testing

/// Which requests reach Gemini's native API, where, and with which key.
@Suite struct GeminiRoutingTests {
    private func router(_ environment: [String: String]) throws -> ModelRouter {
        ModelRouter(configuration: try ProxyConfiguration(environment: environment))
    }

    @Test func geminiModelsGoToThePublicEndpointWithGeminiAPIKey() throws {
        let router = try router(["GEMINI_API_KEY": "g-key-1,g-key-2"])
        let expected = RouteTarget(
            provider: .gemini, model: "gemini-2.5-pro", baseURL: "https://generativelanguage.googleapis.com/v1beta", apiKeys: ["g-key-1", "g-key-2"],
            keyVariable: "GEMINI_API_KEY")
        #expect(try router.route("gemini/gemini-2.5-pro") == expected)
        #expect(try router.route("gemini-2.5-pro") == expected, "bare Gemini names are Gemini's")
    }

    @Test func geminiBaseURLReplacesThePublicEndpoint() throws {
        let router = try router(["GEMINI_BASE_URL": "http://127.0.0.1:9999/v1beta/"])
        let target = try router.route("gemini/gemini-3-pro-preview")
        #expect(target.baseURL == "http://127.0.0.1:9999/v1beta")
        #expect(target.apiKeys == [], "a local endpoint may need no key")
        #expect(throws: ConfigurationError.self) { try ProxyConfiguration(environment: ["GEMINI_BASE_URL": "generativelanguage.googleapis.com"]) }
    }

    @Test func withoutAKeyThePublicEndpointIsA401NamingTheSetting() throws {
        let error = try #require(#expect(throws: AnthropicError.self) { try router([:]).route("gemini/gemini-2.5-pro") })
        #expect(error.status == 401 && error.message.contains("GEMINI_API_KEY"))
    }

    @Test func preferredProviderGoogleSendsClaudeNamesToGemini() throws {
        let router = try router(["PREFERRED_PROVIDER": "google", "GEMINI_API_KEY": "g"])
        #expect(try router.route("claude-sonnet-4-6").provider == .gemini)
        #expect(try router.route("claude-sonnet-4-6").model == "gemini-2.5-pro")
        #expect(try router.route("claude-haiku-4-5").model == "gemini-2.5-flash")
        let openAIPreferred = try self.router(["OPENAI_API_KEY": "sk", "BIG_MODEL": "gemini-2.5-pro"])
        #expect(try openAIPreferred.route("claude-sonnet-4-6").provider == .openAI, "as the seed does")
    }

    @Test func aGeminiChannelUsesItsURLAndKeysWithTheGeminiProtocol() throws {
        let router = try router(["CHANNEL_VERTEX_BASE_URL": "https://gateway.example/v1beta", "CHANNEL_VERTEX_API_KEY": "v-key"])
        #expect(
            try router.route("gemini/gemini-3-pro-preview:vertex")
                == RouteTarget(
                    provider: .gemini, model: "gemini-3-pro-preview", channel: "vertex", baseURL: "https://gateway.example/v1beta", apiKeys: ["v-key"],
                    keyVariable: "CHANNEL_VERTEX_API_KEY"))
    }

    @Test func geminisOpenAICompatibleEndpointKeepsTheOpenAIProtocol() throws {
        let router = try router([
            "CHANNEL_GEMINI2_BASE_URL": "https://generativelanguage.googleapis.com/v1beta/openai", "CHANNEL_GEMINI2_API_KEY": "g",
            "PREFERRED_PROVIDER": "google", "BIG_MODEL": "gemini-2.5-pro:gemini2",
        ])
        #expect(try router.route("openai/gemini-2.5-pro:gemini2").provider == .openAI)
        #expect(try router.route("gemini-2.5-pro:gemini2").provider == .openAI)
        #expect(try router.route("claude-sonnet-4-6").provider == .openAI)
        #expect(try router.route("gemini/gemini-2.5-pro:gemini2").provider == .gemini, "an explicit prefix is obeyed")
    }
}
