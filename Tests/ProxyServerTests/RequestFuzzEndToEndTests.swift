import ProxyCore
import Testing

/// Mutated Claude Code requests thrown at the real server: every answer is a success or a 4xx in
/// Anthropic's shape, never a 5xx or a dropped connection, and the server keeps serving.
@Suite struct RequestFuzzEndToEndTests {
    /// A small deterministic generator (xorshift64*), so a failure can be replayed.
    private struct Mutator {
        var state: UInt64

        mutating func next(below bound: Int) -> Int {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return Int((state &* 0x2545_F491_4F6C_DD1D) % UInt64(bound))
        }

        /// One of: truncate, flip a byte, drop a span, duplicate a span, or swap a value's type.
        mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
            var bytes = bytes
            switch next(below: 5) {
            case 0: bytes = Array(bytes.prefix(next(below: bytes.count)))
            case 1: bytes[next(below: bytes.count)] = UInt8(next(below: 256))
            case 2:
                let start = next(below: bytes.count)
                bytes.removeSubrange(start..<min(bytes.count, start + 1 + next(below: 64)))
            case 3:
                let start = next(below: bytes.count)
                bytes.insert(contentsOf: bytes[start..<min(bytes.count, start + 1 + next(below: 64))], at: next(below: bytes.count))
            default:
                let replacements: [String] = ["null", "0", "\"x\"", "[]", "{}", "true", "-1e999"]
                let colon = bytes.indices.filter { bytes[$0] == UInt8(ascii: ":") }
                guard let at = colon.isEmpty ? nil : colon[next(below: colon.count)] else { break }
                bytes.insert(contentsOf: Array(replacements[next(below: replacements.count)].utf8) + Array(",\"z\":".utf8), at: at + 1)
            }
            return bytes
        }
    }

    @Test func mutatedClaudeCodeRequestsGetASuccessOrA4xxAndTheServerKeepsServing() async throws {
        var fixtures: [[UInt8]] = []
        for name in ["first-turn", "tool-result-turn", "parallel-tool-results-turn"] {
            var body = try #require(try claudeCodeFixture(name).objectValue)
            body["stream"] = false
            fixtures.append(JSONWriter.encode(.object(body)))
        }
        try await ProxyHarness.run { harness in
            var mutator = Mutator(state: 0x9E37_79B9_7F4A_7C15)
            var statuses: [Int: Int] = [:]
            for round in 0..<300 {
                let body = mutator.mutate(fixtures[round % fixtures.count])
                let reply = try await harness.send(.POST, "/v1/messages?beta=true", body: body)
                statuses[reply.status, default: 0] += 1
                #expect(reply.status == 200 || (400..<500).contains(reply.status), "round \(round): \(reply.status)")
                if reply.status != 200 {
                    #expect(try reply.json["type"] == "error", "round \(round)")
                }
            }
            #expect(statuses[200, default: 0] > 0 && statuses[400, default: 0] > 0, "\(statuses)")
            let plain = try await harness.post("/v1/messages", json: ["model": "claude-sonnet-4-6", "max_tokens": 10, "messages": [["role": "user", "content": "hi"]]])
            #expect(plain.status == 200)
        }
    }
}
