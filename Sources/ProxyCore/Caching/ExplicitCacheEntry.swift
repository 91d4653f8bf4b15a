/// An explicit prompt cache the upstream holds: its name, what it holds (see
/// `ExplicitCachePrefix.digests`) and until when.
package struct ExplicitCacheEntry: Sendable, Equatable {
    /// The upstream's name for it (`cachedContents/abc123`).
    package var name: String
    /// The digest of what it holds, and how many contents that is.
    package var digest: String
    package var contentCount: Int
    /// Its size as the upstream counted it when it was created (or as estimated).
    package var tokens: Int
    package var expiresAt: UTCTime

    package init(name: String, digest: String, contentCount: Int, tokens: Int, expiresAt: UTCTime) {
        self.name = name
        self.digest = digest
        self.contentCount = contentCount
        self.tokens = tokens
        self.expiresAt = expiresAt
    }
}
