import Foundation
import ProxyCore
import ProxyServer
import Testing

/// Finding and reading the sources: which configuration file, which `.env`, and the precedence of
/// flags, environment, `.env`, file and defaults, with where each value came from.
@Suite struct ConfigurationLoaderTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    private func loader(flags: [String: String] = [:], configFile: String? = nil, envFile: String? = nil, environment: [String: String] = [:]) -> ConfigurationLoader {
        ConfigurationLoader(flags: flags, configFile: configFile, envFile: envFile, environment: environment, workingDirectory: directory.path)
    }

    private func loadError(_ loader: ConfigurationLoader) -> ConfigurationError? {
        do {
            _ = try loader.load()
            return nil
        } catch {
            return error
        }
    }

    @Test func flagsThenEnvironmentThenDotEnvThenFileThenDefaults() throws {
        try directory.write(".env", "PORT=9003\nSMALL_MODEL=small-from-dotenv\nLOG_LEVEL=warning\n")
        try directory.write("anthropic-proxy.yaml", "server: {port: 9004, host: 10.0.0.4}\nmodels: {small: s-file, big: b-file, opus: o-file}\nlogging: {level: error}\n")
        let loaded = try loader(flags: ["PORT": "9001"], environment: ["PORT": "9002", "BIG_MODEL": "big-from-env", "SMALL_MODEL": "s-env"]).load()
        let expected: [(ConfigurationSetting, String, SettingSource)] = [
            (.port, "9001", .flag), (.bigModel, "big-from-env", .environment), (.logLevel, "warning", .dotEnv(path: ".env")),
            (.host, "10.0.0.4", .file(path: "anthropic-proxy.yaml")), (.maxRetries, "2", .default),
        ]
        for (setting, value, source) in expected {
            #expect(loaded.settings.value(setting) == value, "\(setting.key)")
            #expect(loaded.settings.source(setting) == source, "\(setting.key)")
        }
        #expect(loaded.settings.value(.smallModel) == "s-env")
        #expect(loaded.settings.value(.opusModel) == "o-file")
        #expect(loaded.configuration.port == 9001)
        #expect(loaded.filePath == "anthropic-proxy.yaml")
        #expect(loaded.watchedFiles == ["\(directory.path)/anthropic-proxy.yaml", "\(directory.path)/.env"])
    }

    @Test func theFileIsFoundAsYAMLThenJSONInTheWorkingDirectory() throws {
        #expect(try loader().load().filePath == nil)
        try directory.write("anthropic-proxy.json", #"{"server": {"port": 9200}}"#)
        #expect(try loader().load().configuration.port == 9200)
        try directory.write("anthropic-proxy.yaml", "server:\n  port: 9300\n")
        let loaded = try loader().load()
        #expect(loaded.filePath == "anthropic-proxy.yaml")
        #expect(loaded.configuration.port == 9300)
    }

    @Test func configFileOrCONFIG_FILENamesTheFile() throws {
        try directory.write("custom.json", #"{"models": {"big": "from-custom"}}"#)
        try directory.write("other.yaml", "models: {big: from-other}")
        try directory.write("anthropic-proxy.yaml", "models: {big: from-default}")
        #expect(try loader(configFile: "custom.json").load().configuration.bigModel == "from-custom")
        #expect(try loader(environment: ["CONFIG_FILE": "other.yaml"]).load().configuration.bigModel == "from-other")
        #expect(try loader(configFile: "\(directory.path)/custom.json", environment: ["CONFIG_FILE": "other.yaml"]).load().configuration.bigModel == "from-custom")
        try directory.write(".env", "CONFIG_FILE=other.yaml\n")
        #expect(try loader().load().filePath == "other.yaml")
    }

    @Test func aNamedFileThatIsMissingIsAnError() throws {
        #expect(loadError(loader(configFile: "missing.yaml")) == ConfigurationError(variable: "--config", problem: "missing.yaml does not exist"))
        #expect(loadError(loader(environment: ["CONFIG_FILE": "gone.json"])) == ConfigurationError(variable: "CONFIG_FILE", problem: "gone.json does not exist"))
        #expect(loadError(loader(envFile: "prod.env")) == ConfigurationError(variable: "--env-file", problem: "prod.env does not exist"))
    }

    @Test func envFileReplacesDotEnv() throws {
        try directory.write(".env", "BIG_MODEL=from-dotenv\n")
        try directory.write("prod.env", "BIG_MODEL=from-prod\n")
        let loaded = try loader(envFile: "prod.env").load()
        #expect(loaded.configuration.bigModel == "from-prod")
        #expect(loaded.settings.source(.bigModel) == .dotEnv(path: "prod.env"))
    }

    @Test func fileVariablesAreReadFromTheEnvironmentOverDotEnv() throws {
        try directory.write(".env", "WORK_KEY=from-dotenv\nLAB_KEY=lab-from-dotenv\n")
        try directory.write("anthropic-proxy.yaml", "channels:\n  work: {provider: openrouter, api_key: '${WORK_KEY}'}\n  lab: {base_url: 'http://lab/v1', api_key: '${LAB_KEY}'}\n")
        let configuration = try loader(environment: ["WORK_KEY": "from-environment"]).load().configuration
        #expect(configuration.channels["work"]?.apiKeys == ["from-environment"])
        #expect(configuration.channels["lab"]?.apiKeys == ["lab-from-dotenv"])
    }

    @Test func aBrokenFileStopsTheLoadNamingFileAndKey() throws {
        try directory.write("anthropic-proxy.yaml", "server:\n  port: x\n")
        #expect(loadError(loader()) == ConfigurationError(variable: "anthropic-proxy.yaml: server.port", problem: "'x' is not a port number (1-65535)"))
        try directory.write("anthropic-proxy.yaml", "server: {port: 1\n")
        #expect(loadError(loader())?.variable == "anthropic-proxy.yaml")
        #expect(loadError(loader())?.problem.hasPrefix("not valid YAML: line 2") == true)
    }
}
