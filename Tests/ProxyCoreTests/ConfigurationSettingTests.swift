@testable import ProxyCore
import Testing

/// The table of settings: each variable has its file key, keys are secrets, and the secrets a
/// configuration redacts follow the table rather than a hand-kept list.
@Suite struct ConfigurationSettingTests {
    @Test(arguments: [
        ("HOST", "server.host"), ("PORT", "server.port"), ("PROXY_API_KEY", "server.proxy_api_key"), ("BIG_MODEL", "models.big"),
        ("SMALL_MODEL", "models.small"), ("OPUS_MODEL", "models.opus"), ("PREFERRED_PROVIDER", "preferred_provider"),
        ("OPENAI_API_KEY", "providers.openai.api_key"), ("GEMINI_BASE_URL", "providers.gemini.base_url"), ("BASE_URL", "providers.openai_compatible.base_url"),
        ("API_KEY", "providers.openai_compatible.api_key"), ("DEEPSEEK_API_KEY", "providers.deepseek.api_key"), ("OLLAMA_BASE_URL", "providers.ollama.base_url"),
        ("AZURE_API_BASE", "providers.azure.base_url"), ("AZURE_API_VERSION", "providers.azure.api_version"), ("MAX_RETRIES", "reliability.max_retries"),
        ("MODEL_OUTPUT_LIMITS", "limits.model_output_limits"), ("REQUEST_BODY_LIMIT_MB", "limits.request_body_limit_mb"), ("LOG_LEVEL", "logging.level"),
        ("DEBUG", "logging.debug"), ("CHANNEL_WORK_BASE_URL", "channels.work.base_url"), ("CHANNEL_Work_API_KEY", "channels.work.api_key"),
        ("CHANNEL_MY_LAB_API", "channels.my_lab.api"), ("CHANNEL_X_PROVIDER", "channels.x.provider"),
    ])
    func variablesMapToFileKeys(variable: String, key: String) throws {
        let setting = try #require(ConfigurationSetting.named(variable: variable)?.setting)
        #expect(setting.key == key)
        let byKey = try #require(ConfigurationSetting.named(keyPath: key.split(separator: ".").map(String.init)))
        #expect(byKey.variable == variable.uppercased())
    }

    @Test func everyFixedSettingIsFoundByItsVariableAndItsKey() {
        for setting in ConfigurationSetting.fixed {
            #expect(ConfigurationSetting.named(variable: setting.variable)?.setting.key == setting.key, "\(setting.variable)")
            #expect(ConfigurationSetting.named(keyPath: setting.keyPath)?.variable == setting.variable, "\(setting.key)")
        }
        #expect(Set(ConfigurationSetting.fixed.map(\.variable)).count == ConfigurationSetting.fixed.count)
    }

    @Test(arguments: ["CHANNEL__BASE_URL", "CHANNEL_BASE_URL", "CHANNEL_X_TIMEOUT", "OPENAI_KEY", "SERVER_PORT"])
    func otherVariablesAreNoSetting(variable: String) {
        #expect(ConfigurationSetting.named(variable: variable) == nil)
    }

    @Test func everyKeySettingIsSecretAndNothingElseIs() {
        for setting in ConfigurationSetting.fixed + ConfigurationSetting.ChannelField.allCases.map({ .channel("x", $0) }) {
            #expect(setting.isSecret == setting.variable.hasSuffix("_KEY"), "\(setting.variable)")
        }
    }

    /// Every secret setting's value is redacted, whichever it is: nothing to keep in step by hand.
    @Test func theSecretsAreTheValuesOfEverySecretSetting() throws {
        let secretSettings = ConfigurationSetting.fixed.filter(\.isSecret) + [.channel("lab", .apiKey)]
        var environment = Dictionary(uniqueKeysWithValues: secretSettings.map { ($0.variable, "secret-of-\($0.variable)") })
        environment["CHANNEL_LAB_BASE_URL"] = "http://127.0.0.1:1/v1"
        environment["OPENAI_API_KEY"] = "first-openai-key, second-openai-key"
        let secrets = try ProxyConfiguration(environment: environment).secrets
        for setting in secretSettings where setting.variable != "OPENAI_API_KEY" {
            #expect(secrets.contains("secret-of-\(setting.variable)"), "\(setting.variable)")
        }
        #expect(secrets.contains("first-openai-key") && secrets.contains("second-openai-key"))
        #expect(!secrets.contains("http://127.0.0.1:1/v1"))
    }

    @Test func theProxyKeyIsOneSecretEvenWithACommaInIt() throws {
        #expect(try ProxyConfiguration(environment: ["PROXY_API_KEY": "a,b"]).secrets == ["a,b"])
    }

    @Test func aLoneChannelKeyDefinesNoChannelButIsStillASecret() throws {
        let configuration = try ProxyConfiguration(environment: ["CHANNEL_SPARE_API_KEY": "spare-key"])
        #expect(configuration.channels.isEmpty)
        #expect(configuration.secrets == ["spare-key"])
    }

    @Test func aChannelNamingAProviderTakesItsOwnKeyWhenSet() throws {
        let configuration = try ProxyConfiguration(environment: ["CHANNEL_WORK_PROVIDER": "openrouter", "CHANNEL_WORK_API_KEY": "own", "OPENROUTER_API_KEY": "shared"])
        #expect(configuration.channels["work"]?.apiKeys == ["own"])
        #expect(configuration.channels["work"]?.keyVariable == nil)
        #expect(configuration.channels["work"]?.baseURL == "https://openrouter.ai/api/v1")
    }
}
