/// The one line start-up prints once the proxy listens: where, which model answers each of
/// Claude's names, and how to point Claude Code at it.
package enum ReadyLine {
    package static func text(address: String, configuration: ProxyConfiguration) -> String {
        let router = ModelRouter(configuration: configuration)
        let mapping = ["opus", "sonnet", "haiku"].map { name in
            "\(name) → \((try? router.route(name).qualifiedModel) ?? "not servable (see the warning above)")"
        }
        return "Ready on \(address): \(mapping.joined(separator: ", ")). Claude Code: ANTHROPIC_BASE_URL=\(address) claude, or anthropic-proxy claude"
    }
}
