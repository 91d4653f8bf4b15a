/// The first line of `doctor`: whether the configuration loads, and where its values came from.
extension DoctorCheck {
    /// ✓ with how many values each source gave (`anthropic-proxy.yaml: 5, environment: 2`).
    package static func configuration(_ settings: LayeredSettings) -> DoctorCheck {
        var counts: [(source: String, count: Int)] = []
        for resolved in settings.resolved where resolved.value != nil && resolved.source != .default {
            let source = resolved.source.description
            if let index = counts.firstIndex(where: { $0.source == source }) {
                counts[index].count += 1
            } else {
                counts.append((source, 1))
            }
        }
        let sources = counts.map { "\($0.source): \($0.count)" }.joined(separator: ", ")
        let detail = counts.isEmpty ? "valid (every value a default)" : "valid (\(sources); the rest defaults; `anthropic-proxy config check` lists each)"
        return DoctorCheck(.ok, "Configuration", detail)
    }

    /// ✗ naming the setting start-up would refuse.
    package static func configuration(_ error: ConfigurationError) -> DoctorCheck {
        DoctorCheck(.failure, "Configuration", "invalid setting \(error)", fix: "Fix it: start-up refuses it too.")
    }
}
