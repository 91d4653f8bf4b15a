@testable import ProxyCore
import Testing

/// Start-up settings: defaults, precedence of the environment over `.env`, and a
/// `ConfigurationError` naming the variable for every unusable value.
@Suite struct ProxyConfigurationTests {
    private func configurationError(_ environment: [String: String]) -> ConfigurationError? {
        do {
            _ = try ProxyConfiguration(environment: environment)
            return nil
        } catch {
            return error
        }
    }

    @Test func defaultsWithAnEmptyEnvironment() throws {
        let configuration = try ProxyConfiguration(environment: [:])
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8082)
        #expect(configuration.openAIAPIKeys == [])
        #expect(configuration.geminiAPIKeys == [])
        #expect(configuration.anthropicAPIKeys == [])
        #expect(configuration.preferredProvider == .openAI)
        #expect(configuration.bigModel == "gpt-4.1")
        #expect(configuration.smallModel == "gpt-4.1-mini")
        #expect(configuration.opusModel == "gpt-4.1")
        #expect(configuration.baseURL == nil)
        #expect(configuration.apiKeys == [])
        #expect(configuration.openAIBaseURL == "https://api.openai.com/v1")
        #expect(configuration.anthropicBaseURL == "https://api.anthropic.com")
        #expect(configuration.channels.isEmpty)
        #expect(configuration.debug == false)
        #expect(configuration.logLevel == "info")
        #expect(configuration.modelOutputLimits.isEmpty)
        #expect(configuration.defaultMaxOutputTokens == 16_384)
        #expect(configuration.pingInterval == .seconds(10))
        #expect(configuration.retryPolicy == RetryPolicy())
        #expect(configuration.retryPolicy.maximumRetries == 2)
        #expect(configuration.retryPolicy.maximumWait == .seconds(20))
        #expect(configuration.connectTimeout == .seconds(10))
        #expect(configuration.firstByteTimeout == .seconds(600))
        #expect(configuration.idleTimeout == .seconds(300))
        #expect(configuration.requestBodyLimit == 32 * 1024 * 1024)
        #expect(configuration.prefixCache)
        #expect(configuration.prefixCacheBytes == 192 * 1024 * 1024)
        #expect(configuration.messageThreads)
        #expect(configuration.messageThreadsBytes == 256 * 1024 * 1024)
        #expect(configuration.messageThreadRetention == .seconds(24 * 3600))
        #expect(configuration.shutdownGracePeriod == .seconds(30))
        #expect(configuration.proxyAPIKey == nil)
        #expect(configuration.secrets == [])
    }

    @Test func refusalFallbacksAreOffTheRoutesOwnOrModels() throws {
        #expect(try ProxyConfiguration(environment: [:]).refusalFallbacks == nil)
        #expect(try ProxyConfiguration(environment: ["REFUSAL_FALLBACKS": "OFF"]).refusalFallbacks == nil)
        #expect(try ProxyConfiguration(environment: ["REFUSAL_FALLBACKS": "default"]).refusalFallbacks == .routeDefault)
        #expect(
            try ProxyConfiguration(environment: ["REFUSAL_FALLBACKS": "claude-opus-4-8, gemini/gemini-2.5-pro"]).refusalFallbacks
                == .entries([.init(model: "claude-opus-4-8"), .init(model: "gemini/gemini-2.5-pro")]))
        #expect(
            configurationError(["REFUSAL_FALLBACKS": "a,b,c,d"])
                == ConfigurationError(variable: "REFUSAL_FALLBACKS", problem: "names 4 models; a request takes at most 3 fallbacks"))
    }

    @Test func googlePreferenceChangesTheModelDefaults() throws {
        let configuration = try ProxyConfiguration(environment: ["PREFERRED_PROVIDER": "Google"])
        #expect(configuration.preferredProvider == .google)
        #expect(configuration.bigModel == "gemini-2.5-pro")
        #expect(configuration.smallModel == "gemini-2.5-flash")
        #expect(configuration.opusModel == "gemini-2.5-pro")
    }

    @Test func everySettingIsRead() throws {
        let configuration = try ProxyConfiguration(environment: [
            "HOST": "0.0.0.0", "PORT": " 9000 ", "BIG_MODEL": "b", "SMALL_MODEL": "s", "OPUS_MODEL": "o",
            "BASE_URL": "http://localhost:8000/v1/", "API_KEY": "k1,k2", "OPENAI_BASE_URL": "https://o.example.com/v1",
            "ANTHROPIC_BASE_URL": "HTTPS://a.example.com/", "DEBUG": "yes", "LOG_LEVEL": "DEBUG",
            "MODEL_OUTPUT_LIMITS": "gpt-4o=4000, Deepseek/DeepSeek-Chat = 2000", "DEFAULT_MAX_OUTPUT_TOKENS": "8192",
            "PING_INTERVAL_SECONDS": "3", "MAX_RETRIES": "0", "RETRY_MAX_WAIT_SECONDS": "60", "CONNECT_TIMEOUT_SECONDS": "5",
            "FIRST_BYTE_TIMEOUT_SECONDS": "120", "IDLE_TIMEOUT_SECONDS": "45", "REQUEST_BODY_LIMIT_MB": "2",
            "SHUTDOWN_GRACE_SECONDS": "7", "PROXY_API_KEY": "proxy-secret", "PREFIX_CACHE": "off", "PREFIX_CACHE_MB": "16",
        ])
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 9000)
        #expect(configuration.bigModel == "b")
        #expect(configuration.smallModel == "s")
        #expect(configuration.opusModel == "o")
        #expect(configuration.baseURL == "http://localhost:8000/v1")
        #expect(configuration.apiKeys == ["k1", "k2"])
        #expect(configuration.openAIBaseURL == "https://o.example.com/v1")
        #expect(configuration.anthropicBaseURL == "HTTPS://a.example.com")
        #expect(configuration.debug == true)
        #expect(configuration.logLevel == "debug")
        #expect(configuration.modelOutputLimits == ["gpt-4o": 4000, "deepseek/deepseek-chat": 2000])
        #expect(configuration.defaultMaxOutputTokens == 8192)
        #expect(configuration.pingInterval == .seconds(3))
        #expect(configuration.retryPolicy.maximumRetries == 0)
        #expect(configuration.retryPolicy.maximumWait == .seconds(60))
        #expect(configuration.connectTimeout == .seconds(5))
        #expect(configuration.firstByteTimeout == .seconds(120))
        #expect(configuration.idleTimeout == .seconds(45))
        #expect(configuration.requestBodyLimit == 2 * 1024 * 1024)
        #expect(!configuration.prefixCache)
        #expect(configuration.prefixCacheBytes == 16 * 1024 * 1024)
        #expect(configuration.shutdownGracePeriod == .seconds(7))
        #expect(configuration.proxyAPIKey == "proxy-secret")
    }

    @Test func environmentWinsOverDotEnv() throws {
        let configuration = try ProxyConfiguration(
            environment: ["PORT": "9001", "BIG_MODEL": "from-env"],
            dotEnv: ["PORT": "9000", "SMALL_MODEL": "from-dotenv", "OPENAI_API_KEY": "sk-dotenv"])
        #expect(configuration.port == 9001)
        #expect(configuration.bigModel == "from-env")
        #expect(configuration.smallModel == "from-dotenv")
        #expect(configuration.openAIAPIKeys == ["sk-dotenv"])
    }

    @Test func dotEnvFileTextFeedsTheConfiguration() throws {
        let dotEnv = DotEnv.parse("# settings\nexport OPENAI_API_KEY=\"sk-1, sk-2\"\nPORT=8100 # local\n")
        let configuration = try ProxyConfiguration(environment: ["PORT": "8200"], dotEnv: dotEnv)
        #expect(configuration.openAIAPIKeys == ["sk-1", "sk-2"])
        #expect(configuration.port == 8200)
    }

    @Test func blankValuesCountAsUnset() throws {
        let configuration = try ProxyConfiguration(environment: ["PORT": "  ", "BIG_MODEL": "", "BASE_URL": " ", "PROXY_API_KEY": ""])
        #expect(configuration.port == 8082)
        #expect(configuration.bigModel == "gpt-4.1")
        #expect(configuration.baseURL == nil)
        #expect(configuration.proxyAPIKey == nil)
    }

    @Test func booleanFlagSpellings() throws {
        for text in ["1", "true", "TRUE", "yes", "On"] {
            #expect(try ProxyConfiguration(environment: ["DEBUG": text]).debug == true, "\(text)")
        }
        for text in ["0", "false", "No", "off"] {
            #expect(try ProxyConfiguration(environment: ["DEBUG": text]).debug == false, "\(text)")
        }
    }

    @Test func retriesFromZeroToTenAreAccepted() throws {
        #expect(try ProxyConfiguration(environment: ["MAX_RETRIES": "0"]).retryPolicy.maximumRetries == 0)
        #expect(try ProxyConfiguration(environment: ["MAX_RETRIES": "10"]).retryPolicy.maximumRetries == 10)
    }

    @Test func portBoundsAreAccepted() throws {
        #expect(try ProxyConfiguration(environment: ["PORT": "1"]).port == 1)
        #expect(try ProxyConfiguration(environment: ["PORT": "65535"]).port == 65535)
    }

    // MARK: - Channels

    @Test func channelsAreKeyedByLowerCasedNameWithTheirKeys() throws {
        let configuration = try ProxyConfiguration(environment: [
            "CHANNEL_LOCAL_BASE_URL": "http://127.0.0.1:11434/v1/", "CHANNEL_LOCAL_API_KEY": "a, b",
            "CHANNEL_Work_BASE_URL": "https://work.example.com/v1", "CHANNEL_Work_API_KEY": "w",
            "CHANNEL_OPEN_BASE_URL": "https://open.example.com",
        ])
        #expect(
            configuration.channels == [
                "local": .init(baseURL: "http://127.0.0.1:11434/v1", apiKeys: ["a", "b"]),
                "work": .init(baseURL: "https://work.example.com/v1", apiKeys: ["w"]),
                "open": .init(baseURL: "https://open.example.com", apiKeys: []),
            ])
    }

    @Test func channelsWithoutANameOrURLAreIgnored() throws {
        let configuration = try ProxyConfiguration(environment: ["CHANNEL__BASE_URL": "http://x", "CHANNEL_EMPTY_BASE_URL": "  ", "CHANNEL_BASE_URL": "http://y"])
        #expect(configuration.channels.isEmpty)
    }

    @Test func channelsComeFromDotEnvToo() throws {
        let configuration = try ProxyConfiguration(environment: [:], dotEnv: ["CHANNEL_LAN_BASE_URL": "http://10.0.0.2/v1", "CHANNEL_LAN_API_KEY": "lan-key"])
        #expect(configuration.channels["lan"] == .init(baseURL: "http://10.0.0.2/v1", apiKeys: ["lan-key"]))
    }

    // MARK: - Secrets

    @Test func secretsListEveryKey() throws {
        let configuration = try ProxyConfiguration(environment: [
            "OPENAI_API_KEY": "sk-a1,sk-a2", "GEMINI_API_KEY": "AIza-g1", "ANTHROPIC_API_KEY": "sk-ant-1", "API_KEY": "generic-1",
            "BASE_URL": "http://localhost:1/v1", "CHANNEL_ONE_BASE_URL": "http://one/v1", "CHANNEL_ONE_API_KEY": "chan-1a, chan-1b",
            "CHANNEL_TWO_BASE_URL": "http://two/v1", "CHANNEL_TWO_API_KEY": "chan-2", "PROXY_API_KEY": "proxy-key",
        ])
        #expect(
            configuration.secrets.sorted()
                == ["AIza-g1", "chan-1a", "chan-1b", "chan-2", "generic-1", "proxy-key", "sk-a1", "sk-a2", "sk-ant-1"])
    }

    // MARK: - Invalid values

    @Test(arguments: ["0", "65536", "http", "80.5", "-1", "8080x"])
    func badPortNamesPORT(value: String) {
        #expect(configurationError(["PORT": value]) == ConfigurationError(variable: "PORT", problem: "'\(value)' is not a port number (1-65535)"))
    }

    @Test(arguments: ["BASE_URL", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "CHANNEL_BAD_BASE_URL"])
    func malformedURLsNameTheirVariable(variable: String) {
        for url in ["ftp://example.com", "example.com/v1", "http://", "https://", "http:///v1", "https://exa mple.com", "http//x"] {
            #expect(
                configurationError([variable: url]) == ConfigurationError(variable: variable, problem: "'\(url)' is not an http:// or https:// URL"),
                "\(variable)=\(url)")
        }
    }

    @Test func urlsWithAPortPathOrQueryAreAccepted() throws {
        let configuration = try ProxyConfiguration(environment: ["BASE_URL": "http://localhost:8000?x=1", "OPENAI_BASE_URL": "https://h:443/a/b/"])
        #expect(configuration.baseURL == "http://localhost:8000?x=1")
        #expect(configuration.openAIBaseURL == "https://h:443/a/b")
    }

    @Test func unknownPreferredProviderNamesTheVariable() {
        #expect(
            configurationError(["PREFERRED_PROVIDER": "anthropic"])
                == ConfigurationError(variable: "PREFERRED_PROVIDER", problem: "'anthropic' is not a provider; use openai or google"))
    }

    @Test(arguments: ["11", "-1", "100", "two", "1.5"])
    func retriesOutsideZeroToTenNameMAX_RETRIES(value: String) {
        #expect(configurationError(["MAX_RETRIES": value]) == ConfigurationError(variable: "MAX_RETRIES", problem: "'\(value)' is not a whole number from 0 to 10"))
    }

    @Test(arguments: [
        "CONNECT_TIMEOUT_SECONDS", "FIRST_BYTE_TIMEOUT_SECONDS", "IDLE_TIMEOUT_SECONDS", "PING_INTERVAL_SECONDS", "RETRY_MAX_WAIT_SECONDS",
        "SHUTDOWN_GRACE_SECONDS", "REQUEST_BODY_LIMIT_MB", "DEFAULT_MAX_OUTPUT_TOKENS",
    ])
    func nonPositiveOrNonIntegerDurationsAndLimitsNameTheirVariable(variable: String) {
        for value in ["0", "-5", "1.5", "ten", "1e3"] {
            #expect(
                configurationError([variable: value]) == ConfigurationError(variable: variable, problem: "'\(value)' is not a positive whole number"),
                "\(variable)=\(value)")
        }
    }

    @Test(arguments: [
        ("gpt-4o", "gpt-4o"), ("gpt-4o=0", "gpt-4o=0"), ("gpt-4o=-3", "gpt-4o=-3"), ("gpt-4o=lots", "gpt-4o=lots"), ("a=1,b", "b"),
        ("=5", "=5"), ("gpt-4o=1.5", "gpt-4o=1.5"),
    ])
    func badModelOutputLimitsNameTheVariableAndTheEntry(value: String, entry: String) {
        #expect(configurationError(["MODEL_OUTPUT_LIMITS": value]) == ConfigurationError(variable: "MODEL_OUTPUT_LIMITS", problem: "'\(entry)' is not model=tokens"))
    }

    @Test(arguments: ["maybe", "2", "enabled", "y"])
    func badDebugFlagNamesDEBUG(value: String) {
        #expect(configurationError(["DEBUG": value]) == ConfigurationError(variable: "DEBUG", problem: "'\(value)' is not true or false"))
    }

    @Test func badLogLevelNamesLOG_LEVELAndTheLevels() {
        #expect(
            configurationError(["LOG_LEVEL": "verbose"])
                == ConfigurationError(
                    variable: "LOG_LEVEL", problem: "'verbose' is not a level; use one of trace, debug, info, notice, warning, error, critical"))
    }

    @Test func badValuesInDotEnvAreReportedToo() {
        do {
            _ = try ProxyConfiguration(environment: [:], dotEnv: ["IDLE_TIMEOUT_SECONDS": "0"])
            Issue.record("expected a ConfigurationError")
        } catch {
            #expect(error.variable == "IDLE_TIMEOUT_SECONDS")
        }
    }

    @Test func aValidEnvironmentValueHidesABadDotEnvValue() throws {
        #expect(try ProxyConfiguration(environment: ["PORT": "9000"], dotEnv: ["PORT": "nope"]).port == 9000)
    }

    @Test func errorDescriptionIsVariableThenProblem() {
        #expect(ConfigurationError(variable: "PORT", problem: "'x' is not a port number (1-65535)").description == "PORT: 'x' is not a port number (1-65535)")
    }
}
