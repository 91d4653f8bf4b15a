/// Checks that a client presents the proxy's own key (`PROXY_API_KEY`), as `x-api-key` (Claude
/// Code with ANTHROPIC_API_KEY) or `Authorization: Bearer` (ANTHROPIC_AUTH_TOKEN, and the Python
/// SDK), comparing in constant time so that response timing reveals nothing of the key.
package struct ClientAuthenticator: Sendable {
    private let expected: [UInt8]?

    /// - Parameter proxyAPIKey: the key clients must present; `nil` lets every client in.
    package init(proxyAPIKey: String?) {
        expected = proxyAPIKey.map { Array($0.utf8) }
    }

    /// Whether one of `presented` is the proxy's own key.
    package func acceptsProxyKey(_ presented: [String]) -> Bool {
        guard let expected else { return false }
        return presented.contains { Self.constantTimeEquals(Array($0.utf8), expected) }
    }

    /// The 401 for a request that presents neither the proxy's key nor a client key, when either
    /// is required; nil when the proxy is open (no `PROXY_API_KEY`, no client keys).
    package func refusal(presented: [String], clientKeysInUse: Bool) -> AnthropicError? {
        guard expected != nil || clientKeysInUse else { return nil }
        let wanted =
            switch (expected != nil, clientKeysInUse) {
            case (true, true): "a client key (sk-proxy-…, from its admin) or its PROXY_API_KEY"
            case (false, _): "a client key (sk-proxy-…, from its admin)"
            case (true, false): "its PROXY_API_KEY"
            }
        let problem = presented.isEmpty ? "no key was sent" : clientKeysInUse ? "the key sent is not one of them" : "the key sent is not it"
        return AnthropicError(
            .authentication,
            "This proxy requires \(wanted) and \(problem). Send it as the x-api-key header or as Authorization: Bearer (in Claude Code: ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN).")
    }

    /// The keys a request presents: its `x-api-key` and its `Authorization: Bearer` token.
    package static func presentedKeys(apiKeyHeader: String?, authorizationHeader: String?) -> [String] {
        let bearer = authorizationHeader.flatMap { header -> String? in
            let prefix = "bearer "
            guard header.count > prefix.count, header.lowercased().hasPrefix(prefix) else { return nil }
            return String(header.dropFirst(prefix.count)).trimmingWhitespace()
        }
        return [apiKeyHeader, bearer].compactMap { $0 }
    }

    /// Compares every byte whatever the first difference, so the time taken depends only on the
    /// lengths.
    package static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: lhs.count ^ rhs.count)
        for index in 0..<max(lhs.count, rhs.count) {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0 && lhs.count == rhs.count
    }
}
