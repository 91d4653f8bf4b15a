/// Whether the proxy may start on the address it is configured for. Anyone who reaches an open
/// proxy spends its upstream keys, so an address other machines can reach needs a key that
/// clients must present (`PROXY_API_KEY` or a client key), unless the operator says in so many
/// words that it needs none (`ALLOW_UNAUTHENTICATED`, `--allow-unauthenticated`).
package enum ExposureCheck {
    /// Whether `host` answers this machine only: `localhost`, `::1` or an address in 127.0.0.0/8.
    package static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        if ["localhost", "::1", "[::1]"].contains(host) { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.first == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// Why start-up must stop, in one line naming what to set; `nil` when it may go on.
    /// - Parameters:
    ///   - hasClientKeys: whether the usage database holds a client key.
    ///   - clientKeysProblem: why the client keys could not be read, when they could not.
    package static func refusal(_ configuration: ProxyConfiguration, hasClientKeys: Bool, clientKeysProblem: String? = nil) -> String? {
        problem(configuration, hasClientKeys: hasClientKeys, clientKeysProblem: clientKeysProblem).map { "anthropic-proxy: not starting: \($0)" }
    }

    /// What is wrong with the address, naming what to set (`doctor` says it as a check); `nil` when
    /// nothing is.
    package static func problem(_ configuration: ProxyConfiguration, hasClientKeys: Bool, clientKeysProblem: String? = nil) -> String? {
        guard !isLoopback(configuration.host), configuration.proxyAPIKey == nil, !hasClientKeys, !configuration.allowUnauthenticated else {
            return nil
        }
        return "HOST \(configuration.host) can be reached from other machines and no key protects the proxy, "
            + "so anyone there could spend its upstream keys. Set PROXY_API_KEY, or make a client key with `anthropic-proxy keys create NAME`; "
            + "to serve without a key (on a network you trust), pass --allow-unauthenticated or set ALLOW_UNAUTHENTICATED=true."
            + (clientKeysProblem.map { " (The client keys could not be read from the usage database: \($0).)" } ?? "")
    }
}
