/// The proxy's version, said once: by `anthropic-proxy --version`, by `GET /`, and by `doctor`.
package enum ProxyVersion {
    package static let current = "0.1.0"
}
