import Foundation
import ProxyCore
import ProxyServer
import Testing

/// The README says what the settings table says: every setting's row names its file key, and the
/// configuration file example there is valid.
@Suite struct ConfigurationDocumentationTests {
    static let readme = (try? String(contentsOfFile: "\(ConfigurationCheckTests.repositoryRoot)/README.md", encoding: .utf8)) ?? ""

    @Test func everySettingsRowNamesItsVariableAndFileKey() {
        let rows = Self.readme.split(separator: "\n").filter { $0.hasPrefix("| `") }
        // `<PROVIDER>_BASE_URL` stands for the ready-made providers' URLs (Azure's has a row of its own).
        let patterned = Set(ProviderPreset.all.filter { $0.name != "azure" }.map { ConfigurationSetting.presetBaseURL($0).variable })
        for setting in ConfigurationSetting.fixed where !patterned.contains(setting.variable) {
            #expect(rows.contains { $0.contains("`\(setting.variable)`") && $0.contains("`\(setting.key)`") }, "\(setting.variable)")
        }
    }

    @Test func theConfigurationFileExampleIsValid() throws {
        let section = try #require(Self.readme.range(of: "### Configuration file"))
        let start = try #require(Self.readme.range(of: "```yaml\n", range: section.upperBound..<Self.readme.endIndex))
        let end = try #require(Self.readme.range(of: "```", range: start.upperBound..<Self.readme.endIndex))
        let directory = try TemporaryDirectory()
        try directory.write("anthropic-proxy.yaml", String(Self.readme[start.upperBound..<end.lowerBound]))
        let variables = ["PROXY_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY", "DEEPSEEK_KEY_1", "DEEPSEEK_KEY_2", "WORK_OPENROUTER_KEY"]
        let loader = ConfigurationLoader(environment: Dictionary(uniqueKeysWithValues: variables.map { ($0, "value-of-\($0)") }), workingDirectory: directory.path)
        let outcome = ConfigurationCheck.run(loader)
        #expect(outcome.isValid, "\(outcome.text)")
        #expect(try loader.load().configuration.channels.keys.sorted() == ["lab", "work"])
    }
}
