import Foundation
import Logging
import NIOCore
import ProxyCore
import ProxyServer
import SQLiteNIO
import Synchronization
import Testing

/// The usage ledger behind the real server, in a real SQLite file and in a real PostgreSQL: one
/// row per exchange with the usage the client was told, daily roll-ups, retention, reports, and a
/// database that is down.
@Suite(.postgres) struct UsageLedgerEndToEndTests {
    static let userID = #"{"device_id": "d", "account_uuid": "", "session_id": "session-1"}"#
    static let request: JSONValue = [
        "model": "claude-sonnet-4-6", "max_tokens": 100, "messages": [["role": "user", "content": "hi"]], "metadata": ["user_id": .string(userID)],
    ]
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    @Test(arguments: LedgerDatabaseKind.allCases) func everyExchangeIsARowWithTheUsageTheClientWasTold(_ kind: LedgerDatabaseKind) async throws {
        let database = try await TestLedgerDatabase(kind)
        try await database.withLedger { ledger in
            let environment = ProxyHarness.fallbackEnvironment.merging(["MAX_RETRIES": "1", "RETRY_MAX_WAIT_SECONDS": "1"]) { $1 }
            try await ProxyHarness.run(environment: environment, ledger: ledger) { harness in
                var cached = FakeReply(text: "Hello.")
                cached.promptTokens = 1200
                cached.cachedTokens = 1000
                cached.completionTokens = 7
                harness.fake.enqueue(cached)
                #expect(try await harness.post("/v1/messages", json: Self.request).status == 200)
                harness.fake.enqueue(cached)
                let stream = try await harness.post("/v1/messages", json: streamed(Self.request))
                #expect(stream.status == 200)
                harness.fake.enqueue(FakeReply.failing(400, "Unsupported parameter: 'temperature'"))
                #expect(try await harness.post("/v1/messages", json: Self.request).status == 400)
                harness.fake.enqueue(FakeReply.failing(529, "Overloaded"))
                #expect(try await harness.post("/v1/messages", json: Self.request).status == 200)
                _ = try await harness.records.waitFor(4)
                await ledger.flush()

                let rows = try await database.rows()
                #expect(rows.count == 4)
                #expect(rows.map { $0["id"]?.string?.hasPrefix("req_") } == [true, true, true, true])
                #expect(rows.map { $0["session_id"]?.string } == ["session-1", "session-1", "session-1", "session-1"])
                #expect(rows.map { $0["client_key"]?.string } == ["", "", "", ""])
                #expect(rows.map { $0["client_model"]?.string } == ["claude-sonnet-4-6", "claude-sonnet-4-6", "claude-sonnet-4-6", "claude-sonnet-4-6"])
                #expect(rows.map { $0["stream"]?.integer } == [0, 1, 0, 0])
                #expect(rows.map { $0["status"]?.integer } == [200, 200, 400, 200])
                #expect(rows.map { $0["error_type"]?.string } == [nil, nil, "invalid_request_error", nil])
                // Anthropic's input excludes the cached tokens: 1,200 prompt tokens, 1,000 of them cached.
                #expect(rows.map { $0["input_tokens"]?.integer } == [200, 200, 0, 100])
                #expect(rows.map { $0["cache_read_tokens"]?.integer } == [1000, 1000, 0, 0])
                #expect(rows.map { $0["output_tokens"]?.integer } == [7, 7, 0, 20])
                #expect(rows.map { $0["attempts"]?.integer } == [1, 1, 1, 2])
                #expect(rows.map { $0["route"]?.string } == ["default", "default", "default", "default"])
                #expect(rows.map { $0["provider"]?.string } == ["openai", "openai", "openai", "openai"])
                #expect(rows.map { $0["upstream_model"]?.string } == ["gpt-4.1", "gpt-4.1", "gpt-4.1", "gpt-4o"], "the fallback that served it")
                #expect(rows.allSatisfy { ($0["duration_ms"]?.integer ?? -1) >= 0 })
                // gpt-4.1 at $2 in, $8 out, $0.50 cached; gpt-4o at $2.50 in, $10 out (per million tokens).
                let costs = rows.map { $0["cost_usd"]?.double ?? -1 }
                let cachedTurn: Double = (200 * 2 + 1000 * 0.5 + 7 * 8) / 1_000_000
                let fallback: Double = (100 * 2.5 + 20 * 10) / 1_000_000
                let expected: [Double] = [cachedTurn, cachedTurn, 0, fallback]
                #expect(zip(costs, expected).allSatisfy { abs($0 - $1) < 1e-12 }, "\(costs)")
                #expect(rows.allSatisfy { $0["started_at"]?.string?.hasSuffix("Z") == true && $0["started_at"]?.string?.count == 24 })

                let daily = try await database.rows("usage_daily", order: "upstream_model")
                #expect(daily.count == 2)
                #expect(daily.map { $0["requests"]?.integer } == [3, 1])
                #expect(daily.map { $0["errors"]?.integer } == [1, 0])
                #expect(daily.map { $0["input_tokens"]?.integer } == [400, 100])
                #expect(daily.map { $0["cache_read_tokens"]?.integer } == [2000, 0])
            }
        }
    }

    @Test(arguments: LedgerDatabaseKind.allCases) func reportsGroupByDayModelKeyAndSession(_ kind: LedgerDatabaseKind) async throws {
        let database = try await TestLedgerDatabase(kind)
        try await database.withLedger { ledger in
            try await ProxyHarness.run(ledger: ledger) { harness in
                for _ in 0..<3 { #expect(try await harness.post("/v1/messages", json: Self.request).status == 200) }
                var other = Self.request.objectValue!
                other["model"] = "openai/unpriced-model"
                other["metadata"] = ["user_id": #"{"session_id": "session-2"}"#]
                #expect(try await harness.post("/v1/messages", json: .object(other)).status == 200)
                _ = try await harness.records.waitFor(4)

                let byModel = try await harness.send(.GET, "/api/usage?group_by=model&from=1d")
                #expect(byModel.status == 200)
                let json = try byModel.json
                #expect(json["group_by"] == "model")
                #expect(json["to"] == .string(UTCTime.now.day))
                #expect(json["rows"]?.arrayValue?.map { $0["key"] } == ["openai/gpt-4.1", "openai/unpriced-model"])
                #expect(json["rows"]?.arrayValue?.map { $0["requests"] } == [3, 1])
                #expect(json["rows"]?[0]?["input_tokens"] == 300)
                // gpt-4.1 at $2 in and $8 out per million tokens: 100 in and 20 out, three times.
                let cost = try #require(json["rows"]?[0]?["cost_usd"]?.doubleValue)
                #expect(abs(cost - 3 * (100 * 2 + 20 * 8) / 1_000_000) < 1e-12)
                #expect(json["rows"]?[0]?["unpriced_requests"] == 0)
                #expect(json["rows"]?[1]?["cost_usd"] == .null, "a model without known prices: unknown, not 0")
                #expect(json["rows"]?[1]?["unpriced_requests"] == 1)
                #expect(json["total"]?["requests"] == 4)
                #expect(json["total"]?["unpriced_requests"] == 1)

                let bySession = try await harness.send(.GET, "/api/usage?group_by=session").json
                #expect(bySession["rows"]?.arrayValue?.map { $0["key"] } == ["session-1", "session-2"])
                let byDay = try await harness.send(.GET, "/api/usage").json
                #expect(byDay["rows"]?.arrayValue?.map { $0["key"] } == [.string(UTCTime.now.day)])
                let byKey = try await harness.send(.GET, "/api/usage?group_by=key").json
                #expect(byKey["rows"]?.arrayValue?.map { $0["key"] } == [""])

                let bad = try await harness.send(.GET, "/api/usage?group_by=week")
                #expect(bad.status == 400)
                #expect(try bad.json["error"]?["message"] == "group_by: must be one of day, model, key, session, not 'week'")
            }
        }
    }

    @Test func theAdminKeyGuardsReportsWhenSet() async throws {
        let database = try await TestLedgerDatabase(.sqlite)
        try await database.withLedger { ledger in
            try await ProxyHarness.run(environment: ["ADMIN_API_KEY": "admin-key-7f3c9e1d"], ledger: ledger) { harness in
                let refused = try await harness.send(.GET, "/api/usage")
                #expect(refused.status == 401)
                #expect(try refused.json["error"]?["message"]?.stringValue?.contains("ADMIN_API_KEY") == true)
                #expect(try await harness.send(.GET, "/api/usage", headers: ["x-api-key": "admin-key-7f3c9e1d"]).status == 200)
                #expect(try await harness.send(.GET, "/api/usage", headers: ["authorization": "Bearer admin-key-7f3c9e1d"]).status == 200)
            }
        }
    }

    @Test func theDashboardsAPIGivesTargetsRecentRequestsAndStatus() async throws {
        let database = try await TestLedgerDatabase(.sqlite)
        try await database.withLedger { ledger in
            try await ProxyHarness.run(ledger: ledger) { harness in
                #expect(try await harness.post("/v1/messages", json: Self.request).status == 200)
                harness.fake.enqueue(FakeReply.failing(400, "Unsupported parameter: 'temperature'"))
                #expect(try await harness.post("/v1/messages", json: streamed(Self.request)).status == 400)
                _ = try await harness.records.waitFor(2)

                let targets = try await harness.send(.GET, "/api/targets").json
                let target = try #require(targets["rows"]?[0])
                #expect(target["target"] == "openai/gpt-4.1")
                #expect(target["requests"] == 2 && target["errors"] == 1 && target["error_rate"] == 0.5)
                #expect((target["duration_ms"]?["p95"]?.intValue ?? -1) >= (target["duration_ms"]?["p50"]?.intValue ?? 0))

                let recent = try await harness.send(.GET, "/api/requests?limit=1").json
                let newest = try #require(recent["rows"]?.arrayValue)
                #expect(newest.count == 1)
                #expect(newest[0]["status"] == 400 && newest[0]["stream"] == true && newest[0]["error_type"] == "invalid_request_error")
                #expect(newest[0]["client_model"] == "claude-sonnet-4-6" && newest[0]["session_id"] == "session-1")
                #expect(try await harness.send(.GET, "/api/requests?limit=0").status == 400)

                let status = try await harness.send(.GET, "/api/status").json
                #expect(status == ["streams_open": 0, "ledger": true])
            }
        }
    }

    @Test func theDashboardsLoginGivesACookieThatOpensTheAPI() async throws {
        let database = try await TestLedgerDatabase(.sqlite)
        try await database.withLedger { ledger in
            let adminKey = "admin key+with/odd=chars"
            try await ProxyHarness.run(environment: ["ADMIN_API_KEY": adminKey], ledger: ledger) { harness in
                let page = try await harness.send(.GET, "/ui")
                #expect(page.status == 200 && page.headers["content-type"] == "text/html; charset=utf-8", "the page itself holds no data")
                #expect(try await harness.send(.GET, "/api/usage").status == 401)

                let form = "key=" + adminKey.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let wrong = try await harness.send(.POST, "/ui/login", body: Array("key=guess".utf8), headers: ["content-type": "application/x-www-form-urlencoded"])
                #expect(wrong.status == 303 && wrong.headers["set-cookie"] == nil)
                let login = try await harness.send(.POST, "/ui/login", body: Array(form.utf8), headers: ["content-type": "application/x-www-form-urlencoded"])
                #expect(login.status == 303)
                #expect(login.headers["location"] == "/ui")
                let cookie = try #require(login.headers["set-cookie"])
                #expect(cookie.hasPrefix("anthropic_proxy_admin=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
                #expect(!cookie.contains("admin key"), "the cookie is a session, not the key")
                let session = String(cookie.prefix { $0 != ";" })
                #expect(try await harness.send(.GET, "/api/usage", headers: ["cookie": session]).status == 200)
                #expect(try await harness.send(.GET, "/metrics", headers: ["cookie": session]).status == 200)
                #expect(try await harness.send(.GET, "/api/usage", headers: ["cookie": "anthropic_proxy_admin=forged"]).status == 401)
            }
        }
    }

    @Test(arguments: LedgerDatabaseKind.allCases) func retentionDeletesOldRequestRowsAndKeepsTheRollUps(_ kind: LedgerDatabaseKind) async throws {
        let database = try await TestLedgerDatabase(kind)
        try await database.withLedger { ledger in
            var record = RequestRecord(id: "req_old", receivedAt: UTCTime(millisecondsSince1970: 1_700_000_000_000), method: "POST", path: "/v1/messages")
            record.targets = [AttemptedTarget(RouteTarget(provider: .openAI, model: "gpt-4.1", baseURL: "https://x", apiKeys: [], keyVariable: "K"))]
            record.usage = Usage(inputTokens: 10, outputTokens: 5)
            ledger.observe(record)
            var recent = record
            recent.id = "req_new"
            recent.receivedAt = .now
            ledger.observe(recent)
            await ledger.flush()
            try await ledger.store.deleteRequests(startedBefore: "2024-01-01T00:00:00.000Z")
            #expect(try await database.rows().map { $0["id"]?.string } == ["req_new"])
            let old = try await ledger.store.summaries(UsageQuery(fromDay: "2023-11-14", toDay: "2023-11-14", grouping: .day))
            #expect(old.map(\.requests) == [1], "the day's roll-up outlives its request rows")
            #expect(old.first?.inputTokens == 10)
        }
    }

    /// A whole and a streamed request served while the ledger's database is down: both answered,
    /// both records dropped and counted.
    private static func serveWhileDown(_ harness: ProxyHarness, _ ledger: UsageLedger, _ dropped: DroppedRecords) async throws {
        #expect(try await harness.post("/v1/messages", json: request).status == 200)
        #expect(try await harness.post("/v1/messages", json: streamed(request)).status == 200)
        _ = try await harness.records.waitFor(2)
        await ledger.flush()
        #expect(dropped.count.withLock { $0 } == 2)
    }

    @Test func aDatabaseThatIsDownFailsNoRequestAndItsRecordsAreCounted() async throws {
        let database = try await TestLedgerDatabase(.sqlite)
        let dropped = DroppedRecords()
        try await database.withLedger(timeout: .milliseconds(50), dropped: dropped) { ledger in
            // Another process holds the database's write lock.
            let blocker = try await SQLiteConnection.open(storage: .file(path: database.setting), logger: Self.quiet)
            _ = try await blocker.query("BEGIN EXCLUSIVE")
            try await ProxyHarness.run(ledger: ledger) { harness in
                try await Self.serveWhileDown(harness, ledger, dropped)
                #expect(harness.logs.all.contains { $0.contains("usage ledger: 2 request records dropped") } == false, "the ledger logs with its own logger")

                _ = try await blocker.query("ROLLBACK")
                #expect(try await harness.post("/v1/messages", json: Self.request).status == 200)
                _ = try await harness.records.waitFor(3)
                await ledger.flush()
                #expect(try await database.rows().count == 1, "once the database is back, records are written again")
                #expect(dropped.count.withLock { $0 } == 2)
            }
            try await blocker.close()
        }
    }

    @Test func aPostgreSQLNotThereYetFailsNoRequestAndIsSetUpAndWrittenOnceItIs() async throws {
        let database = try await TestLedgerDatabase(.postgres, created: false)
        let dropped = DroppedRecords()
        try await database.withLedger(timeout: .seconds(10), migrated: false, dropped: dropped) { ledger in
            try await ProxyHarness.run(ledger: ledger) { harness in
                try await Self.serveWhileDown(harness, ledger, dropped)
                let report = try await harness.send(.GET, "/api/usage")
                #expect(report.status == 503)
                #expect(try report.json["error"]?["message"]?.stringValue?.hasPrefix("The usage database cannot be read now: postgres://postgres@127.0.0.1:") == true)

                try await #require(PostgresServer.current).createDatabase(PostgresServer.databaseName(database.setting))
                // The pool tries the server again after a pause that grows with each failure.
                var sent = 2
                repeat {
                    #expect(try await harness.post("/v1/messages", json: Self.request).status == 200)
                    sent += 1
                    _ = try await harness.records.waitFor(sent)
                    await ledger.flush()
                } while dropped.count.withLock({ $0 }) == sent && sent < 40
                let rows = try await database.rows()
                #expect(rows.count == 1, "the ledger made its tables and wrote the first record it could")
                #expect(rows.count + dropped.count.withLock { $0 } == sent)
            }
        }
    }

    @Test func instancesStartingTogetherMigrateOnce() async throws {
        let database = try await TestLedgerDatabase(.postgres)
        // They migrate one after the other: on a machine busy with the whole suite, four may take
        // longer than a request's 5 s.
        let stores = try await (0..<4).asyncMap { _ in try await database.store(timeout: .seconds(60)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in stores { group.addTask { try await store.migrate() } }
            try await group.waitForAll()
        }
        #expect(try await database.rows("ledger_schema", order: "version").map { $0["version"]?.integer } == [1, 2, 3, 4, 5, 6, 7, 8])
        for store in stores { try await store.close() }
    }
}

extension Sequence {
    fileprivate func asyncMap<Result>(_ transform: (Element) async throws -> Result) async rethrows -> [Result] {
        var results: [Result] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}

/// What the ledger reported dropped.
final class DroppedRecords: Sendable {
    let count = Mutex(0)
}
