import ProxyCore
import Testing

/// Retries, fallbacks and key rotation decided without a network: each failure in, the next step out.
@Suite struct AttemptPlannerTests {
    static let primary = RouteTarget(provider: .openAI, model: "gpt-4.1", baseURL: "https://api.openai.com/v1", apiKeys: ["k1", "k2"], keyVariable: "OPENAI_API_KEY")
    static let backup = RouteTarget(
        provider: .openAI, model: "gpt-4o", channel: "backup", baseURL: "http://127.0.0.1:9/v1", apiKeys: [], keyVariable: "CHANNEL_BACKUP_API_KEY")
    static let policy = RetryPolicy(maximumRetries: 2, baseDelay: .milliseconds(500), maximumDelay: .seconds(8), maximumWait: .seconds(20))

    static let overloaded = AnthropicError(.overloaded, "busy")
    static let badRequest = AnthropicError.invalidRequest("messages: Field required")

    @Test func retryableFailureIsRetriedWithGrowingJitteredBackoffUntilTheBudgetIsSpent() {
        var planner = AttemptPlanner(targets: [Self.primary], policy: Self.policy)
        #expect(planner.next(after: Self.overloaded, anotherKeyIsReady: false, random: 0.5) == .attempt(targetIndex: 0, delay: .milliseconds(250)))
        #expect(planner.next(after: Self.overloaded, anotherKeyIsReady: false, random: 0.5) == .attempt(targetIndex: 0, delay: .milliseconds(500)))
        #expect(planner.next(after: Self.overloaded, anotherKeyIsReady: false, random: 0.5) == .giveUp(Self.overloaded))
        #expect(planner.attempts == 3)
    }

    @Test func clientErrorsAreNeverRetried() {
        var planner = AttemptPlanner(targets: [Self.primary, Self.backup], policy: Self.policy)
        #expect(planner.next(after: Self.badRequest, anotherKeyIsReady: true, random: 0.5) == .giveUp(Self.badRequest))
    }

    @Test func upstreamThatSaysDoNotRetryIsNotRetried() {
        var planner = AttemptPlanner(targets: [Self.primary], policy: Self.policy)
        let timeout = AnthropicError(.timeout, "slow", headers: ["x-should-retry": "false"])
        #expect(planner.next(after: timeout, anotherKeyIsReady: false, random: 0.5) == .giveUp(timeout))
    }

    @Test func retryAfterWithinTheCapIsWaitedOutAndALongerOneGoesToTheClient() {
        var planner = AttemptPlanner(targets: [Self.primary], policy: Self.policy)
        let shortWait = AnthropicError(.rateLimit, "slow down", headers: ["retry-after": "3"])
        #expect(planner.next(after: shortWait, anotherKeyIsReady: false, random: 0.1) == .attempt(targetIndex: 0, delay: .seconds(3)))
        let longWait = AnthropicError(.rateLimit, "slow down", headers: ["retry-after": "60"])
        #expect(planner.next(after: longWait, anotherKeyIsReady: false, random: 0.1) == .giveUp(longWait))
    }

    @Test func fallbackServesAtOnceWithoutUsingTheRetryBudget() {
        var planner = AttemptPlanner(targets: [Self.primary, Self.backup], policy: Self.policy)
        #expect(planner.next(after: Self.overloaded, anotherKeyIsReady: false, random: 0.5) == .attempt(targetIndex: 1, delay: .zero))
        #expect(planner.currentTarget == Self.backup)
        #expect(planner.retriesUsed == 0)
        #expect(planner.next(after: Self.overloaded, anotherKeyIsReady: false, random: 0) == .attempt(targetIndex: 1, delay: .zero))
        #expect(planner.retriesUsed == 1)
    }

    @Test func throttledOrRejectedKeyIsRetriedAtOnceWithAnotherKey() {
        var planner = AttemptPlanner(targets: [Self.primary, Self.backup], policy: Self.policy)
        let throttled = AnthropicError(.rateLimit, "slow down", headers: ["retry-after": "60"])
        #expect(planner.next(after: throttled, anotherKeyIsReady: true, random: 0.5) == .attempt(targetIndex: 0, delay: .zero))
        let rejected = AnthropicError(.authentication, "bad key")
        #expect(planner.next(after: rejected, anotherKeyIsReady: true, random: 0.5) == .attempt(targetIndex: 0, delay: .zero))
        // With no other key, a rejected key is the user's to fix.
        #expect(planner.next(after: rejected, anotherKeyIsReady: false, random: 0.5) == .giveUp(rejected))
    }
}

@Suite struct KeyRingTests {
    @Test func requestsRotateOverTheKeys() {
        var ring = KeyRing(keys: ["a", "b", "c"])
        let now = ContinuousClock.now
        #expect((0..<4).map { _ in ring.next(at: now) } == ["a", "b", "c", "a"])
    }

    @Test func restingKeyIsSkippedUntilItWakes() {
        var ring = KeyRing(keys: ["a", "b"])
        let now = ContinuousClock.now
        ring.rest("a", until: now + .seconds(30))
        #expect(ring.next(at: now) == "b")
        #expect(ring.next(at: now) == "b")
        #expect(ring.hasAlternative(to: "b", at: now) == false)
        #expect(ring.next(at: now + .seconds(31)) == "a")
    }

    @Test func whenEveryKeyRestsTheOneThatWakesFirstIsUsed() {
        var ring = KeyRing(keys: ["a", "b"])
        let now = ContinuousClock.now
        ring.rest("a", until: now + .seconds(60))
        ring.rest("b", until: now + .seconds(10))
        #expect(ring.next(at: now) == "b")
    }

    @Test func emptyRingHasNoKey() {
        var ring = KeyRing(keys: [])
        #expect(ring.next(at: .now) == nil)
    }
}
