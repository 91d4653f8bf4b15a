/// The models a client key may use, as `keys create --models "sonnet,haiku,openai/*"` lists them.
/// A pattern allows a request when it matches the model the client named or the target it is
/// routed to (`provider/model`, or the model alone): `*` stands for any characters; a bare word
/// such as `sonnet` also matches any Claude name with that word (`claude-sonnet-4-6`).
package struct ModelAllowList: Sendable, Equatable {
    package let patterns: [String]

    package init(_ patterns: [String]) {
        self.patterns = patterns
    }

    package var allowsEverything: Bool { patterns.isEmpty || patterns.contains("*") }

    package func allows(clientModel: String, target: RouteTarget) -> Bool {
        allowsEverything
            || patterns.contains { pattern in
                [clientModel, target.qualifiedModel, target.model].contains { Self.matches(pattern, $0) }
                    || (!pattern.contains("*") && !pattern.contains("/") && clientModel.split(separator: "-").contains { $0 == pattern })
            }
    }

    /// Whether `text` matches `pattern`, case-insensitively, `*` matching any run of characters.
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let parts = pattern.lowercased().split(separator: "*", omittingEmptySubsequences: false)
        var rest = Substring(text.lowercased())
        guard let first = parts.first, rest.hasPrefix(first) else { return false }
        rest = rest.dropFirst(first.count)
        if parts.count == 1 { return rest.isEmpty }
        for (index, part) in parts.enumerated().dropFirst() {
            if index == parts.count - 1 { return part.isEmpty || rest.hasSuffix(part) }
            guard let found = rest.range(of: part) else { return false }
            rest = rest[found.upperBound...]
        }
        return true
    }
}
