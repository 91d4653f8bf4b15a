import ProxyCore
import Testing

/// Retries, fallbacks and key rotation decided without a network: each failure in, the next step out.
@Suite struct AttemptPlannerTests {
    static let primary = RouteTarget(provider: .openAI, model: "gpt-4.1", baseURL: "https://api.openai.com/v1", apiKeys: ["k1", "k2"], keyVariable: "OPENAI_API_KEY")
    static let backup = RouteTarget(
        provider: .openAI, model: "gpt-4o", channel: "backup", baseURL: "http://127.0.0.1:9/v1", apiKeys: [], keyVariable: "CHANNEL_BACKUP_API_KEY")
    static let policy = RetryPolicy(maximumRetries: 2, baseDelay: .milliseconds(500), maximumDelay: .seconds(8), maximumWait: .seconds(20))

    static let overloaded = UpstreamFailure(.status(529), clientError: AnthropicError(.overloaded, "busy"))
    static let badRequest = UpstreamFailure(.status(400), clientError: .invalidRequest("messages: Field required"))

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
        let timeout = UpstreamFailure(.status(504), shouldRetry: false, clientError: AnthropicError(.timeout, "slow"))
        #expect(planner.next(after: timeout, anotherKeyIsReady: false, random: 0.5) == .giveUp(timeout))
    }

    @Test func retryAfterWithinTheCapIsWaitedOutAndALongerOneGoesToTheClient() {
        var planner = AttemptPlanner(targets: [Self.primary], policy: Self.policy)
        let shortWait = UpstreamFailure(.status(429), retryAfter: .seconds(3), clientError: AnthropicError(.rateLimit, "slow down"))
        #expect(planner.next(after: shortWait, anotherKeyIsReady: false, random: 0.1) == .attempt(targetIndex: 0, delay: .seconds(3)))
        let longWait = UpstreamFailure(.status(429), retryAfter: .seconds(60), clientError: AnthropicError(.rateLimit, "slow down"))
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
        let throttled = UpstreamFailure(.status(429), retryAfter: .seconds(60), clientError: AnthropicError(.rateLimit, "slow down"))
        #expect(planner.next(after: throttled, anotherKeyIsReady: true, random: 0.5) == .attempt(targetIndex: 0, delay: .zero))
        let rejected = UpstreamFailure(.status(401), clientError: AnthropicError(.authentication, "bad key"))
        #expect(planner.next(after: rejected, anotherKeyIsReady: true, random: 0.5) == .attempt(targetIndex: 0, delay: .zero))
        // With no other key, a rejected key is the user's to fix.
        #expect(planner.next(after: rejected, anotherKeyIsReady: false, random: 0.5) == .giveUp(rejected))
    }

    @Test func refusalsBeforeSendingAndFirstByteTimeoutsAreNotRetriedButConnectionFailuresAre() {
        var planner = AttemptPlanner(targets: [Self.primary], policy: Self.policy)
        let refused = UpstreamFailure.refusedLocally(.invalidRequest("stop_sequences: Gemini accepts at most 5"))
        #expect(planner.next(after: refused, anotherKeyIsReady: true, random: 0.5) == .giveUp(refused))
        let slow = UpstreamFailure(.firstByteTimeout, clientError: AnthropicError(.timeout, "slow"))
        #expect(planner.next(after: slow, anotherKeyIsReady: true, random: 0.5) == .giveUp(slow))
        for cause in [UpstreamFailure.Cause.connect, .closed, .unusableReply] {
            var fresh = AttemptPlanner(targets: [Self.primary], policy: Self.policy)
            let failure = UpstreamFailure(cause, clientError: AnthropicError(.api, "cut", status: 502))
            #expect(fresh.next(after: failure, anotherKeyIsReady: false, random: 0) == .attempt(targetIndex: 0, delay: .zero), "\(cause)")
        }
    }

    /// The planner decides on the upstream's advice, never on what the client's error says.
    @Test func decisionsReadTheUpstreamsAdviceNotTheClientsHeaders() {
        var planner = AttemptPlanner(targets: [Self.primary], policy: Self.policy)
        let misleading = UpstreamFailure(
            .status(503), retryAfter: .seconds(2), clientError: AnthropicError(.overloaded, "busy", headers: ["x-should-retry": "false", "retry-after": "600"]))
        #expect(planner.next(after: misleading, anotherKeyIsReady: false, random: 0.5) == .attempt(targetIndex: 0, delay: .seconds(2)))
    }
}

@Suite struct UpstreamFailureTests {
    @Test func retryAdviceIsReadFromTheUpstreamsHeaders() {
        let error = AnthropicError(.rateLimit, "slow down")
        #expect(UpstreamFailure(status: 429, upstreamHeaders: ["retry-after": "3"], clientError: error).retryAfter == .seconds(3))
        #expect(UpstreamFailure(status: 429, upstreamHeaders: ["retry-after-ms": "1500"], clientError: error).retryAfter == .seconds(2))
        #expect(UpstreamFailure(status: 429, upstreamHeaders: ["retry-after": "soon"], clientError: error).retryAfter == nil)
        #expect(UpstreamFailure(status: 503, upstreamHeaders: ["x-should-retry": "false"], clientError: error).shouldRetry == false)
        #expect(UpstreamFailure(status: 503, upstreamHeaders: ["x-should-retry": "true"], clientError: error).shouldRetry == true)
        #expect(UpstreamFailure(status: 503, upstreamHeaders: [:], clientError: error).shouldRetry == nil)
    }

    @Test func geminiFailuresCarryTheStatusTheirErrorMeansAndTheRetryInfoWait() {
        let body = Array(#"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"quota","details":[{"retryDelay":"7s"}]}}"#.utf8)
        let throttled = GeminiErrorMapping.failure(status: 429, model: "gemini-2.5-pro", body: body, headers: [:], keyVariable: "GEMINI_API_KEY")
        #expect(throttled.throttled && throttled.retryAfter == .seconds(7))
        let badKey = Array(#"{"error":{"code":400,"status":"INVALID_ARGUMENT","message":"API key not valid","details":[{"reason":"API_KEY_INVALID"}]}}"#.utf8)
        let rejected = GeminiErrorMapping.failure(status: 400, model: "gemini-2.5-pro", body: badKey, headers: [:], keyVariable: "GEMINI_API_KEY")
        #expect(rejected.rejectedKey && rejected.clientError.status == 401)
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

    @Test func reconcilingKeepsTheRestOfKeysThatStayAndForgetsTheOthers() {
        var ring = KeyRing(keys: ["a", "b", "c"])
        let now = ContinuousClock.now
        ring.rest("a", until: now + .seconds(60))
        ring.rest("c", until: now + .seconds(60))
        var reconciled = ring.reconciled(with: ["a", "d"])
        #expect(reconciled.keys == ["a", "d"])
        #expect(reconciled.next(at: now) == "d")
        #expect(reconciled.next(at: now) == "d", "a still rests")
        #expect(reconciled.next(at: now + .seconds(61)) == "a")
        var readded = ring.reconciled(with: ["a", "b"]).reconciled(with: ["a", "b", "c"])
        #expect(readded.next(at: now) == "b")
        #expect(readded.next(at: now) == "c", "a key removed and added again starts ready")
    }

    @Test func emptyRingHasNoKey() {
        var ring = KeyRing(keys: [])
        #expect(ring.next(at: .now) == nil)
    }
}
