@testable import ProxyCore
import Testing

/// The configuration file: YAML and JSON mean the same, `${NAME}` reads the environment, channels
/// and model maps come from its tree, and every problem names the file and the key.
@Suite struct ConfigurationFileTests {
    private func configuration(_ text: String, path: String = "proxy.yaml", variables: [String: String] = [:]) throws -> ProxyConfiguration {
        let file = try ConfigurationFile(path: path, text: text, variables: variables)
        return try ProxyConfiguration(settings: LayeredSettings(environment: [:], file: file))
    }

    private func error(_ text: String, path: String = "proxy.yaml", variables: [String: String] = [:]) -> ConfigurationError? {
        do {
            _ = try configuration(text, path: path, variables: variables)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    static let yaml = """
        server:
          host: 0.0.0.0
          port: 9000
          proxy_api_key: ${PROXY_KEY}
        preferred_provider: google
        models:
          big: [openai/gpt-4.1, openai/gpt-4o:backup]
          small: gemini/gemini-2.5-flash
        providers:
          openai: {api_key: sk-1, base_url: "https://o.example.com/v1/"}
          deepseek:
            api_key:
              - ds-1
              - ds-2
        channels:
          backup:
            base_url: https://backup.example.com/v1
            api_key: bk-1
          work: {provider: openrouter, api: responses}
        reliability:
          max_retries: 0
          idle_timeout_seconds: 45
        limits:
          model_output_limits:
            gpt-4.1: 32768
            DeepSeek/DeepSeek-Chat: 2000
        logging:
          level: DEBUG
          debug: true
        """

    static let json = """
        {
          "server": {"host": "0.0.0.0", "port": 9000, "proxy_api_key": "${PROXY_KEY}"},
          "preferred_provider": "google",
          "models": {"big": ["openai/gpt-4.1", "openai/gpt-4o:backup"], "small": "gemini/gemini-2.5-flash"},
          "providers": {
            "openai": {"api_key": "sk-1", "base_url": "https://o.example.com/v1/"},
            "deepseek": {"api_key": ["ds-1", "ds-2"]}
          },
          "channels": {
            "backup": {"base_url": "https://backup.example.com/v1", "api_key": "bk-1"},
            "work": {"provider": "openrouter", "api": "responses"}
          },
          "reliability": {"max_retries": 0, "idle_timeout_seconds": 45},
          "limits": {"model_output_limits": {"gpt-4.1": 32768, "DeepSeek/DeepSeek-Chat": 2000}},
          "logging": {"level": "DEBUG", "debug": true}
        }
        """

    @Test func everyKeyReachesItsSetting() throws {
        let configuration = try configuration(Self.yaml, variables: ["PROXY_KEY": "proxy-secret"])
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 9000)
        #expect(configuration.proxyAPIKey == "proxy-secret")
        #expect(configuration.preferredProvider == .google)
        #expect(configuration.bigModel == "openai/gpt-4.1,openai/gpt-4o:backup")
        #expect(configuration.smallModel == "gemini/gemini-2.5-flash")
        #expect(configuration.opusModel == configuration.bigModel)
        #expect(configuration.openAIAPIKeys == ["sk-1"])
        #expect(configuration.openAIBaseURL == "https://o.example.com/v1")
        #expect(configuration.presetEndpoints["deepseek"]?.apiKeys == ["ds-1", "ds-2"])
        #expect(configuration.retryPolicy.maximumRetries == 0)
        #expect(configuration.idleTimeout == .seconds(45))
        #expect(configuration.modelOutputLimits == ["gpt-4.1": 32768, "deepseek/deepseek-chat": 2000])
        #expect(configuration.logLevel == "debug")
        #expect(configuration.debug)
        #expect(configuration.secrets.sorted() == ["bk-1", "ds-1", "ds-2", "proxy-secret", "sk-1"])
    }

    @Test func channelsComeFromTheFile() throws {
        let configuration = try configuration(Self.yaml, variables: ["PROXY_KEY": "p"])
        #expect(configuration.channels["backup"] == .init(baseURL: "https://backup.example.com/v1", apiKeys: ["bk-1"]))
        let work = try #require(configuration.channels["work"])
        #expect(work.preset?.name == "openrouter")
        #expect(work.api == .openAIResponses)
        #expect(work.baseURL == "https://openrouter.ai/api/v1")
    }

    @Test func yamlAndJSONFilesMeanTheSame() throws {
        let variables = ["PROXY_KEY": "p"]
        let fromYAML = try ConfigurationFile(path: "proxy.yaml", text: Self.yaml, variables: variables)
        let fromJSON = try ConfigurationFile(path: "proxy.json", text: Self.json, variables: variables)
        #expect(fromYAML.values == fromJSON.values)
        #expect(fromYAML.channelNames == ["backup", "work"])
        #expect(fromJSON.channelNames == ["backup", "work"])
        #expect(try configuration(Self.yaml, variables: variables) == configuration(Self.json, path: "proxy.json", variables: variables))
    }

    @Test func aVariableInAValueIsReadFromTheEnvironment() throws {
        let file = try ConfigurationFile(
            path: "proxy.yaml", text: "providers: {openai: {base_url: 'https://${HOST_NAME}:${HOST_PORT}/v1', api_key: [a, '${SECOND_KEY}']}}",
            variables: ["HOST_NAME": "gw.example.com", "HOST_PORT": "8443", "SECOND_KEY": "b"])
        #expect(file.values["providers.openai.base_url"] == "https://gw.example.com:8443/v1")
        #expect(file.values["providers.openai.api_key"] == "a,b")
    }

    @Test func anUnsetVariableNamesTheKeyAndTheVariable() {
        #expect(
            error("providers:\n  openai:\n    api_key: ${OPENAI_KEY_FOR_TESTS}\n")
                == ConfigurationError(variable: "proxy.yaml: providers.openai.api_key", problem: "${OPENAI_KEY_FOR_TESTS} is not set in the environment"))
        #expect(error("models: {big: 'x-${OPEN'}") == ConfigurationError(variable: "proxy.yaml: models.big", problem: "has a '${' without its '}'"))
    }

    @Test func badValuesNameTheFileAndTheKey() {
        #expect(error("server:\n  port: x\n") == ConfigurationError(variable: "proxy.yaml: server.port", problem: "'x' is not a port number (1-65535)"))
        #expect(
            error(#"{"reliability": {"max_retries": 11}}"#, path: "proxy.json")
                == ConfigurationError(variable: "proxy.json: reliability.max_retries", problem: "'11' is not a whole number from 0 to 10"))
        #expect(
            error("limits: {model_output_limits: {gpt-4.1: lots}}")
                == ConfigurationError(variable: "proxy.yaml: limits.model_output_limits", problem: "'gpt-4.1=lots' is not model=tokens"))
        #expect(
            error("channels: {lab: {base_url: ftp://lab}}")
                == ConfigurationError(variable: "proxy.yaml: channels.lab.base_url", problem: "'ftp://lab' is not an http:// or https:// URL"))
    }

    @Test func keysThatAreNoSettingAndValuesOfTheWrongShapeAreRefused() {
        #expect(error("server: {prot: 1}") == ConfigurationError(variable: "proxy.yaml: server.prot", problem: "is not a setting (see anthropic-proxy.example.yaml)"))
        #expect(error("PORT: 1") == ConfigurationError(variable: "proxy.yaml: PORT", problem: "is not a setting (see anthropic-proxy.example.yaml)"))
        #expect(error("server: {port: [1, 2]}") == ConfigurationError(variable: "proxy.yaml: server.port", problem: "takes one value, not a list"))
        #expect(error("server: {port: {a: 1}}") == ConfigurationError(variable: "proxy.yaml: server.port", problem: "takes a value, not a mapping"))
        #expect(error("server: 8082") == ConfigurationError(variable: "proxy.yaml: server", problem: "is a group of settings, not a value"))
        #expect(error("models: {big: [[a]]}") == ConfigurationError(variable: "proxy.yaml: models.big", problem: "takes a list of values"))
        #expect(
            error("channels: {my-lab: {base_url: 'http://x'}}")
                == ConfigurationError(variable: "proxy.yaml: channels.my-lab", problem: "a channel's name takes letters, digits and _"))
        #expect(
            error(#"{"server": {"port": 1, "port": 2}}"#, path: "proxy.json") == ConfigurationError(variable: "proxy.json: server.port", problem: "is set twice"))
        #expect(error("- a\n- b\n") == ConfigurationError(variable: "proxy.yaml", problem: "must be a mapping of settings (see anthropic-proxy.example.yaml)"))
    }

    @Test func routesComeFromTheirSection() throws {
        let routes = try configuration(
            """
            routes:
              think: [openai/o3, gemini/gemini-2.5-pro]
              long_context: gemini/gemini-2.5-pro
              long_context_threshold: 120000
              web_search: gemini/gemini-2.5-flash
              image: openai/gpt-4.1
            """)
        #expect(routes.thinkModel == "openai/o3,gemini/gemini-2.5-pro")
        #expect(routes.longContextModel == "gemini/gemini-2.5-pro")
        #expect(routes.longContextThreshold == 120_000)
        #expect(routes.webSearchModel == "gemini/gemini-2.5-flash")
        #expect(routes.imageModel == "openai/gpt-4.1")
        #expect(
            error("routes: {long_context_threshold: lots}")
                == ConfigurationError(variable: "proxy.yaml: routes.long_context_threshold", problem: "'lots' is not a positive whole number"))
    }

    @Test func aKeyThatMovedSaysWhereItIsNow() {
        #expect(
            error("models: {web_search: gemini/gemini-2.5-flash}")
                == ConfigurationError(variable: "proxy.yaml: models.web_search", problem: "is now routes.web_search; rename it there"))
    }

    @Test func emptyValuesAndAnEmptyFileSetNothing() throws {
        #expect(try configuration("") == ProxyConfiguration(environment: [:]))
        #expect(try configuration("server:\n  proxy_api_key:\n  port: ~\nchannels:\n") == ProxyConfiguration(environment: [:]))
    }

    /// The text around a syntax error is left out of the message: it may be a key.
    @Test func syntaxErrorsSayWhereWithoutQuotingTheFile() throws {
        let yamlError = try #require(error("providers:\n  openai:\n    api_key: \"sk-secret-in-file\n  gemini: x\n"))
        #expect(yamlError.variable == "proxy.yaml")
        #expect(yamlError.problem.hasPrefix("not valid YAML: line "))
        #expect(!yamlError.description.contains("sk-secret-in-file"))

        let jsonError = try #require(error("{\n  \"providers\": {\"openai\": {\"api_key\": \"sk-secret-in-file\",}}\n}", path: "proxy.json"))
        #expect(jsonError.variable == "proxy.json")
        #expect(jsonError.problem.hasPrefix("not valid JSON: line 2, column "))
        #expect(!jsonError.description.contains("sk-secret-in-file"))
    }

    @Test func theFormatFollowsTheName() {
        #expect(ConfigurationFile.Format(path: "a/anthropic-proxy.JSON") == .json)
        #expect(ConfigurationFile.Format(path: "anthropic-proxy.yaml") == .yaml)
        #expect(ConfigurationFile.Format(path: "proxy.yml") == .yaml)
    }
}
