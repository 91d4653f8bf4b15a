import ProxyCore
import Testing

/// Explicit prompt caches (Gemini's `cachedContents`) in the core: the client's breakpoint, the
/// prefix a cache holds and the requests that make and use it, the planner's choice in virtual
/// time, and what a missing cache and a written one mean.
@Suite struct ExplicitCacheTests {
    private static let catalog = ModelCatalog()
    private static let target = RouteTarget(
        provider: .gemini, model: "gemini-2.5-flash", baseURL: "https://generativelanguage.googleapis.com/v1beta", apiKeys: ["k"],
        keyVariable: "GEMINI_API_KEY")

    private func prefix(_ fixture: ClaudeCodeFixture) throws -> ExplicitCachePrefix {
        let request = try MessagesRequest(json: loadClaudeCodeFixture(fixture))
        return try #require(try GeminiAdapter(request: request, target: Self.target, catalog: Self.catalog).explicitCachePrefix())
    }

    private static func at(_ seconds: Int64) -> UTCTime {
        UTCTime(millisecondsSince1970: 1_800_000_000_000 + seconds * 1000)
    }

    // MARK: - The breakpoint

    @Test func theLastBreakpointIsFoundWithItsTimeToLive() throws {
        let body = try JSONParser.parse(
            #"""
            {"tools": [{"name": "t", "input_schema": {}, "cache_control": {"type": "ephemeral"}}],
             "system": [{"type": "text", "text": "s", "cache_control": {"type": "ephemeral", "ttl": "1h"}}],
             "messages": [{"role": "user", "content": [{"type": "text", "text": "a", "cache_control": {"type": "ephemeral", "ttl": "1h"}}]},
                          {"role": "assistant", "content": "b"},
                          {"role": "user", "content": [{"type": "text", "text": "c"}]}]}
            """#)
        #expect(CacheBreakpoint(body: body) == CacheBreakpoint(messageIndex: 0, timeToLive: .seconds(3600)))
        let systemOnly = try JSONParser.parse(#"{"system": [{"type": "text", "text": "s", "cache_control": {"type": "ephemeral"}}], "messages": []}"#)
        #expect(CacheBreakpoint(body: systemOnly) == CacheBreakpoint(messageIndex: nil, timeToLive: .seconds(300)))
        #expect(CacheBreakpoint(body: try JSONParser.parse(#"{"messages": [{"role": "user", "content": "hi"}]}"#)) == nil)
        #expect(try MessagesRequest(json: loadClaudeCodeFixture(.toolResultTurn)).cacheBreakpoint == CacheBreakpoint(messageIndex: 3))
    }

    // MARK: - The prefix

    @Test func theCacheHoldsTheConversationBeforeTheNewestTurn() throws {
        let first = try prefix(.firstTurn)
        let later = try prefix(.toolResultTurn)
        // The first turn has one content, which the request keeps; the later one caches two of three.
        #expect(first.contentCount == 0)
        #expect(later.contentCount == 2)
        #expect(later.digests[0] == first.digests[0], "one session's system prompt and tools name the same fixed part")
        #expect(first.minimumTokens == 1_024)
        #expect(first.estimatedTokens > 1_024)
        #expect(first.creationURL == "https://generativelanguage.googleapis.com/v1beta/cachedContents")
    }

    @Test func theRequestsThatMakeAndUseACacheSplitTheBodyBetweenThem() throws {
        let request = try MessagesRequest(json: loadClaudeCodeFixture(.toolResultTurn))
        let adapter = GeminiAdapter(request: request, target: Self.target, catalog: Self.catalog)
        let prefix = try #require(try adapter.explicitCachePrefix())
        let plain = try JSONParser.parse(adapter.requestBody())
        #expect(try JSONParser.parse(prefix.plainBody.bytes) == plain)
        let creation = try JSONParser.parse(prefix.creationBody(contentCount: 2).bytes)
        #expect(creation["model"] == "models/gemini-2.5-flash")
        #expect(creation["ttl"] == "300s")
        #expect(creation["systemInstruction"] == plain["systemInstruction"] && creation["tools"] == plain["tools"])
        #expect(creation["contents"]?.arrayValue == Array(try #require(plain["contents"]?.arrayValue).prefix(2)))
        #expect(creation["generationConfig"] == nil)
        let served = try JSONParser.parse(prefix.requestBody(cachedContent: "cachedContents/abc", contentCount: 2).bytes)
        #expect(served["cachedContent"] == "cachedContents/abc")
        #expect(served["systemInstruction"] == nil && served["tools"] == nil && served["toolConfig"] == nil)
        #expect(served["contents"]?.arrayValue == Array(try #require(plain["contents"]?.arrayValue).dropFirst(2)))
        #expect(served["generationConfig"] == plain["generationConfig"])
    }

    @Test func aRequestWithoutABreakpointHasNoPrefix() throws {
        let request = MessagesRequest(model: "m", maxTokens: 10, messages: [MessagesRequest.Message(role: .user, content: [.text("hi")])], system: ["s"])
        #expect(try GeminiAdapter(request: request, target: Self.target, catalog: Self.catalog).explicitCachePrefix() == nil)
        #expect(try OpenAIChatAdapter(request: request, target: Self.target, catalog: Self.catalog).explicitCachePrefix() == nil)
    }

    // MARK: - The planner

    @Test func aFirstTurnMakesACacheAndLaterTurnsUseIt() throws {
        let planner = ExplicitCachePlanner()
        let first = try prefix(.firstTurn)
        #expect(planner.plan(first, caches: [], now: Self.at(0)) == .create(contentCount: 0))
        let cache = ExplicitCacheEntry(name: "cachedContents/a", digest: first.digests[0], contentCount: 0, tokens: first.estimatedTokens, expiresAt: Self.at(300))
        #expect(planner.plan(try prefix(.toolResultTurn), caches: [cache], now: Self.at(60)) == .use(cache))
        #expect(planner.plan(try prefix(.parallelToolResultsTurn), caches: [cache], now: Self.at(120)) == .use(cache))
    }

    @Test func aCacheAboutToExpireIsMadeAgain() throws {
        let planner = ExplicitCachePlanner()
        let later = try prefix(.toolResultTurn)
        let cache = ExplicitCacheEntry(name: "cachedContents/a", digest: later.digests[0], contentCount: 0, tokens: later.estimatedTokens, expiresAt: Self.at(300))
        #expect(planner.plan(later, caches: [cache], now: Self.at(284)) == .use(cache))
        #expect(planner.plan(later, caches: [cache], now: Self.at(286)) == .create(contentCount: 2), "15 s before its end it is not trusted")
        #expect(planner.plan(later, caches: [cache], now: Self.at(400)) == .create(contentCount: 2))
    }

    @Test func aCacheOfAnotherPrefixIsNotUsed() throws {
        let planner = ExplicitCachePlanner()
        let later = try prefix(.toolResultTurn)
        // The conversation was edited (compacted, rewound) where the cache holds it.
        let edited = ExplicitCacheEntry(name: "cachedContents/a", digest: "0123", contentCount: 1, tokens: 100, expiresAt: Self.at(300))
        #expect(planner.plan(later, caches: [edited], now: Self.at(0)) == .create(contentCount: 2))
        // A cache that holds more than this request has.
        let longer = ExplicitCacheEntry(name: "cachedContents/b", digest: "4567", contentCount: 9, tokens: 100, expiresAt: Self.at(300))
        #expect(planner.plan(later, caches: [longer], now: Self.at(0)) == .create(contentCount: 2))
    }

    @Test func theLongestCacheServesAndAConversationTwiceItsSizeGetsANewOne() throws {
        let planner = ExplicitCachePlanner()
        let later = try prefix(.toolResultTurn)
        let fixed = ExplicitCacheEntry(name: "cachedContents/a", digest: later.digests[0], contentCount: 0, tokens: later.estimatedTokens, expiresAt: Self.at(300))
        let one = ExplicitCacheEntry(name: "cachedContents/b", digest: later.digests[1], contentCount: 1, tokens: later.estimatedTokens, expiresAt: Self.at(300))
        #expect(planner.plan(later, caches: [fixed, one], now: Self.at(0)) == .use(one))
        var small = one
        small.tokens = later.estimatedTokens / 2
        #expect(planner.plan(later, caches: [small], now: Self.at(0)) == .create(contentCount: 2))
    }

    @Test func aPrefixBelowTheMinimumIsNeverCachedButAnExistingCacheServes() throws {
        let planner = ExplicitCachePlanner()
        let contents: [JSONValue] = [["role": "user", "parts": [["text": "hi"]]], ["role": "user", "parts": [["text": "again"]]]]
        let small = ExplicitCachePrefix(
            request: ["contents": []], contents: contents.map { ExplicitCachePrefix.Content(pieces: [JSONWriter.encode($0)]) }, cacheableContents: 1, model: "gemini-2.5-pro",
            baseURL: "https://x", minimumTokens: 4_096, timeToLive: .seconds(300))
        #expect(planner.plan(small, caches: [], now: Self.at(0)) == .plain)
        let cache = ExplicitCacheEntry(name: "cachedContents/a", digest: small.digests[1], contentCount: 1, tokens: 5_000, expiresAt: Self.at(300))
        #expect(planner.plan(small, caches: [cache], now: Self.at(0)) == .use(cache))
    }

    // MARK: - Replies and errors

    @Test func theTurnThatWroteTheCacheReportsItsTokensAsWritten() throws {
        let request = try MessagesRequest(json: loadClaudeCodeFixture(.firstTurn))
        let adapter = GeminiAdapter(request: request, target: Self.target, catalog: Self.catalog)
        let reply: JSONValue = [
            "candidates": [["content": ["role": "model", "parts": [["text": "Hi."]]], "finishReason": "STOP"]],
            "usageMetadata": ["promptTokenCount": 12_100, "cachedContentTokenCount": 12_000, "candidatesTokenCount": 3],
        ]
        let read = try adapter.servedFromCache(created: false).translateReply(reply).usage
        #expect(read == Usage(inputTokens: 100, outputTokens: 3, cacheReadInputTokens: 12_000))
        let written = try adapter.servedFromCache(created: true).translateReply(reply).usage
        #expect(written == Usage(inputTokens: 100, outputTokens: 3, cacheCreationInputTokens: 12_000))
    }

    @Test(arguments: [(403, "PERMISSION_DENIED"), (404, "NOT_FOUND")])
    func aCacheThatIsGoneIsToldApartFromOtherRefusals(status: Int, name: String) {
        let gone = JSONWriter.encode(["error": ["code": .int(status), "message": "CachedContent not found (or permission denied)", "status": .string(name)]])
        let failure = GeminiErrorMapping.failure(status: status, model: "gemini-2.5-flash", body: gone, headers: [:], keyVariable: "GEMINI_API_KEY")
        #expect(failure.cause == .explicitCacheMissing)
        #expect(RetryPolicy.isRetryable(failure))
        let denied = JSONWriter.encode(["error": ["code": 403, "message": "Permission denied on resource project x.", "status": "PERMISSION_DENIED"]])
        #expect(GeminiErrorMapping.failure(status: 403, model: "gemini-2.5-flash", body: denied, headers: [:], keyVariable: "GEMINI_API_KEY").cause == .status(403))
    }
}
