import ProxyCore

/// Where instances sharing a database post the explicit prompt caches they made upstream, so that
/// a session served by several instances uses one cache (PostgreSQL's `explicit_caches`). A cache
/// is named by its scope, a digest of its upstream, key fingerprint and fixed prefix: never a key.
protocol ExplicitCacheBoard: Sendable {
    /// Posts a cache; does not wait.
    func post(_ cache: ExplicitCacheEntry, scope: String)
    /// Takes down a cache found gone; does not wait.
    func withdraw(_ name: String)
    /// The caches posted that have not expired at `now`, with their scopes.
    func caches(at now: UTCTime) async throws -> [(scope: String, cache: ExplicitCacheEntry)]
}

extension PostgresUsageStore: ExplicitCacheBoard {
    func post(_ cache: ExplicitCacheEntry, scope: String) {
        Task {
            _ = try? await rows(
                """
                INSERT INTO explicit_caches (name, scope, digest, content_count, tokens, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (name) DO NOTHING
                """,
                [.text(cache.name), .text(scope), .text(cache.digest), .integer(Int64(cache.contentCount)), .integer(Int64(cache.tokens)), .text(cache.expiresAt.iso8601)])
        }
    }

    func withdraw(_ name: String) {
        Task { _ = try? await rows("DELETE FROM explicit_caches WHERE name = $1", [.text(name)]) }
    }

    func caches(at now: UTCTime) async throws -> [(scope: String, cache: ExplicitCacheEntry)] {
        _ = try await rows("DELETE FROM explicit_caches WHERE expires_at <= $1", [.text(now.iso8601)])
        return try await rows("SELECT name, scope, digest, content_count, tokens, expires_at FROM explicit_caches", []).compactMap { row in
            guard let name = row.text("name"), let scope = row.text("scope"), let digest = row.text("digest"), let count = row.integer("content_count"),
                let tokens = row.integer("tokens"), let expiresAt = row.text("expires_at").flatMap(UTCTime.init(iso8601:))
            else { return nil }
            return (scope, ExplicitCacheEntry(name: name, digest: digest, contentCount: count, tokens: tokens, expiresAt: expiresAt))
        }
    }
}
