import ProxyCore
import Testing

/// A client key's rules, on an injected clock: models, budgets by period, requests and tokens a
/// minute, each refusal's status and text.
@Suite struct ClientKeyAccountTests {
    static let target = RouteTarget(provider: .openAI, model: "gpt-4.1", baseURL: "https://api.openai.com/v1", apiKeys: ["k"], keyVariable: "OPENAI_API_KEY")
    /// 2026-11-30T10:00:00.000Z, a Monday.
    static let now = UTCTime(iso8601: "2026-11-30T10:00:00.000Z")!

    private func account(_ limits: ClientKeyLimits) -> ClientKeyAccount {
        ClientKeyAccount(key: ClientKey(name: "alice", lookupID: "abcdefgh", salt: "00", hash: "00", limits: limits, createdAt: Self.now))
    }

    private func refusal(_ account: inout ClientKeyAccount, model: String = "claude-sonnet-4-6", at time: UTCTime = now) -> AnthropicError? {
        do {
            try account.admit(clientModel: model, target: Self.target, now: time)
            return nil
        } catch {
            return error
        }
    }

    @Test func modelsAreAllowedByFamilyWordByGlobAndByTarget() {
        var account = account(ClientKeyLimits(models: ["sonnet", "haiku", "anthropic/*"]))
        #expect(refusal(&account, model: "claude-sonnet-4-6") == nil)
        #expect(refusal(&account, model: "claude-3-5-haiku-20241022") == nil)
        let opus = refusal(&account, model: "claude-opus-4-1")
        #expect(opus?.status == 403)
        #expect(opus?.kind == .permission)
        #expect(
            opus?.message
                == "The client key 'alice' may not use claude-opus-4-1 (routed to openai/gpt-4.1); it may use: sonnet, haiku, anthropic/*. Ask the proxy's admin to change the key's models.")
        var byTarget = self.account(ClientKeyLimits(models: ["openai/*"]))
        #expect(refusal(&byTarget, model: "claude-opus-4-1") == nil, "routed to an openai/ target")
        var exact = self.account(ClientKeyLimits(models: ["gpt-4.1"]))
        #expect(refusal(&exact, model: "claude-opus-4-1") == nil, "the target's model alone")
        #expect(ModelAllowList(["gpt-*-mini"]).allows(clientModel: "x", target: RouteTarget(provider: .openAI, model: "gpt-4.1-mini", baseURL: "", apiKeys: [], keyVariable: "")))
        #expect(!ModelAllowList(["gpt-*-mini"]).allows(clientModel: "x", target: Self.target))
        #expect(ModelAllowList([]).allowsEverything && ModelAllowList(["*"]).allowsEverything)
    }

    @Test func aSpentBudgetIsA403SayingHowMuchAndWhenItResets() {
        var account = account(ClientKeyLimits(budgetUSD: 50, budgetPeriod: .month))
        account.recordedSpendUSD = 49.5
        #expect(refusal(&account) == nil)
        account.finished(usage: Usage(inputTokens: 100, outputTokens: 10), costUSD: 0.75, at: Self.now)
        let spent = refusal(&account)
        #expect(spent?.status == 403 && spent?.kind == .permission, "never a status Claude Code retries")
        #expect(
            spent?.message
                == "The client key 'alice' has spent its budget: $50.25 of $50.00 this month. It resets at 2026-12-01T00:00:00.000Z (in 14 h 0 min); ask the proxy's admin to raise it before then.")
    }

    @Test func periodsStartOnUTCDaysMondaysAndFirstsOfMonths() {
        let time = UTCTime(iso8601: "2026-12-31T23:59:59.999Z")!
        #expect(BudgetPeriod.day.start(of: time).iso8601 == "2026-12-31T00:00:00.000Z")
        #expect(BudgetPeriod.day.end(of: time).iso8601 == "2027-01-01T00:00:00.000Z")
        #expect(BudgetPeriod.week.start(of: time).iso8601 == "2026-12-28T00:00:00.000Z", "a Monday")
        #expect(BudgetPeriod.week.end(of: time).iso8601 == "2027-01-04T00:00:00.000Z")
        #expect(BudgetPeriod.month.start(of: time).iso8601 == "2026-12-01T00:00:00.000Z")
        #expect(BudgetPeriod.month.end(of: time).iso8601 == "2027-01-01T00:00:00.000Z")
        #expect(BudgetPeriod.month.end(of: UTCTime(iso8601: "2028-02-29T12:00:00.000Z")!).iso8601 == "2028-03-01T00:00:00.000Z")
        #expect(BudgetPeriod.week.start(of: Self.now) == UTCTime(iso8601: "2026-11-30T00:00:00.000Z"), "Monday is its own week's start")
    }

    @Test func requestsAMinuteSlideAndSayWhenToRetry() {
        var account = account(ClientKeyLimits(requestsPerMinute: 3))
        let start = Self.now
        func later(_ seconds: Int64) -> UTCTime { UTCTime(millisecondsSince1970: start.millisecondsSince1970 + seconds * 1000) }
        #expect(refusal(&account, at: start) == nil)
        #expect(refusal(&account, at: later(10)) == nil)
        #expect(refusal(&account, at: later(20)) == nil)
        let limited = refusal(&account, at: later(30))
        #expect(limited?.status == 429 && limited?.kind == .rateLimit)
        #expect(limited?.headers["retry-after"] == "30", "the first request ages out at 60 s")
        #expect(limited?.message == "The client key 'alice' may send 3 requests a minute and has reached that; retry in 30 s.")
        #expect(refusal(&account, at: later(60)) == nil, "a minute after the first, one more fits")
        #expect(refusal(&account, at: later(61))?.headers["retry-after"] == "9")
    }

    @Test func tokensAMinuteCountInputCacheWritesAndOutputNotCacheReads() {
        var account = account(ClientKeyLimits(tokensPerMinute: 1000))
        #expect(refusal(&account) == nil)
        account.finished(usage: Usage(inputTokens: 400, outputTokens: 100, cacheCreationInputTokens: 200, cacheReadInputTokens: 50_000), costUSD: nil, at: Self.now)
        #expect(refusal(&account) == nil, "700 of 1,000")
        account.finished(usage: Usage(inputTokens: 250, outputTokens: 50), costUSD: nil, at: Self.now)
        let limited = refusal(&account)
        #expect(limited?.status == 429)
        #expect(limited?.headers["retry-after"] == "60")
        #expect(account.spentUSD == 0, "an unknown price adds nothing")
    }

    @Test func revokedExpiredAndMalformedKeys() {
        var key = ClientKey(name: "bob", lookupID: "abcdefgh", salt: "", hash: "", limits: ClientKeyLimits(), createdAt: Self.now)
        #expect(key.unusable(at: Self.now) == nil)
        key.expiresAt = Self.now
        #expect(key.unusable(at: Self.now) == "expired on 2026-11-30T10:00:00.000Z")
        key.revokedAt = Self.now
        #expect(key.unusable(at: Self.now) == "was revoked on 2026-11-30")
        #expect(ClientKey.lookupID(of: "sk-proxy-" + String(repeating: "aB3", count: 13) + "x") == "aB3aB3aB")
        #expect(ClientKey.lookupID(of: "sk-proxy-short") == nil)
        #expect(ClientKey.lookupID(of: "sk-ant-" + String(repeating: "a", count: 42)) == nil)
        #expect(ClientKey.isValidName("alice@team-1.dev") && !ClientKey.isValidName("") && !ClientKey.isValidName("a b"))
        #expect(UTCTime(iso8601: "2026-11-30T10:00:00.000Z")?.iso8601 == "2026-11-30T10:00:00.000Z")
        #expect(UTCTime(iso8601: "2026-11-30 10:00:00") == nil)
    }

    @Test func aChangeLeavesOutWhatItDoesNotNameAndNullRemovesALimit() throws {
        let key = ClientKey(
            name: "carol", lookupID: "abcdefgh", salt: "", hash: "",
            limits: ClientKeyLimits(budgetUSD: 25, budgetPeriod: .week, requestsPerMinute: 30, tokensPerMinute: 1000, models: ["sonnet"]),
            createdAt: Self.now)
        let change = try ClientKeyChange(json: ["tpm": .null, "rpm": "60", "models": ["haiku", " openai/* "], "expires": "2d"], now: Self.now)
        let changed = change.applied(to: key)
        #expect(changed.limits == ClientKeyLimits(budgetUSD: 25, budgetPeriod: .week, requestsPerMinute: 60, tokensPerMinute: nil, models: ["haiku", "openai/*"]))
        #expect(changed.expiresAt?.iso8601 == "2026-12-02T10:00:00.000Z")
        #expect(try ClientKeyChange(json: ["expires": "2027-01-31"], now: Self.now).applied(to: key).expiresAt?.iso8601 == "2027-01-31T00:00:00.000Z")
        #expect(try ClientKeyChange(json: ["budget_usd": "none", "expires": .null], now: Self.now).applied(to: changed).limits.budgetUSD == nil)
        #expect(try ClientKeyChange(json: ["expires": .null], now: Self.now).applied(to: changed).expiresAt == nil)
        #expect(throws: AnthropicError.self) { try ClientKeyChange(json: ["expires": "soon"], now: Self.now) }
        #expect(throws: AnthropicError.self) { try ClientKeyChange(json: ["budget_usd": -1], now: Self.now) }
        #expect(throws: AnthropicError.self) { try ClientKeyChange(json: ["models": 5], now: Self.now) }
    }

    @Test func theListingShowsLimitsSpendAndStatusNeverTheKey() {
        var key = ClientKey(
            name: "carol", lookupID: "abcdefgh", salt: "73616c74", hash: "68617368",
            limits: ClientKeyLimits(budgetUSD: 25, budgetPeriod: .week, tokensPerMinute: 200_000, models: ["sonnet", "openai/*"]), createdAt: Self.now)
        key.expiresAt = UTCTime(iso8601: "2026-12-30T10:00:00.000Z")
        let listing = ClientKeyListing(key: key, spentUSD: 3.5, lastUsed: "2026-11-30T09:59:01.000Z")
        #expect(
            ClientKeyListing.table([listing], at: Self.now)
                == """
                name   status  spent       budget  rpm     tpm           models     expires         last used
                carol  active  $3.50  $25.00/week    -  200000  sonnet,openai/*  2026-12-30  2026-11-30 09:59
                """)
        let json = listing.json(at: Self.now)
        #expect(json["budget_resets_at"] == "2026-12-07T00:00:00.000Z" && json["spent_usd"] == 3.5 && json["status"] == "active")
        #expect(json["salt"] == nil && json["hash"] == nil && json["lookup_id"] == nil)
    }
}
