import Foundation
import Logging
import ProxyCore
import ProxyServer
import Synchronization
import Testing

/// Client keys behind the real server, kept in a real SQLite file and a real PostgreSQL: made,
/// changed and revoked over `/admin/keys` and with `anthropic-proxy keys`; each refusal's status
/// and text; their spend in the ledger; a revoke reaching another instance.
@Suite(.postgres) struct ClientKeysEndToEndTests {
    static let sonnet: JSONValue = ["model": "claude-sonnet-4-6", "max_tokens": 100, "messages": [["role": "user", "content": "hi"]]]
    static let opus: JSONValue = ["model": "claude-opus-4-1", "max_tokens": 100, "messages": [["role": "user", "content": "hi"]]]

    /// A proxy with a ledger and client keys on `database`.
    private func withProxy(
        _ database: TestLedgerDatabase, environment: [String: String] = [:],
        _ body: (ProxyHarness, UsageLedger, ClientKeyRegistry) async throws -> Void
    ) async throws {
        try await database.withLedger { ledger in
            let keys = ClientKeyRegistry(store: ledger.store, ledger: ledger, logger: TestLedgerDatabase.quiet)
            await keys.refresh()
            try await ProxyHarness.run(environment: environment, ledger: ledger, clientKeys: keys) { harness in try await body(harness, ledger, keys) }
        }
    }

    private func post(_ harness: ProxyHarness, _ body: JSONValue, key: String?) async throws -> ProxyHarness.Reply {
        try await harness.post("/v1/messages", json: body, headers: key.map { ["x-api-key": $0] } ?? [:])
    }

    @Test(arguments: LedgerDatabaseKind.allCases) func keysMadeOverHTTPAreCheckedAndTheirSpendIsTheirs(_ kind: LedgerDatabaseKind) async throws {
        let database = try await TestLedgerDatabase(kind)
        try await withProxy(database) { harness, ledger, _ in
            #expect(try await post(harness, Self.sonnet, key: nil).status == 200, "no keys yet: open, as before")

            // gpt-4.1 at $2 in and $8 out per million tokens: each fake reply (100 in, 20 out) costs $0.00036.
            let made = try await harness.send(
                .POST, "/admin/keys", body: JSONWriter.encode(["name": "alice", "budget_usd": 0.0005, "models": "sonnet, haiku", "rpm": 10]))
            #expect(made.status == 201)
            let alice = try #require(try made.json["key"]?.stringValue)
            #expect(alice.hasPrefix("sk-proxy-") && alice.count == 49)
            #expect(try made.json["budget_usd"] == 0.0005 && made.json["models"] == ["sonnet", "haiku"] && made.json["status"] == "active")

            let anonymous = try await post(harness, Self.sonnet, key: nil)
            #expect(anonymous.status == 401, "once keys exist, every request needs one")
            #expect(try anonymous.json["error"]?["message"]?.stringValue?.hasPrefix("This proxy requires a client key (sk-proxy-…, from its admin) and no key was sent.") == true)
            let forged = try await post(harness, Self.sonnet, key: "sk-proxy-" + String(alice.dropFirst(9).prefix(8)) + String(repeating: "x", count: 32))
            #expect(forged.status == 401)
            #expect(try forged.json["error"]?["message"]?.stringValue?.hasPrefix("This client key is not one of this proxy's keys") == true)

            #expect(try await post(harness, Self.sonnet, key: alice).status == 200)
            let opus = try await post(harness, Self.opus, key: alice)
            #expect(opus.status == 403)
            #expect(try opus.json["error"]?["type"] == "permission_error")
            #expect(try opus.json["error"]?["message"]?.stringValue?.contains("may not use claude-opus-4-1 (routed to openai/gpt-4.1); it may use: sonnet, haiku") == true)
            #expect(try await harness.send(.POST, "/v1/messages", body: JSONWriter.encode(Self.sonnet), headers: ["authorization": "Bearer \(alice)"]).status == 200)
            _ = try await harness.records.waitFor(4)
            let spent = try await post(harness, Self.sonnet, key: alice)
            #expect(spent.status == 403, "$0.00072 spent of $0.0005")
            #expect(try spent.json["error"]?["message"]?.stringValue?.hasPrefix("The client key 'alice' has spent its budget: $0.0007 of $0.0005 this month. It resets at ") == true)

            let raised = try await harness.send(.PATCH, "/admin/keys/alice", body: JSONWriter.encode(["budget_usd": .null, "rpm": 1]))
            #expect(raised.status == 200)
            #expect(try raised.json["budget_usd"] == .null && raised.json["rpm"] == 1)
            let limited = try await post(harness, Self.sonnet, key: alice)
            #expect(limited.status == 429, "two requests in the last minute, one allowed")
            #expect(try limited.json["error"]?["type"] == "rate_limit_error")
            #expect(limited.headers["retry-after"].flatMap(Int.init).map { (1...60).contains($0) } == true)

            // The last exchange's record may reach the ledger just after its client has the answer.
            _ = try await harness.records.waitFor(6)
            await ledger.flush()
            let rows = try await database.rows().map { "\($0["client_key"]?.string ?? "?") \($0["status"]?.integer ?? 0)" }
            #expect(rows == [" 200", "alice 200", "alice 403", "alice 200", "alice 403", "alice 429"], "a refused key (401) never starts an exchange")
            let listed = try await harness.send(.GET, "/admin/keys").json
            let entry = try #require(listed["keys"]?[0])
            #expect(entry["name"] == "alice" && entry["key"] == nil)
            #expect(abs((entry["spent_usd"]?.doubleValue ?? 0) - 0.00072) < 1e-9)
            #expect(entry["last_used"]?.stringValue?.hasSuffix("Z") == true)
            #expect(!String(decoding: try await harness.send(.GET, "/admin/keys/alice").body, as: UTF8.self).contains(alice))
            let byKey = try await harness.send(.GET, "/api/usage?group_by=key").json
            #expect(byKey["rows"]?.arrayValue?.map { $0["key"] } == ["", "alice"])

            let revoked = try await harness.send(.DELETE, "/admin/keys/alice")
            #expect(try revoked.status == 200 && revoked.json["status"] == "revoked")
            let refused = try await post(harness, Self.sonnet, key: alice)
            #expect(refused.status == 401)
            #expect(try refused.json["error"]?["message"]?.stringValue?.hasPrefix("The client key 'alice' was revoked on ") == true)
            #expect(try await harness.send(.DELETE, "/admin/keys/nobody").status == 404)
        }
    }

    @Test func adminRequestsAreCheckedAndBadOnesSayWhatToFix() async throws {
        let database = try await TestLedgerDatabase(.sqlite)
        try await withProxy(database, environment: ["ADMIN_API_KEY": "admin-7f3c9e1d", "PROXY_API_KEY": "team-key-0d9a"]) { harness, _, _ in
            let admin = ["x-api-key": "admin-7f3c9e1d"]
            #expect(try await harness.send(.GET, "/admin/keys").status == 401)
            #expect(try await harness.send(.GET, "/admin/keys", headers: admin).status == 200)
            func refusal(_ body: JSONValue) async throws -> String? {
                let response = try await harness.send(.POST, "/admin/keys", body: JSONWriter.encode(body), headers: admin)
                #expect(response.status == 400)
                return try response.json["error"]?["message"]?.stringValue
            }
            #expect(try await refusal(["name": "a b"]) == "name: 'a b' is not a key name; use 1 to 64 letters, digits, '.', '_', '-' or '@'")
            #expect(try await refusal(["name": "bob", "budget": 5]) == "budget: not a key setting; use budget_usd, budget_period, rpm, tpm, models, expires")
            #expect(try await refusal(["name": "bob", "rpm": 0]) == "rpm: must be a whole number above 0")
            #expect(try await refusal(["name": "bob", "budget_period": "year"]) == "budget_period: must be one of day, week, month")
            let made = try await harness.send(.POST, "/admin/keys", body: JSONWriter.encode(["name": "bob", "expires": "1h"]), headers: admin)
            #expect(made.status == 201)
            let again = try await harness.send(.POST, "/admin/keys", body: JSONWriter.encode(["name": "bob"]), headers: admin)
            #expect(again.status == 409)
            let bob = try #require(try made.json["key"]?.stringValue)
            #expect(try await post(harness, Self.sonnet, key: bob).status == 200)
            #expect(try await post(harness, Self.sonnet, key: "team-key-0d9a").status == 200, "PROXY_API_KEY goes on working, without limits")
            let neither = try await post(harness, Self.sonnet, key: "guess")
            #expect(neither.status == 401)
            #expect(try neither.json["error"]?["message"]?.stringValue?.hasPrefix("This proxy requires a client key (sk-proxy-…, from its admin) or its PROXY_API_KEY and the key sent is not one of them.") == true)
            #expect(!harness.logs.all.joined().contains(bob), "a key never reaches the log")
        }
    }

    @Test(arguments: LedgerDatabaseKind.allCases) func theKeysCommandMakesListsUpdatesAndRevokes(_ kind: LedgerDatabaseKind) async throws {
        let database = try await TestLedgerDatabase(kind)
        let environment = ["USAGE_DATABASE": database.setting]
        let made = try await Self.keys(["create", "carol", "--budget-usd", "25", "--budget-period", "week", "--tpm", "200000", "--models", "sonnet,openai/*", "--expires", "30d"], environment, in: database.directory)
        #expect(made.status == 0)
        let secret = made.output.split(separator: "\n").map(String.init).first { $0.hasPrefix("sk-proxy-") } ?? ""
        #expect(ClientKey.lookupID(of: secret) != nil, "\(made.output)")
        let listed = try await Self.keys(["list"], environment, in: database.directory)
        let lines = listed.output.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("name") == true)
        #expect(lines.count == 2 && lines[1].hasPrefix("carol") && lines[1].contains("active") && lines[1].contains("$25.00/week") && lines[1].contains("200000"))
        #expect(lines[1].contains("sonnet,openai/*") && !listed.output.contains(secret))
        #expect(try await Self.keys(["update", "carol", "--tpm", "none", "--rpm", "30"], environment, in: database.directory).status == 0)
        let store = try await database.store()
        let key = try await store.key(named: "carol")
        #expect(key.limits.tokensPerMinute == nil && key.limits.requestsPerMinute == 30 && key.limits.budgetUSD == 25)
        try await store.close()
        #expect(try await Self.keys(["revoke", "carol"], environment, in: database.directory).status == 0)
        #expect(try await Self.keys(["list"], environment, in: database.directory).output.contains("revoked"))
        let taken = try await Self.keys(["create", "carol"], environment, in: database.directory)
        #expect(taken.status == 1 && taken.output == "Error: A key named 'carol' exists already; update it, or revoke it and make another.\n")
        let bad = try await Self.keys(["create", "dave", "--rpm", "lots"], environment, in: database.directory)
        #expect(bad.status != 0 && bad.output.contains("--rpm: must be a whole number above 0"))
    }

    @Test func aRevokeOnOneInstanceReachesAnotherWithinItsRefresh() async throws {
        let database = try await TestLedgerDatabase(.postgres)
        let store = try await database.store()
        try await store.migrate()
        let (secret, _) = try await store.createKey(named: "erin", try ClientKeyChange(json: [:], now: .now), now: .now)
        let other = ClientKeyRegistry(store: try await database.store(), ledger: nil, refreshInterval: .milliseconds(200), logger: TestLedgerDatabase.quiet)
        let refreshing = Task { try await other.run() }
        /// What `other` answers for the key once its answer is not `unanswered` (30 s at most).
        func answer(otherThan unanswered: Int) async throws -> Int {
            for _ in 0..<300 {
                let status: Int
                do { status = try other.identify(secret) == .key("erin") ? 200 : 0 } catch { status = error.status }
                if status != unanswered { return status }
                try await Task.sleep(for: .milliseconds(100))
            }
            return unanswered
        }
        #expect(try await answer(otherThan: 503) == 200, "known once the other instance has read the keys")
        _ = try await store.revokeKey(named: "erin", now: .now)
        #expect(try await answer(otherThan: 200) == 401, "refused at its next reading (every 200 ms here, 2 s by default)")
        refreshing.cancel()
        try await other.store.close()
        try await store.close()
    }

    /// Runs `anthropic-proxy keys ARGUMENTS`; standard output and error together.
    static func keys(_ arguments: [String], _ environment: [String: String], in directory: TemporaryDirectory) async throws -> (output: String, status: Int32) {
        try await ChildProcess.run(
            [ServeCommandEndToEndTests.executable, "keys"] + arguments,
            environment: environment.merging(["PATH": "/usr/bin:/bin", "HOME": directory.path]) { $1 })
    }
}

/// Three proxy instances on one real PostgreSQL, as a team runs them behind a load balancer: a
/// key's rate limit holds across them, its spend on one counts on the others, a revoke on one
/// reaches the others.
@Suite(.postgres) struct ClientKeysAcrossInstancesTests {
    /// One instance: a proxy with its own ledger and client keys, on `database`.
    struct Instance {
        let harness: ProxyHarness
        let ledger: UsageLedger
        let keys: ClientKeyRegistry
    }

    /// Runs `body` with `count` instances on `database`, each closing its store after.
    /// - Parameters:
    ///   - timeout: how long the instances' stores wait for the database.
    ///   - databaseDropped: the test drops the database, so closing may fail: on a busy machine,
    ///     closing a pool whose database is gone can take longer than the store's timeout.
    private func withInstances(
        _ count: Int, on database: TestLedgerDatabase, environment: [String: String] = [:], timeout: Duration = TestLedgerDatabase.patientTimeout,
        databaseDropped: Bool = false, _ body: ([Instance]) async throws -> Void
    ) async throws {
        func nest(_ running: [Instance]) async throws {
            guard running.count < count else { return try await body(running) }
            let ledger = try await database.ledger(timeout: timeout)
            let keys = ClientKeyRegistry(store: ledger.store, ledger: ledger, logger: TestLedgerDatabase.quiet)
            await keys.refresh()
            try await ProxyHarness.run(environment: environment, ledger: ledger, clientKeys: keys) { harness in
                try await nest(running + [Instance(harness: harness, ledger: ledger, keys: keys)])
            }
            do {
                try await ledger.store.close()
            } catch where databaseDropped {}
        }
        try await nest([])
    }

    private func post(_ instance: Instance, key: String) async throws -> Int {
        try await instance.harness.post("/v1/messages", json: ClientKeysEndToEndTests.sonnet, headers: ["x-api-key": key]).status
    }

    @Test func aRateLimitHoldsAcrossThreeInstances() async throws {
        let database = try await TestLedgerDatabase(.postgres)
        try await withInstances(3, on: database) { instances in
            let made = try await instances[0].harness.post("/admin/keys", json: ["name": "team", "rpm": 10])
            let key = try #require(try made.json["key"]?.stringValue)
            for instance in instances { await instance.keys.refresh() }
            var statuses: [Int] = []
            for index in 0..<30 { statuses.append(try await post(instances[index % 3], key: key)) }
            #expect(statuses.filter { $0 == 200 }.count == 10, "\(statuses)")
            #expect(statuses.filter { $0 == 429 }.count == 20)
        }
    }

    @Test func spendOnOneInstanceCountsOnAnotherAndARevokeReachesIt() async throws {
        let database = try await TestLedgerDatabase(.postgres)
        try await withInstances(2, on: database) { instances in
            let (first, second) = (instances[0], instances[1])
            // Two fake replies at $0.00036 each spend the budget.
            let made = try await first.harness.post("/admin/keys", json: ["name": "shared", "budget_usd": 0.0007])
            let key = try #require(try made.json["key"]?.stringValue)
            await second.keys.refresh()
            #expect(try await post(first, key: key) == 200)
            #expect(try await post(first, key: key) == 200)
            _ = try await first.harness.records.waitFor(2)
            #expect(try await post(second, key: key) == 200, "the other instance has not heard of that spend yet")
            await first.ledger.flush()
            await second.keys.refresh()
            #expect(try await post(second, key: key) == 403, "the first instance's spend, written by its ledger, counts here")

            #expect(try await first.harness.send(.DELETE, "/admin/keys/shared").status == 200)
            await second.keys.refresh()
            let refused = try await second.harness.post("/v1/messages", json: ClientKeysEndToEndTests.sonnet, headers: ["x-api-key": key])
            #expect(refused.status == 401)
            #expect(try refused.json["error"]?["message"]?.stringValue?.hasPrefix("The client key 'shared' was revoked on ") == true)
        }
    }

    @Test func anUpstreamKeyRefusedOnOneInstanceRestsOnTheOthers() async throws {
        let revoked = "sk-revoked-0000000000000000000000"
        let database = try await TestLedgerDatabase(.postgres)
        try await withInstances(2, on: database, environment: ["OPENAI_API_KEY": "\(revoked), \(FakeOpenAIUpstream.apiKey)"]) { instances in
            #expect(try await instances[0].harness.post("/v1/messages", json: ClientKeysEndToEndTests.sonnet).status == 200)
            #expect(instances[0].harness.fake.receivedKeys == [revoked, FakeOpenAIUpstream.apiKey])
            var posted: [[String: LedgerRow.Value]] = []
            for _ in 0..<300 where posted.isEmpty {
                posted = try await database.rows("upstream_key_rests", order: "until")
                if posted.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(posted.count == 1)
            #expect(posted.first?["key_fingerprint"]?.string?.count == 16 && posted.first?["key_fingerprint"]?.string?.contains("revoked") == false, "a fingerprint, never the key")
            // The other instance reads the board every 100 ms here (2 s by default); a busy machine may make a reading slow.
            try await Task.sleep(for: .seconds(3))
            #expect(try await instances[1].harness.post("/v1/messages", json: ClientKeysEndToEndTests.sonnet).status == 200)
            #expect(instances[1].harness.fake.receivedKeys == [FakeOpenAIUpstream.apiKey], "the key the first instance found revoked is never tried here")
        }
    }

    @Test func withTheDatabaseGoneKnownKeysGoOnAndANewOneGets503() async throws {
        let database = try await TestLedgerDatabase(.postgres)
        // Once the database is gone, the store waits this long before it gives up. The whole suite
        // at once on two cores has kept the first statements waiting past 10 s, and once past 20 s.
        try await withInstances(1, on: database, timeout: .seconds(40), databaseDropped: true) { instances in
            let instance = instances[0]
            let known = try #require(try await instance.harness.post("/admin/keys", json: ["name": "known"]).json["key"]?.stringValue)
            let store = try await database.store()
            let (newer, _) = try await store.createKey(named: "newer", try ClientKeyChange(json: [:], now: .now), now: .now)
            try await store.close()
            try await #require(PostgresServer.current).dropDatabase(database.setting)
            await instance.keys.refresh()

            #expect(try await post(instance, key: known) == 200, "a key already known goes on")
            let refused = try await instance.harness.post("/v1/messages", json: ClientKeysEndToEndTests.sonnet, headers: ["x-api-key": newer])
            #expect(refused.status == 503)
            #expect(try refused.json["error"]?["type"] == "overloaded_error")
            let message = try #require(try refused.json["error"]?["message"]?.stringValue)
            #expect(message.hasPrefix("This client key cannot be checked now: the usage database cannot be read (postgres://postgres@127.0.0.1:"), "\(message)")
            #expect(!message.contains("ConnectionPool"), "the PostgreSQL client's internals stay out of it: \(message)")
        }
    }
}

/// A client key's budget period on an injected clock: spent before midnight, whole again after.
@Suite struct ClientKeyBudgetResetTests {
    static let target = RouteTarget(provider: .openAI, model: "gpt-4.1", baseURL: "https://api.openai.com/v1", apiKeys: [], keyVariable: "OPENAI_API_KEY")

    @Test func aDailyBudgetSpentYesterdayIsWholeAgainAtMidnightUTC() async throws {
        let database = try await TestLedgerDatabase(.sqlite)
        let store = try await database.store()
        try await store.migrate()
        _ = try await store.createKey(named: "dana", try ClientKeyChange(json: ["budget_usd": 0.001, "budget_period": "day"], now: .now), now: .now)
        var record = RequestRecord(id: "req_1", receivedAt: UTCTime(iso8601: "2026-11-29T23:00:00.000Z")!, method: "POST", path: "/v1/messages")
        record.clientKey = "dana"
        record.targets = [AttemptedTarget(Self.target)]
        record.costUSD = 0.002
        try await store.insert([LedgerRow(record)])

        let clock = Mutex(UTCTime(iso8601: "2026-11-29T23:30:00.000Z")!)
        let registry = ClientKeyRegistry(store: store, ledger: nil, logger: TestLedgerDatabase.quiet) { clock.withLock { $0 } }
        await registry.refresh()
        do {
            try await registry.admit("dana", clientModel: "claude-sonnet-4-6", target: Self.target)
            Issue.record("a spent budget let a request in")
        } catch {
            #expect(error.status == 403)
            #expect(error.message.contains("$0.0020 of $0.0010 this day. It resets at 2026-11-30T00:00:00.000Z (in 30 min)"), "\(error.message)")
        }
        clock.withLock { $0 = UTCTime(iso8601: "2026-11-30T00:00:01.000Z")! }
        await registry.refresh()
        try await registry.admit("dana", clientModel: "claude-sonnet-4-6", target: Self.target)
        try await store.close()
    }
}
