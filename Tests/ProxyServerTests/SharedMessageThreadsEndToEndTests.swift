import ProxyCore
import Testing

@testable import ProxyServer

/// Two proxy instances sharing a PostgreSQL usage database: a thread made on one is continued on
/// the other, whole and streamed, as a load balancer sends the SDK's turns wherever it likes.
@Suite(.postgres) struct SharedMessageThreadsEndToEndTests {
    private static let beta = ["anthropic-beta": "message-threads-2026-08-12"]

    private func body(_ thread: JSONValue, _ text: String, stream: Bool) -> JSONValue {
        var body: JSONObject = [
            "model": "claude-sonnet-4-6", "max_tokens": 100, "stream": .bool(stream), "thread": thread,
            "messages": [["role": "user", "content": .string(text)]],
        ]
        if thread["type"] == "create" { body["system"] = "Answer in one line." }
        return .object(body)
    }

    private func replyID(_ reply: ProxyHarness.Reply) throws -> String {
        try #require(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
        return try reply.message.id
    }

    @Test(arguments: [false, true])
    func aThreadMadeOnOneInstanceGoesOnOnTheOther(stream: Bool) async throws {
        let database = try await TestLedgerDatabase(.postgres)
        let first = try await database.ledger()
        let second = try await database.ledger()
        try await ProxyHarness.run(ledger: first) { one in
            try await ProxyHarness.run(ledger: second) { other in
                one.fake.enqueue(FakeReply(text: "Paris."))
                let made = try replyID(try await one.post("/v1/messages", json: body(["type": "create"], "Capital of France?", stream: stream), headers: Self.beta))
                other.fake.enqueue(FakeReply(text: "2.1 million."))
                let next = try await other.post(
                    "/v1/messages", json: body(["type": "continue", "previous_message_id": .string(made)], "Population?", stream: stream), headers: Self.beta)
                let continued = try replyID(next)
                let sent = try #require(other.fake.receivedRequests.first)
                #expect(sent["messages"]?.arrayValue?.compactMap { $0["content"]?.stringValue } == ["Answer in one line.", "Capital of France?", "Paris.", "Population?"])

                // Back on the first instance, which must not take its own memory of the thread for its end.
                let stale = try await one.post(
                    "/v1/messages", json: body(["type": "continue", "previous_message_id": .string(made)], "Again?", stream: stream), headers: Self.beta)
                #expect(stale.status == 400)
                #expect(try stale.json["error"]?["details"]?["error_code"] == "thread_already_continued")
                one.fake.enqueue(FakeReply(text: "The Seine."))
                _ = try replyID(
                    try await one.post(
                        "/v1/messages", json: body(["type": "continue", "previous_message_id": .string(continued)], "River?", stream: stream),
                        headers: Self.beta))
                #expect(
                    one.fake.receivedRequests.last?["messages"]?.arrayValue?.compactMap { $0["content"]?.stringValue }
                        == ["Answer in one line.", "Capital of France?", "Paris.", "Population?", "2.1 million.", "River?"])
            }
        }
        try await first.store.close()
        try await second.store.close()
    }
}
