import ProxyCore

/// A validated configuration, with where each of its values came from.
package struct LoadedConfiguration: Sendable {
    package let configuration: ProxyConfiguration
    /// Every setting's value and source.
    package let settings: LayeredSettings
    /// The configuration file read, as it was named; `nil` when there is none.
    package let filePath: String?

    package init(settings: LayeredSettings, filePath: String?) throws(ConfigurationError) {
        configuration = try ProxyConfiguration(settings: settings)
        self.settings = settings
        self.filePath = filePath
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
}

extension String {
    fileprivate func padded(to length: Int) -> String {
        self + String(repeating: " ", count: max(length - count, 0))
    }
}
