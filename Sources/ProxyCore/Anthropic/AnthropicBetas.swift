/// The betas a request names in its `anthropic-beta` headers, each a comma-separated list.
package struct AnthropicBetas: Sendable, Equatable {
    private let names: Set<String>

    /// - Parameter headerValues: every `anthropic-beta` header value the request has.
    package init(headerValues: [String]) {
        names = Set(headerValues.flatMap { $0.split(separator: ",") }.map { String($0.filter { !$0.isWhitespace }) })
    }

    package func contains(_ beta: String) -> Bool {
        names.contains(beta)
    }
}
