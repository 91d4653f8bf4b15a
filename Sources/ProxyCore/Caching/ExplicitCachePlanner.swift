/// Chooses how a request uses an upstream's explicit prompt cache: through a cache that holds a
/// prefix of it, by creating one for its prefix first, or not at all.
///
/// A live cache (not within `expiryMargin` of its end) that holds the longest prefix of the request
/// serves it. A new cache is made when none does and the prefix is at least the upstream's minimum,
/// or when the conversation has grown to twice what the best cache holds (the part sent uncached
/// every turn is then as large as the cached one); a session's caches thus grow in a few steps, not
/// one per turn, and each creation is paid once.
package struct ExplicitCachePlanner: Sendable {
    package enum Plan: Sendable, Equatable {
        /// Send the request as it is.
        case plain
        /// Serve it from this cache.
        case use(ExplicitCacheEntry)
        /// Create a cache of the first `contentCount` contents, then serve it from that.
        case create(contentCount: Int)
    }

    /// A cache this close to its end is not used: it might expire on the way.
    package static let expiryMargin = Duration.seconds(15)

    package init() {}

    package func plan(_ prefix: ExplicitCachePrefix, caches: [ExplicitCacheEntry], now: UTCTime) -> Plan {
        let margin = expiryMargin(milliseconds: Self.expiryMargin)
        let best = caches
            .filter { $0.expiresAt.millisecondsSince1970 - now.millisecondsSince1970 > margin && $0.contentCount < prefix.digests.count }
            .filter { prefix.digests[$0.contentCount] == $0.digest }
            .max { $0.contentCount < $1.contentCount }
        guard prefix.estimatedTokens >= prefix.minimumTokens else { return best.map(Plan.use) ?? .plain }
        guard let best else { return .create(contentCount: prefix.contentCount) }
        if prefix.contentCount > best.contentCount, prefix.estimatedTokens >= 2 * max(best.tokens, 1) {
            return .create(contentCount: prefix.contentCount)
        }
        return .use(best)
    }

    private func expiryMargin(milliseconds duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
