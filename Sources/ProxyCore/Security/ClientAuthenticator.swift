/// Checks that a client presents the proxy's own key (`PROXY_API_KEY`), as `x-api-key` (Claude
/// Code with ANTHROPIC_API_KEY) or `Authorization: Bearer` (ANTHROPIC_AUTH_TOKEN, and the Python
/// SDK), comparing in constant time so that response timing reveals nothing of the key.
package struct ClientAuthenticator: Sendable {
    private let expected: [UInt8]?

    /// - Parameter proxyAPIKey: the key clients must present; `nil` lets every client in.
    package init(proxyAPIKey: String?) {
        expected = proxyAPIKey.map { Array($0.utf8) }
    }

    /// `nil` when the client may go on, else the 401 to answer with.
    package func check(apiKeyHeader: String?, authorizationHeader: String?) -> AnthropicError? {
        guard let expected else { return nil }
        let presented = Self.presentedKeys(apiKeyHeader: apiKeyHeader, authorizationHeader: authorizationHeader)
        if presented.contains(where: { Self.constantTimeEquals(Array($0.utf8), expected) }) { return nil }
        let problem = presented.isEmpty ? "no key was sent" : "the key sent is not the proxy's key"
        return AnthropicError(
            .authentication,
            "This proxy requires its PROXY_API_KEY and \(problem). Send it as the x-api-key header or as Authorization: Bearer (in Claude Code: ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN).")
    }

    /// The keys a request presents: its `x-api-key` and its `Authorization: Bearer` token.
    static func presentedKeys(apiKeyHeader: String?, authorizationHeader: String?) -> [String] {
        let bearer = authorizationHeader.flatMap { header -> String? in
            let prefix = "bearer "
            guard header.count > prefix.count, header.lowercased().hasPrefix(prefix) else { return nil }
            return String(header.dropFirst(prefix.count)).trimmingWhitespace()
        }
        return [apiKeyHeader, bearer].compactMap { $0 }
    }

    /// Compares every byte whatever the first difference, so the time taken depends only on the
    /// lengths.
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: lhs.count ^ rhs.count)
        for index in 0..<max(lhs.count, rhs.count) {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0 && lhs.count == rhs.count
    }
}
