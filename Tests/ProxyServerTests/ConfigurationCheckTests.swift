import Foundation
import ProxyCore
import ProxyServer
import Testing

/// `anthropic-proxy config check`: the effective configuration with every secret redacted and the
/// source of every value, or the problem; and the repository's example file passes it.
@Suite struct ConfigurationCheckTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test func theListingRedactsEverySecretAndSaysWhereEachValueCameFrom() throws {
        try directory.write(".env", "GEMINI_API_KEY=gemini-secret-from-dotenv\n")
        try directory.write(
            "anthropic-proxy.yaml", "providers:\n  openai: {api_key: '${TEAM_OPENAI_KEY}'}\nchannels:\n  lab: {base_url: 'http://127.0.0.1:1/v1', api_key: lab-secret-in-file}\n")
        let loader = ConfigurationLoader(
            flags: ["PORT": "9123"], environment: ["TEAM_OPENAI_KEY": "sk-openai-secret", "PROXY_API_KEY": "proxy-secret", "BIG_MODEL": "openai/gpt-5"],
            workingDirectory: directory.path)
        let outcome = ConfigurationCheck.run(loader)
        #expect(outcome.isValid)
        for secret in ["sk-openai-secret", "proxy-secret", "gemini-secret-from-dotenv", "lab-secret-in-file"] {
            #expect(!outcome.text.contains(secret), "\(secret)")
        }
        let lines = outcome.text.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(lines.contains(["server.port", "PORT", "flag", "9123"]))
        #expect(lines.contains(["server.proxy_api_key", "PROXY_API_KEY", "environment", "<redacted>"]))
        #expect(lines.contains(["models.big", "BIG_MODEL", "environment", "openai/gpt-5"]))
        #expect(lines.contains(["providers.gemini.api_key", "GEMINI_API_KEY", ".env", "<redacted>"]))
        #expect(lines.contains(["providers.openai.api_key", "OPENAI_API_KEY", "anthropic-proxy.yaml", "<redacted>"]))
        #expect(lines.contains(["channels.lab.api_key", "CHANNEL_LAB_API_KEY", "anthropic-proxy.yaml", "<redacted>"]))
        #expect(lines.contains(["server.host", "HOST", "default", "127.0.0.1"]))
        #expect(outcome.text.hasSuffix("The configuration is valid (file: anthropic-proxy.yaml)."))
    }

    @Test func aBadFileIsNotValidAndTheProblemNamesFileAndKey() throws {
        try directory.write("anthropic-proxy.yaml", "server:\n  proxy_api_key: proxy-secret\n  port: x\n")
        let outcome = ConfigurationCheck.run(ConfigurationLoader(environment: [:], workingDirectory: directory.path))
        #expect(!outcome.isValid)
        #expect(outcome.text == "anthropic-proxy: invalid setting anthropic-proxy.yaml: server.port: 'x' is not a port number (1-65535)")
    }

    @Test func theExampleFilePasses() throws {
        let loader = ConfigurationLoader(
            configFile: "anthropic-proxy.example.yaml", envFile: "/dev/null", environment: ["OPENAI_API_KEY": "sk-example"], workingDirectory: Self.repositoryRoot)
        let outcome = ConfigurationCheck.run(loader)
        #expect(outcome.isValid, "\(outcome.text)")
        let loaded = try loader.load()
        // It shows every group of settings, channels included.
        let keysItSets = Set(loaded.settings.resolved.filter { $0.source == .file(path: "anthropic-proxy.example.yaml") }.map { $0.setting.keyPath[0] })
        #expect(keysItSets == ["server", "preferred_provider", "models", "providers", "channels", "reliability", "limits", "prices", "usage", "metrics", "logging"])
    }
}
