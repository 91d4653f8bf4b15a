import ProxyCore
import Testing

/// A session's later turns, whatever the proxy keeps from the turns before, reach the upstream as
/// they would with nothing kept (`PREFIX_CACHE=off`).
@Suite struct LaterTurnsEndToEndTests {
    /// A Bash call and its result, the last marked with a `cache_control` breakpoint as Claude
    /// Code marks the newest message.
    private static func exchange(_ number: Int, output: String, marked: Bool) -> [JSONValue] {
        var result: JSONObject = ["type": "tool_result", "tool_use_id": .string("toolu_\(number)"), "content": .string(output)]
        if marked { result["cache_control"] = ["type": "ephemeral"] }
        return [
            ["role": "assistant", "content": [["type": "tool_use", "id": .string("toolu_\(number)"), "name": "Bash", "input": ["command": .string("cat part\(number).txt")]]]],
            ["role": "user", "content": [.object(result)]],
        ]
    }

    /// The turns: a session growing, then rewound to its second exchange, edited, and going on.
    private static func turns() throws -> [JSONValue] {
        var body = try #require(try claudeCodeFixture("first-turn").objectValue)
        body["stream"] = false
        let opening = try #require(body["messages"]?.arrayValue)
        // The first result is a long file, so that every turn's body is large enough for the
        // proxy to keep (`UpstreamBodyBuffers.threshold`).
        let outputs = (1...4).map { "part \($0): \"quoted\", a tab\there, ünïcödé €\n" + String(repeating: "line \($0) of the file\n", count: $0 == 1 ? 14_000 : 300) }
        let histories: [[(Int, String)]] = [
            [(1, outputs[0])],
            [(1, outputs[0]), (2, outputs[1])],
            [(1, outputs[0]), (2, outputs[1]), (3, outputs[2])],
            [(1, outputs[0]), (2, outputs[1]), (3, outputs[2]), (4, outputs[3])],
            [(1, outputs[0]), (2, "part 2, read again")],
            [(1, outputs[0]), (2, "part 2, read again"), (3, outputs[2])],
        ]
        return histories.map { history in
            var turn = body
            turn["messages"] = .array(
                opening + history.enumerated().flatMap { index, exchange in Self.exchange(exchange.0, output: exchange.1, marked: index == history.count - 1) })
            return .object(turn)
        }
    }

    private static func upstreamRequests(environment: [String: String]) async throws -> [JSONValue] {
        let turns = try turns()
        return try await ProxyHarness.run(environment: environment) { harness in
            for turn in turns {
                let reply = try await harness.post("/v1/messages", json: turn)
                #expect(reply.status == 200, "\(String(decoding: reply.body.prefix(300), as: UTF8.self))")
            }
            return harness.fake.receivedRequests
        }
    }

    @Test func laterTurnsReachTheUpstreamAsWithNothingKept() async throws {
        let kept = try await Self.upstreamRequests(environment: [:])
        let anew = try await Self.upstreamRequests(environment: ["PREFIX_CACHE": "off"])
        #expect(kept.count == 6)
        #expect(anew.count == 6)
        for (index, (kept, anew)) in zip(kept, anew).enumerated() {
            // Compared apart from the expectation, which would print both whole requests.
            let same = kept == anew
            #expect(same, "turn \(index + 1) reaches the upstream as it would with nothing kept")
        }
    }
}
