extension MessagesRequest {
    /// A tool Anthropic runs on its side (`web_search_20250305`, `web_fetch_20250910`, and later
    /// versions of the same shape). The proxy has it run by the upstream's own search, or says
    /// plainly where it cannot; it never searches or fetches itself.
    package struct ServerTool: Sendable, Equatable {
        package enum Kind: Sendable, Equatable {
            case webSearch
            case webFetch
        }

        package var kind: Kind
        /// The versioned type the client sent (`web_search_20250305`).
        package var type: String
        /// The name the model calls it by (`web_search`).
        package var name: String
        /// How many times one reply may use it; nil is no limit.
        package var maxUses: Int?
        /// Domains results must come from (subdomains included); empty allows every domain.
        package var allowedDomains: [String]
        /// Domains results must not come from.
        package var blockedDomains: [String]
        /// Anthropic's `user_location` (`{"type":"approximate","city":…,"country":…}`), passed on
        /// where the upstream takes one.
        package var userLocation: JSONValue?

        package init(
            kind: Kind, type: String, name: String, maxUses: Int? = nil, allowedDomains: [String] = [], blockedDomains: [String] = [],
            userLocation: JSONValue? = nil
        ) {
            self.kind = kind
            self.type = type
            self.name = name
            self.maxUses = maxUses
            self.allowedDomains = allowedDomains
            self.blockedDomains = blockedDomains
            self.userLocation = userLocation
        }

        /// Whether a result at `url` may be shown: its host is within an allowed domain (when any
        /// are listed) and within no blocked one. A domain may carry a path (`example.com/blog`).
        package func allows(url: String) -> Bool {
            let address = Self.withoutScheme(url)
            if !allowedDomains.isEmpty, !allowedDomains.contains(where: { Self.address(address, isWithin: $0) }) { return false }
            return !blockedDomains.contains { Self.address(address, isWithin: $0) }
        }

        /// Whether `host` (a bare domain, as Gemini gives in a result's title) is allowed.
        package func allows(host: String) -> Bool {
            allows(url: host.lowercased())
        }

        private static func withoutScheme(_ url: String) -> Substring {
            let lowered = url.lowercased()[...]
            guard let range = lowered.firstRange(of: "://") else { return lowered }
            return lowered[range.upperBound...]
        }

        private static func address(_ address: Substring, isWithin domain: String) -> Bool {
            let domain = withoutScheme(domain)
            let domainHost = domain.prefix { $0 != "/" }
            let domainPath = domain.dropFirst(domainHost.count)
            let host = address.prefix { $0 != "/" && $0 != "?" && $0 != "#" && $0 != ":" }
            let path = address.drop { $0 != "/" && $0 != "?" && $0 != "#" }
            let hostMatches = host == domainHost || host.hasSuffix("." + domainHost)
            return hostMatches && (domainPath.isEmpty || path.hasPrefix(domainPath))
        }
    }

    /// The web search tool the request declares, if any.
    package var webSearch: ServerTool? { serverTools.first { $0.kind == .webSearch } }
    /// The web fetch tool the request declares, if any.
    package var webFetch: ServerTool? { serverTools.first { $0.kind == .webFetch } }
}
