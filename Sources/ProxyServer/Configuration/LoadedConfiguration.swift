import Foundation
import ProxyCore

/// A validated configuration, with where each of its values came from.
package struct LoadedConfiguration: Sendable {
    package let configuration: ProxyConfiguration
    /// Every setting's value and source.
    package let settings: LayeredSettings
    /// The configuration file read, as it was named; `nil` when there is none.
    package let filePath: String?
    /// The files it was read from (the configuration file, `.env`, present or not), resolved: a
    /// change to one is a reason to load again.
    package let watchedFiles: [String]

    package init(settings: LayeredSettings, filePath: String?, watchedFiles: [String]) throws(ConfigurationError) {
        var configuration = try ProxyConfiguration(settings: settings)
        // As Google's clients do: Vertex AI's project is the credentials' own when none is named.
        let environment = ProcessInfo.processInfo.environment
        if configuration.vertex.project == nil, configuration.usesVertex {
            configuration.vertex.project = GoogleCredentials.project(inCredentialsFile: configuration.vertex.credentialsFile, environment: environment)
        }
        for (name, channel) in configuration.channels {
            guard let vertex = channel.vertex, vertex.project == nil else { continue }
            configuration.channels[name]?.vertex?.project = GoogleCredentials.project(inCredentialsFile: vertex.credentialsFile, environment: environment)
        }
        self.configuration = configuration
        self.settings = settings
        self.filePath = filePath
        self.watchedFiles = watchedFiles
    }

    /// Every setting that has a value, one a line: its file key, its variable, where the value
    /// came from, and the value, with every secret redacted.
    package var listing: String {
        let rows = [["key", "variable", "source", "value"]]
            + settings.resolved.filter { $0.value != nil }.map { [$0.setting.key, $0.setting.variable, $0.source.description, $0.printableValue] }
        let widths = (0..<3).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            (0..<3).map { row[$0].padded(to: widths[$0]) }.joined(separator: "  ") + "  " + row[3]
        }.joined(separator: "\n")
    }

    /// The settings whose values differ in `other`, including those only one of them has.
    package func changedSettings(since other: LoadedConfiguration) -> [ConfigurationSetting] {
        let keys = Set(settings.resolved.map(\.setting.key))
        let all = settings.resolved.map(\.setting) + other.settings.resolved.map(\.setting).filter { !keys.contains($0.key) }
        return all.filter { settings.value($0) != other.settings.value($0) }
    }

    /// This configuration with `running`'s values for the settings that need a restart, which a
    /// running server cannot take.
    package func keepingRestartOnlySettings(of running: LoadedConfiguration) throws(ConfigurationError) -> LoadedConfiguration {
        let pinned = running.settings.resolved.filter(\.setting.needsRestart)
        return try LoadedConfiguration(settings: settings.pinning(pinned), filePath: filePath, watchedFiles: watchedFiles)
    }
}

extension String {
    fileprivate func padded(to length: Int) -> String {
        self + String(repeating: " ", count: max(length - count, 0))
    }
}
