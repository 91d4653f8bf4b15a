@testable import ProxyCore
import Testing

/// Precedence and provenance: flags, then the environment, then `.env`, then the configuration
/// file, then the default, per setting.
@Suite struct LayeredSettingsTests {
    /// One value per source for `setting`, each source present only if named in `sources`.
    private func settings(_ setting: ConfigurationSetting, from sources: Set<String>, values: [String: String]) throws -> LayeredSettings {
        let variable = setting.variable
        let nested = setting.keyPath.reversed().reduce("'\(values["file"]!)'") { inner, name in "{\(name): \(inner)}" }
        let file = try ConfigurationFile(path: "proxy.yaml", text: sources.contains("file") ? nested : "{}", variables: [:])
        return LayeredSettings(
            flags: sources.contains("flag") ? [variable: values["flag"]!] : [:],
            environment: sources.contains("environment") ? [variable: values["environment"]!] : [:],
            dotEnv: sources.contains("dotEnv") ? [variable: values["dotEnv"]!] : [:], dotEnvPath: "config/.env",
            file: file)
    }

    static let cases: [(setting: ConfigurationSetting, values: [String: String], defaultValue: String?)] = [
        (.port, ["flag": "1001", "environment": "1002", "dotEnv": "1003", "file": "1004"], "8082"),
        (.bigModel, ["flag": "m-flag", "environment": "m-env", "dotEnv": "m-dotenv", "file": "m-file"], "gpt-4.1"),
        (.openAIAPIKey, ["flag": "k-flag", "environment": "k-env", "dotEnv": "k-dotenv", "file": "k-file"], nil),
        (.channel("work", .baseURL), ["flag": "http://f", "environment": "http://e", "dotEnv": "http://d", "file": "http://file"], nil),
    ]

    @Test(arguments: 0..<cases.count)
    func eachSourceHidesTheWeakerOnesAndIsNamed(index: Int) throws {
        let (setting, values, defaultValue) = Self.cases[index]
        var sources: Set<String> = ["flag", "environment", "dotEnv", "file"]
        let expected: [(source: String, value: String?, provenance: SettingSource)] = [
            ("flag", values["flag"], .flag), ("environment", values["environment"], .environment),
            ("dotEnv", values["dotEnv"], .dotEnv(path: "config/.env")), ("file", values["file"], .file(path: "proxy.yaml")),
        ]
        for (source, value, provenance) in expected {
            let layered = try settings(setting, from: sources, values: values)
            #expect(layered.value(setting) == value, "\(setting.key) with \(sources.sorted())")
            #expect(layered.source(setting) == provenance, "\(setting.key) with \(sources.sorted())")
            sources.remove(source)
        }
        let none = try settings(setting, from: [], values: values)
        #expect(none.value(setting) == defaultValue)
        #expect(none.source(setting) == .default)
    }

    @Test func aBlankValueHidesWeakerSourcesAndLeavesTheDefault() throws {
        let file = try ConfigurationFile(path: "proxy.yaml", text: "server: {port: 9000}", variables: [:])
        let settings = LayeredSettings(environment: ["PORT": "  "], dotEnv: ["PORT": "9001"], file: file)
        #expect(settings.value(.port) == "8082")
        #expect(settings.source(.port) == .default)
    }

    @Test func derivedDefaultsFollowTheSettingsTheyDependOn() throws {
        let file = try ConfigurationFile(path: "proxy.yaml", text: "preferred_provider: google\nmodels: {big: gemini/x}", variables: [:])
        let settings = LayeredSettings(environment: [:], file: file)
        #expect(settings.value(.smallModel) == "gemini-2.5-flash")
        #expect(settings.value(.opusModel) == "gemini/x")
        #expect(settings.source(.opusModel) == .default)
    }

    @Test func channelsAreGatheredFromEverySource() throws {
        let file = try ConfigurationFile(path: "proxy.yaml", text: "channels: {filed: {base_url: 'http://f/v1'}}", variables: [:])
        let settings = LayeredSettings(environment: ["CHANNEL_ENVIRONED_BASE_URL": "http://e/v1"], dotEnv: ["CHANNEL_Dotted_API": "chat"], file: file)
        #expect(settings.channelNames == ["dotted", "environed", "filed"])
    }

    @Test func pinnedValuesWinAndKeepTheirSources() throws {
        let running = LayeredSettings(flags: ["PORT": "9000"], environment: ["BIG_MODEL": "old"])
        let next = LayeredSettings(environment: ["PORT": "9100", "BIG_MODEL": "new"]).pinning(running.resolved.filter(\.setting.needsRestart))
        #expect(next.value(.port) == "9000")
        #expect(next.source(.port) == .flag)
        #expect(next.value(.host) == "127.0.0.1")
        #expect(next.source(.host) == .default)
        #expect(next.value(.bigModel) == "new")
    }

    @Test func errorsNameTheFileAndKeyForFileValuesAndTheVariableOtherwise() throws {
        let file = try ConfigurationFile(path: "conf/proxy.yaml", text: "server: {port: x}", variables: [:])
        #expect(throws: ConfigurationError(variable: "conf/proxy.yaml: server.port", problem: "'x' is not a port number (1-65535)")) {
            try ProxyConfiguration(settings: LayeredSettings(environment: [:], file: file))
        }
        #expect(throws: ConfigurationError(variable: "PORT", problem: "'y' is not a port number (1-65535)")) {
            try ProxyConfiguration(settings: LayeredSettings(environment: [:], dotEnv: ["PORT": "y"], file: file))
        }
    }

    @Test func aChannelDefinedInTheFileIsNamedByItsKeysWhenItLacksAURL() throws {
        let file = try ConfigurationFile(path: "proxy.yaml", text: "channels: {lab: {provider: vllm}}", variables: [:])
        #expect(
            throws: ConfigurationError(
                variable: "proxy.yaml: channels.lab.base_url",
                problem: "required for the channel 'lab' (or providers.vllm.base_url: the vllm provider has no default)")
        ) {
            try ProxyConfiguration(settings: LayeredSettings(environment: [:], file: file))
        }
    }
}
