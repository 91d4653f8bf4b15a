import ProxyCore
import Testing

/// When a Google access token in hand is used and when it is replaced, in virtual time.
@Suite struct GoogleTokenCacheTests {
    private let start = UTCTime(millisecondsSince1970: 1_767_225_600_000)

    private func at(seconds: Int64) -> UTCTime {
        UTCTime(millisecondsSince1970: start.millisecondsSince1970 + seconds * 1000)
    }

    @Test func noTokenIsRefreshed() {
        #expect(GoogleTokenCache().decision(now: start) == .refresh)
    }

    @Test func aTokenIsUsedUntilFiveMinutesBeforeItExpires() {
        let token = GoogleAccessToken(value: "ya29.a", expiresAt: at(seconds: 3600))
        var cache = GoogleTokenCache()
        cache.store(token, receivedAt: start)
        #expect(cache.decision(now: start) == .use(token))
        #expect(cache.decision(now: at(seconds: 3299)) == .use(token))
        #expect(cache.decision(now: UTCTime(millisecondsSince1970: at(seconds: 3300).millisecondsSince1970 - 1)) == .use(token))
        #expect(cache.decision(now: at(seconds: 3300)) == .refresh)
        #expect(cache.decision(now: at(seconds: 3600)) == .refresh)
        #expect(cache.decision(now: at(seconds: 7200)) == .refresh)
    }

    @Test func aRefusedTokenIsLetGoOfButNotAnother() {
        let token = GoogleAccessToken(value: "ya29.a", expiresAt: at(seconds: 3600))
        var cache = GoogleTokenCache()
        cache.store(token, receivedAt: start)
        // A token refused after the cache moved on to another must not cost the new one.
        cache.discard("ya29.older")
        #expect(cache.decision(now: start) == .use(token))
        cache.discard("ya29.a")
        #expect(cache.decision(now: start) == .refresh)
    }

    @Test func aNewTokenReplacesTheOld() {
        var cache = GoogleTokenCache()
        cache.store(GoogleAccessToken(value: "ya29.a", expiresAt: at(seconds: 3600)), receivedAt: start)
        let next = GoogleAccessToken(value: "ya29.b", expiresAt: at(seconds: 6900))
        cache.store(next, receivedAt: at(seconds: 3300))
        #expect(cache.decision(now: at(seconds: 3300)) == .use(next))
        #expect(cache.decision(now: at(seconds: 6600)) == .refresh)
    }

    @Test func aShortLivedTokenIsKeptForHalfItsLife() {
        let token = GoogleAccessToken(value: "ya29.short", expiresAt: at(seconds: 240))
        var cache = GoogleTokenCache()
        cache.store(token, receivedAt: start)
        #expect(cache.decision(now: at(seconds: 119)) == .use(token))
        #expect(cache.decision(now: at(seconds: 120)) == .refresh)
    }

    @Test func anExpiredTokenIsRefreshed() {
        var cache = GoogleTokenCache()
        cache.store(GoogleAccessToken(value: "ya29.old", expiresAt: start), receivedAt: at(seconds: 10))
        #expect(cache.decision(now: at(seconds: 10)) == .refresh)
    }
}
