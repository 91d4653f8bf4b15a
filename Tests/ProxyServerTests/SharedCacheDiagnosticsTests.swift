import ProxyCore
import Testing

@testable import ProxyServer

/// Cache diagnostics' fingerprints in a real PostgreSQL that instances share: a request names a
/// reply another instance gave, as a load balancer sends a client's requests wherever it likes.
@Suite(.postgres) struct SharedCacheDiagnosticsTests {
    private static func body(system: String = "You are terse.", messages: [JSONValue], previous: String?) -> JSONValue {
        [
            "model": "claude-sonnet-4-6", "max_tokens": 200, "system": .string(system), "messages": .array(messages),
            "diagnostics": ["previous_message_id": previous.map { .string($0) } ?? .null],
        ]
    }

    private static let fingerprint = PromptFingerprint(
        try! MessagesRequest(json: body(messages: [["role": "user", "content": "What is 2 + 2?"]], previous: nil)), model: "openai/gpt-4.1")

    /// Waits for the fingerprint of `id` to be written: a reply does not wait for it.
    private static func waitForFingerprint(of id: String, in database: TestLedgerDatabase) async throws {
        let giveUp = ContinuousClock.now + .seconds(60)
        while try await !database.rows("prompt_fingerprints", order: "kept_at").contains(where: { $0["message_id"] == .text(id) }) {
            try #require(ContinuousClock.now < giveUp, "the fingerprint of \(id) was never written")
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func aReplyGivenByOneInstanceIsComparedOnTheOther() async throws {
        let database = try await TestLedgerDatabase(.postgres)
        let first = try await database.ledger()
        let second = try await database.ledger()
        try await ProxyHarness.run(ledger: first) { one in
            try await ProxyHarness.run(ledger: second) { other in
                let question: JSONValue = ["role": "user", "content": "What is 2 + 2?"]
                one.fake.enqueue(FakeReply(text: "4."))
                let made = try await one.post("/v1/messages", json: Self.body(messages: [question], previous: nil)).message
                try await Self.waitForFingerprint(of: made.id, in: database)

                let conversation = [question, ["role": "assistant", "content": "4."], ["role": "user", "content": "And 3 + 3?"]]
                let second = Self.body(messages: conversation, previous: made.id)
                other.fake.enqueue(FakeReply(text: "6."))
                let continued = try await other.post("/v1/messages", json: second).message
                #expect(continued.cacheDiagnosis == .unchanged, "found in the database: only messages were added")
                try await Self.waitForFingerprint(of: continued.id, in: database)

                one.fake.enqueue(FakeReply(text: "6."))
                let edited = try await one.post("/v1/messages", json: Self.body(system: "You are terse. It is 10:42.", messages: conversation, previous: continued.id))
                #expect(try edited.message.cacheDiagnosis == .missed(.systemChanged(missedTokens: TokenEstimator.estimate(try MessagesRequest(json: second)))))
            }
        }
        try await first.store.close()
        try await second.store.close()
    }

    @Test func eachClientFindsItsOwnAndADayOldOneIsGone() async throws {
        let database = try await TestLedgerDatabase(.postgres)
        let store = try #require(try await database.store() as? PostgresUsageStore)
        try await store.migrate()
        _ = try await store.rows(
            "INSERT INTO prompt_fingerprints (message_id, owner, fingerprint, kept_at) VALUES ('msg_old', 'team-a', $1, '2026-11-01T09:00:00.000Z')",
            [.text(Self.fingerprint.encoded)])
        store.post(Self.fingerprint, owner: "team-a", replyID: "msg_new")
        try await Self.waitForFingerprint(of: "msg_new", in: database)
        #expect(try await store.fingerprint(replyID: "msg_new", owner: "team-a") == Self.fingerprint)
        #expect(try await store.fingerprint(replyID: "msg_new", owner: "team-b") == nil, "another client's")
        #expect(try await store.fingerprint(replyID: "msg_old", owner: "team-a") == nil, "older than a day: gone with the next one kept")
        let memory = PromptFingerprintStore(board: store)
        #expect(await memory.diagnosis(of: Self.fingerprint, previousMessageID: "msg_new", owner: "team-a") == .unchanged)
        try await store.close()
    }

    @Test func aDatabaseThatDoesNotAnswerLeavesTheDiagnosisUnavailable() async throws {
        let missing = try await TestLedgerDatabase(.postgres, created: false)
        let store = try #require(try await missing.store(timeout: .seconds(5)) as? PostgresUsageStore)
        let fingerprints = PromptFingerprintStore(board: store)
        #expect(await fingerprints.diagnosis(of: Self.fingerprint, previousMessageID: "msg_elsewhere", owner: "") == .missed(.unavailable))
        fingerprints.keep(Self.fingerprint, owner: "", replyID: "msg_here")
        #expect(await fingerprints.diagnosis(of: Self.fingerprint, previousMessageID: "msg_here", owner: "") == .unchanged, "kept in memory all the same")
        try await store.close()
    }
}
