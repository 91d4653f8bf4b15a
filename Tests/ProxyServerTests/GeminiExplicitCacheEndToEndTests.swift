import AsyncHTTPClient
import Hummingbird
import Logging
import NIOCore
import ProxyCore
import ProxyServer
import ServiceLifecycle
import Testing

/// Gemini's explicit caches through the real server and a fake that implements `cachedContents`
/// strictly: a Claude Code session is served from one cache of its system prompt and tools, made
/// once; usage says what was written and what was read; an expired or deleted cache is made again
/// without failing the turn; nothing is cached with the setting off or below the model's minimum;
/// shutdown deletes what was made.
@Suite struct GeminiExplicitCacheEndToEndTests {
    private static let environment = ["GEMINI_EXPLICIT_CACHE": "on"]
    private static let session = ["first-turn", "tool-result-turn", "parallel-tool-results-turn"]

    static func turn(_ fixture: String, stream: Bool = false, ttl: String? = nil) throws -> JSONValue {
        var body = try #require(try claudeCodeFixture(fixture).objectValue)
        body["model"] = "gemini/gemini-2.5-flash"
        body["stream"] = .bool(stream)
        if let ttl, var messages = body["messages"]?.arrayValue, var last = messages.last?.objectValue, var blocks = last["content"]?.arrayValue,
            var block = blocks.last?.objectValue
        {
            block["cache_control"] = ["type": "ephemeral", "ttl": .string(ttl)]
            blocks[blocks.count - 1] = .object(block)
            last["content"] = .array(blocks)
            messages[messages.count - 1] = .object(last)
            body["messages"] = .array(messages)
        }
        return .object(body)
    }

    @Test(arguments: [false, true])
    func aSessionIsServedFromOneCacheOfItsSystemPromptAndTools(stream: Bool) async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            var usages: [Usage] = []
            for fixture in Self.session {
                let reply = try await harness.post("/v1/messages", json: try Self.turn(fixture, stream: stream))
                #expect(reply.status == 200, "\(String(decoding: reply.body.prefix(400), as: UTF8.self))")
                usages.append(try reply.message.usage)
            }
            let created = harness.gemini.caches.created
            #expect(created.count == 1, "made once, at the first turn")
            let cache = try #require(created.first)
            #expect(cache.ttl == "300s", "Claude Code's breakpoints are the default 5 minutes")
            #expect(cache.body["systemInstruction"] != nil && cache.body["tools"] != nil)
            #expect(cache.body["contents"] == nil, "the first turn's only content stays in the request")
            let sent = harness.gemini.generateRequests
            #expect(sent.count == 3)
            for body in sent {
                #expect(body["cachedContent"] == .string(cache.name))
                #expect(body["systemInstruction"] == nil && body["tools"] == nil && body["toolConfig"] == nil)
            }
            // The later turns send only their conversation: the cache holds the rest.
            #expect(sent.map { $0["contents"]?.arrayValue?.count } == [1, 3, 3])
            // Written at the first turn, read at the others, as Anthropic reports a breakpoint's turns.
            #expect(usages.map(\.cacheCreationInputTokens) == [cache.tokens, 0, 0])
            #expect(usages.map(\.cacheReadInputTokens) == [0, cache.tokens, cache.tokens])
            #expect(usages.allSatisfy { $0.inputTokens == 100 }, "the prompt less what the cache held")
        }
    }

    @Test func requestsWithOnePrefixAtOnceWaitForOneCache() async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            let body = try Self.turn("first-turn")
            let usages = try await withThrowingTaskGroup(of: Usage.self) { group in
                for _ in 0..<8 { group.addTask { try await harness.post("/v1/messages", json: body).message.usage } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let created = harness.gemini.caches.created
            #expect(created.count == 1)
            let tokens = try #require(created.first?.tokens)
            #expect(usages.filter { $0.cacheCreationInputTokens == tokens }.count == 1, "the request that made it wrote it")
            #expect(usages.filter { $0.cacheReadInputTokens == tokens }.count == 7, "the others read it")
        }
    }

    @Test func anHourLongBreakpointMakesAnHourLongCache() async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            let reply = try await harness.post("/v1/messages", json: try Self.turn("tool-result-turn", ttl: "1h"))
            #expect(reply.status == 200)
            #expect(harness.gemini.caches.created.map(\.ttl) == ["3600s"])
            // The cache holds the conversation before the newest turn.
            #expect(harness.gemini.caches.created.first?.body["contents"]?.arrayValue?.count == 2)
        }
    }

    @Test(arguments: [403, 404])
    func anExpiredCacheIsMadeAgainWithoutFailingTheTurn(status: Int) async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            harness.gemini.caches.missingStatus = status
            let first = try await harness.post("/v1/messages", json: try Self.turn("first-turn"))
            #expect(first.status == 200)
            harness.gemini.caches.expireAll()
            let reply = try await harness.post("/v1/messages", json: try Self.turn("tool-result-turn"))
            #expect(reply.status == 200, "\(String(decoding: reply.body.prefix(400), as: UTF8.self))")
            let created = harness.gemini.caches.created
            #expect(created.count == 2)
            let usage = try reply.message.usage
            #expect(usage.cacheCreationInputTokens == created.last?.tokens, "the turn that made the new cache wrote it")
            // The fake records what it served: turn one from the first cache, turn two (refused from the
            // gone one) from the new one.
            let sent = harness.gemini.generateRequests.map { $0["cachedContent"]?.stringValue }
            #expect(sent == [created[0].name, created[1].name])
            #expect(harness.logs.all.allSatisfy { !$0.contains("error") }, "\(harness.logs.all)")
        }
    }

    @Test func anUpstreamWithoutCachesIsAskedOnceAndServesEveryTurnWhole() async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            harness.gemini.caches.refuseCreation()
            for fixture in Self.session {
                let reply = try await harness.post("/v1/messages", json: try Self.turn(fixture))
                #expect(reply.status == 200)
            }
            #expect(harness.gemini.caches.creationAttempts == 1, "left alone after it refused")
            #expect(harness.gemini.generateRequests.allSatisfy { $0["cachedContent"] == nil && $0["systemInstruction"] != nil })
            #expect(harness.logs.all.contains { $0.contains("could not create a prompt cache") && $0.contains("Method not found.") }, "\(harness.logs.all)")
        }
    }

    @Test func withTheSettingOffNothingIsCached() async throws {
        try await ProxyHarness.run { harness in
            let reply = try await harness.post("/v1/messages", json: try Self.turn("first-turn"))
            #expect(reply.status == 200)
            #expect(harness.gemini.caches.created.isEmpty)
            #expect(harness.gemini.generateRequests.first?["systemInstruction"] != nil)
        }
    }

    @Test func aPrefixBelowTheModelsMinimumIsNotCached() async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            let small: JSONValue = [
                "model": "gemini/gemini-2.5-flash", "max_tokens": 100,
                "system": [["type": "text", "text": "Be brief.", "cache_control": ["type": "ephemeral"]]],
                "messages": [["role": "user", "content": "hi"]],
            ]
            let reply = try await harness.post("/v1/messages", json: small)
            #expect(reply.status == 200)
            #expect(harness.gemini.caches.created.isEmpty)
            #expect(harness.gemini.generateRequests.first?["cachedContent"] == nil)
        }
    }

    @Test func aRequestWithoutABreakpointIsNotCached() async throws {
        try await ProxyHarness.run(environment: Self.environment) { harness in
            var body = try #require(try Self.turn("first-turn").objectValue)
            body["system"] = .array((body["system"]?.arrayValue ?? []).map { block in
                var block = block.objectValue ?? [:]
                block["cache_control"] = nil
                return .object(block)
            })
            body["messages"] = [["role": "user", "content": "hi"]]
            let reply = try await harness.post("/v1/messages", json: .object(body))
            #expect(reply.status == 200)
            #expect(harness.gemini.caches.created.isEmpty)
        }
    }

    @Test func shutdownDeletesTheCachesItMade() async throws {
        let gemini = FakeGeminiUpstream()
        let router = Router()
        gemini.register(on: router)
        let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        try await withLiveApplication({ onRunning in
            Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), onServerRunning: onRunning, logger: quiet)
        }) { upstreamPort in
            let upstreamURL = "http://127.0.0.1:\(upstreamPort)"
            let configuration = try ProxyConfiguration(
                environment: ProxyHarness.baseEnvironment(upstreamURL: upstreamURL).merging(Self.environment) { $1 })
            var made: [String] = []
            try await withProxyInServiceGroup(configuration: configuration) { proxyURL, _ in
                var request = HTTPClientRequest(url: proxyURL + "/v1/messages")
                request.method = .POST
                request.body = .bytes(ByteBuffer(bytes: JSONWriter.encode(try Self.turn("first-turn"))))
                let reply = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                #expect(reply.status == .ok)
                made = gemini.caches.live
                #expect(made.count == 1)
            }
            #expect(gemini.caches.deleted == made)
            #expect(gemini.caches.live.isEmpty)
        }
    }
}

/// Two instances on one PostgreSQL serve one Claude Code session from one Gemini cache: the
/// instance that made it posts it, the other reads it and uses it instead of making its own.
@Suite(.postgres) struct GeminiExplicitCacheAcrossInstancesTests {
    @Test func aCacheMadeByOneInstanceServesTheSessionOnAnother() async throws {
        let database = try await TestLedgerDatabase(.postgres)
        let environment = ["GEMINI_EXPLICIT_CACHE": "on"]
        let first = try await database.ledger()
        try await ProxyHarness.run(environment: environment, ledger: first) { one in
            let reply = try await one.post("/v1/messages", json: try GeminiExplicitCacheEndToEndTests.turn("first-turn"))
            #expect(reply.status == 200)
            let made = try #require(one.gemini.caches.created.first)
            var posted: [[String: LedgerRow.Value]] = []
            for _ in 0..<300 where posted.isEmpty {
                posted = try await database.rows("explicit_caches", order: "name")
                if posted.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(posted.map { $0["name"]?.string } == [made.name])
            #expect(posted.first?["scope"]?.string?.count == 32, "a digest, which names no key")

            let second = try await database.ledger()
            // The second instance talks to the same Gemini (the first one's fake).
            try await ProxyHarness.run(environment: environment.merging(["GEMINI_BASE_URL": one.upstreamURL + "/v1beta"]) { $1 }, ledger: second) { other in
                // It reads the board every 100 ms here (2 s by default); a busy machine may make a reading slow.
                try await Task.sleep(for: .seconds(2))
                let later = try await other.post("/v1/messages", json: try GeminiExplicitCacheEndToEndTests.turn("tool-result-turn"))
                #expect(later.status == 200, "\(String(decoding: later.body.prefix(400), as: UTF8.self))")
                #expect(one.gemini.caches.created.count == 1, "no second cache")
                #expect(one.gemini.generateRequests.map { $0["cachedContent"]?.stringValue } == [made.name, made.name])
                #expect(try later.message.usage.cacheReadInputTokens == made.tokens)
            }
            try await second.store.close()
        }
        try await first.store.close()
    }
}
