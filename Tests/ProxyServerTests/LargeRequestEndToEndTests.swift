import Foundation
import ProxyCore
import Testing

@testable import ProxyServer

/// Requests far larger than a read buffer or a socket write arrive whole at the upstream, and
/// turns that resend the same tool definitions get them translated from the same bytes.
@Suite struct LargeRequestEndToEndTests {
    /// A session's later turn: the first-turn fixture plus a 3 MB tool result, the size of a long
    /// file Claude Code read.
    private func requestWithLargeToolResult(_ text: String, stream: Bool) throws -> JSONValue {
        var body = try #require(try claudeCodeFixture("first-turn").objectValue)
        var messages = try #require(body["messages"]?.arrayValue)
        messages.append(["role": "assistant", "content": [["type": "tool_use", "id": "toolu_big", "name": "Read", "input": ["file_path": "/tmp/big.txt"]]]])
        messages.append(["role": "user", "content": [["type": "tool_result", "tool_use_id": "toolu_big", "content": .string(text)]]])
        body["messages"] = .array(messages)
        body["stream"] = .bool(stream)
        return .object(body)
    }

    @Test func aThreeMegabyteToolResultReachesTheUpstreamWholeAndStreamed() async throws {
        let line = "line of a long file with \"quotes\", a back\\slash, a tab\there and ünïcödé €\n"
        let text = String(repeating: line, count: 3 * 1024 * 1024 / line.utf8.count)
        try await ProxyHarness.run { harness in
            for stream in [false, true] {
                harness.fake.enqueue(FakeReply(text: "Read it."))
                let reply = try await harness.post("/v1/messages", json: try requestWithLargeToolResult(text, stream: stream))
                #expect(reply.status == 200, "\(String(decoding: reply.body.prefix(300), as: UTF8.self))")
            }
            let sent = harness.fake.receivedRequests
            #expect(sent.count == 2)
            for request in sent {
                let toolMessage = request["messages"]?.arrayValue?.first { $0["role"] == "tool" }
                #expect(toolMessage?["tool_call_id"] == "toolu_big")
                #expect(toolMessage?["content"] == .string(text), "the tool result arrives byte for byte")
                #expect(request["tools"]?.arrayValue?.count == 11, "the deferred tool that was never loaded is left out")
            }
            #expect(sent[0]["tools"] == sent[1]["tools"], "the second turn's tools, from the parsed-once definitions, translate the same")
        }
    }

    /// A large request's count (its decoding, the count request or the estimate, on the bulk
    /// threads) is the one a small request gets: the local estimate for OpenAI, Gemini's own count
    /// of the whole conversation, and the estimate again when Gemini cannot count.
    @Test func aLargeRequestIsCountedWhole() async throws {
        let text = String(repeating: "a line of output, ünïcödé and \"quoted\"\n", count: 300 * 1024 / 40)
        var body = try #require(try requestWithLargeToolResult(text, stream: false).objectValue)
        body["max_tokens"] = nil
        body["stream"] = nil
        let estimate = TokenEstimator.estimate(try MessagesRequest(json: .object(body), countingTokens: true))
        try await ProxyHarness.run { harness in
            let counted = try await harness.post("/v1/messages/count_tokens", json: .object(body))
            #expect(counted.status == 200)
            #expect(try counted.json["input_tokens"] == .int(estimate))
            #expect(estimate > 300 * 1024 / 5, "the tool result is counted")
            #expect(harness.fake.receivedRequests.isEmpty)
        }
        try await ProxyHarness.run(environment: GeminiEndToEndTests.environment()) { harness in
            let counted = try await harness.post("/v1/messages/count_tokens", json: .object(body))
            #expect(try counted.json["input_tokens"] == .int(FakeGeminiUpstream.countedTokens))
            let asked = try #require(harness.gemini.receivedRequests.last)
            #expect(asked.method == "countTokens")
            let contents = try #require(asked.body["generateContentRequest"]?["contents"]?.arrayValue)
            #expect(contents.last?["parts"]?[0]?["functionResponse"]?["response"]?["output"] == .string(text), "the tool result reaches Gemini whole")

            harness.gemini.failCountTokens(with: .failure(500, "INTERNAL", "An internal error has occurred."))
            let estimated = try await harness.post("/v1/messages/count_tokens", json: .object(body))
            #expect(estimated.status == 200)
            #expect(try estimated.json["input_tokens"] == .int(estimate))
        }
    }

    /// The niceness of each of this process's threads (the proxy runs in it), by thread name. A
    /// thread that ends between the listing and the reading (other tests run beside) is left out.
    private func threadNiceness() throws -> [(name: String, nice: Int)] {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").compactMap { task in
            guard let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
                let comm = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)
            else { return nil }
            let name = comm.trimmingCharacters(in: .whitespacesAndNewlines)
            // After the name's closing parenthesis: state is field 3, nice field 19.
            let fields = stat[stat.index(after: try #require(stat.lastIndex(of: ")")))...].split(separator: " ")
            return Int(fields[16]).map { (name, $0) }
        }
    }

    @Test func workOnLargeBodiesAloneRunsBelowTheEventLoopsPriority() async {
        // The niceness of the thread the work runs on (Linux keeps one per thread).
        let large = await BulkWorkExecutor.run(forBytes: BulkWorkExecutor.threshold) { getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) }
        let small = await BulkWorkExecutor.run(forBytes: 40_000) { getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) }
        #expect(large == BulkWorkExecutor.niceness)
        #expect(small == 0)
    }

    @Test func theBulkThreadsRunBelowTheEventLoopsPriority() async throws {
        let text = String(repeating: "a line of output\n", count: 300 * 1024 / 17)
        try await ProxyHarness.run { harness in
            harness.fake.enqueue(FakeReply(text: "Read it."))
            let reply = try await harness.post("/v1/messages", json: try requestWithLargeToolResult(text, stream: false))
            #expect(reply.status == 200)
            let threads = try threadNiceness()
            #expect(threads.contains { $0.name.hasPrefix("TP-") && $0.nice == Int(BulkWorkExecutor.niceness) }, "the bulk threads: \(threads)")
            let loops = threads.filter { $0.name.hasPrefix("NIO-") }
            #expect(!loops.isEmpty && loops.allSatisfy { $0.nice == 0 }, "the event loops keep their priority: \(loops)")
        }
    }
}
