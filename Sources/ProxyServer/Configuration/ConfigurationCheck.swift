import ProxyCore

/// `anthropic-proxy config check`: loads the configuration exactly as start-up does and shows
/// the result, every secret redacted.
package enum ConfigurationCheck {
    package struct Outcome: Sendable {
        /// The effective configuration and where each value came from; or the problem.
        package let text: String
        package let isValid: Bool
    }

    package static func run(_ loader: ConfigurationLoader) -> Outcome {
        let loaded: LoadedConfiguration
        do {
            loaded = try loader.load()
        } catch {
            return Outcome(text: failureMessage(error), isValid: false)
        }
        var lines = [loaded.listing, ""]
        if let warning = ProxyServer.startupWarning(loaded.configuration) { lines.append("warning: \(warning)") }
        lines.append("The configuration is valid (\(loaded.filePath.map { "file: \($0)" } ?? "no configuration file")).")
        return Outcome(text: lines.joined(separator: "\n"), isValid: true)
    }

    /// The line start-up and the check print for a configuration that does not load.
    package static func failureMessage(_ error: ConfigurationError) -> String {
        "anthropic-proxy: invalid setting \(error)"
    }
}
