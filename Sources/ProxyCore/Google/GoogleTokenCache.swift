/// The access token in hand and whether it is still good to send: it is replaced 5 minutes before
/// it expires, so that none expires on its way to Google or during a long request.
package struct GoogleTokenCache: Sendable {
    package static let refreshMarginMilliseconds: Int64 = 5 * 60 * 1000

    package enum Decision: Sendable, Equatable {
        case use(GoogleAccessToken)
        case refresh
    }

    private var token: GoogleAccessToken?
    /// When a token lives for less than twice the margin (the metadata server may hand out one it
    /// has held a while), it is kept for half its life instead, rather than refreshed on every call.
    private var margin: Int64 = 0

    package init() {}

    package func decision(now: UTCTime) -> Decision {
        guard let token, now.millisecondsSince1970 < token.expiresAt.millisecondsSince1970 - margin else { return .refresh }
        return .use(token)
    }

    /// Lets go of `value` when it is the token in hand (the upstream refused it before its
    /// expiry: revoked, or the account changed), so that the next call fetches another.
    package mutating func discard(_ value: String) {
        if token?.value == value { token = nil }
    }

    /// Keeps a token that arrived at `receivedAt`.
    package mutating func store(_ token: GoogleAccessToken, receivedAt: UTCTime) {
        self.token = token
        margin = min(Self.refreshMarginMilliseconds, max(0, token.expiresAt.millisecondsSince1970 - receivedAt.millisecondsSince1970) / 2)
    }
}
