/// Where a request goes and why: the route routing by need chose, its reason in words (for the
/// log and the request record), and its targets (the first, then its fallbacks).
package struct RouteChoice: Sendable, Equatable {
    /// The routes, named as the `x-proxy-route` header and the ledger show them.
    package enum Route: String, Sendable, Equatable, CaseIterable {
        /// sonnet or opus, through `BIG_MODEL` or `OPUS_MODEL`.
        case `default`
        /// haiku, through `SMALL_MODEL`: Claude Code's background calls.
        case background
        /// A model the client named itself (`openai/o3`).
        case named
        case think
        case longContext = "long_context"
        case webSearch = "web_search"
        case image

        /// Whether a rule chose it rather than the model mapping (whose route a log line's
        /// `client model → target` already shows).
        package var isByNeed: Bool {
            switch self {
            case .default, .background, .named: false
            case .think, .longContext, .webSearch, .image: true
            }
        }
    }

    package var route: Route
    package var reason: String
    package var targets: [RouteTarget]

    package init(route: Route, reason: String, targets: [RouteTarget]) {
        self.route = route
        self.reason = reason
        self.targets = targets
    }
}
