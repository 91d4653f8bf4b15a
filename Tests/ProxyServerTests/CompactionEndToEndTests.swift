import ProxyCore
import Testing

/// Server-side compaction (`compact_20260112`) through the real server to the strict OpenAI fake:
/// a long session is summarised by the upstream model, then answered from the summary, and the
/// reply opens with the compaction, whole and streamed; paused, the compaction is the reply; sent
/// back, the compaction is where the next turn's prompt starts. What both generations took is
/// what the request is billed.
@Suite struct CompactionEndToEndTests {
    /// 240,003 bytes: 60,001 estimated tokens.
    private static let listing = String(repeating: "log line\n", count: 26_667)
    private static let summaryTurn = "This conversation was compacted; a summary of what came before it:\n\nRoutine logs."
    private static let beta = ["anthropic-beta": "compact-2026-01-12"]

    private static let session: [JSONValue] = [
        ["role": "user", "content": "Look at the logs."],
        ["role": "assistant", "content": [["type": "tool_use", "id": "toolu_1", "name": "Bash", "input": ["command": "cat app.log"]]]],
        ["role": "user", "content": [["type": "tool_result", "tool_use_id": "toolu_1", "content": .string(listing)]]],
        ["role": "assistant", "content": "The log is all routine."],
        ["role": "user", "content": "Anything odd at noon?"],
    ]

    private static func body(_ messages: [JSONValue] = session, stream: Bool = false, pause: Bool = false) -> JSONValue {
        [
            "model": "claude-sonnet-4-5", "max_tokens": 1_024, "stream": .bool(stream), "messages": .array(messages),
            "tools": [["name": "Bash", "description": "Runs a command", "input_schema": ["type": "object", "properties": ["command": ["type": "string"]]]]],
            "context_management": [
                "edits": [["type": "compact_20260112", "trigger": ["type": "input_tokens", "value": 50_000], "pause_after_compaction": .bool(pause)]]
            ],
        ]
    }

    /// The fake's usage for every reply.
    private static let fakeUsage = Usage(inputTokens: 100, outputTokens: 20)

    @Test func aLongSessionIsSummarisedThenAnsweredFromTheSummary() async throws {
        try await ProxyHarness.run { harness in
            for stream in [false, true] {
                harness.fake.enqueue(FakeReply(text: "Routine logs."), FakeReply(text: "Nothing odd."))
                let reply = try await harness.post("/v1/messages", json: Self.body(stream: stream), headers: Self.beta)
                #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
                let message = try reply.message
                #expect(message.content == [.compaction("Routine logs."), .text("Nothing odd.")], "stream: \(stream)")
                #expect(message.stopReason == .endTurn)
                #expect(message.usage == CompactionPlan.usage(Self.fakeUsage, afterCompaction: Self.fakeUsage), "stream: \(stream)")
            }
            let sent = harness.fake.receivedRequests
            try #require(sent.count == 4)
            for (summarising, stream) in [(sent[0], false), (sent[2], true)] {
                let messages = summarising["messages"]?.arrayValue ?? []
                #expect(messages.count == 6, "the whole session (the tool result is a tool message), then the instructions")
                #expect(messages.last == ["role": "user", "content": .string(CompactionPlan.defaultInstructions)])
                #expect(summarising["tool_choice"] == "none")
                #expect((summarising["stream"]?.boolValue ?? false) == stream, "streamed as the client's reply is")
            }
            for answering in [sent[1], sent[3]] {
                #expect(answering["messages"] == [["role": "user", "content": .string(Self.summaryTurn)], ["role": "user", "content": "Anything odd at noon?"]])
            }
            #expect(sent[3]["stream"] == true)
            // Both generations are billed.
            let records = try await harness.records.waitFor(2)
            #expect(records.map(\.usage) == [Usage(inputTokens: 200, outputTokens: 40), Usage(inputTokens: 200, outputTokens: 40)])
        }
    }

    /// A whole reply's request that fails after the summary goes back to the attempt loop, which
    /// fails over (here to the backup channel) or retries; the retry answers from the summary
    /// already written, and the request is billed for it once.
    @Test(arguments: [false, true])
    func aWholeReplyRetriedAfterTheCompactionAnswersFromTheSummaryAlreadyWritten(failingOver: Bool) async throws {
        try await ProxyHarness.run(environment: failingOver ? ProxyHarness.fallbackEnvironment : [:]) { harness in
            harness.fake.enqueue(FakeReply(text: "Routine logs."), FakeReply.failing(529, "Overloaded"), FakeReply(text: "Nothing odd."))
            let reply = try await harness.post("/v1/messages", json: Self.body(), headers: Self.beta)
            #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
            let message = try reply.message
            #expect(message.content == [.compaction("Routine logs."), .text("Nothing odd.")])
            #expect(message.usage == CompactionPlan.usage(Self.fakeUsage, afterCompaction: Self.fakeUsage))
            let sent = harness.fake.receivedRequests
            #expect(sent.map { $0["model"] } == ["gpt-4.1", "gpt-4.1", failingOver ? "gpt-4o" : "gpt-4.1"], "one summary, then the reply's request twice")
            #expect(sent.last?["messages"] == [["role": "user", "content": .string(Self.summaryTurn)], ["role": "user", "content": "Anything odd at noon?"]])
            let records = try await harness.records.waitFor(1)
            #expect(records.map(\.usage) == [Usage(inputTokens: 200, outputTokens: 40)], "the summary once, the reply once")
        }
    }

    /// When every attempt at the reply fails after the summary, the error goes to the client and
    /// what the summary took is still billed.
    @Test func aWholeReplyThatFailsAfterTheCompactionBillsTheSummary() async throws {
        try await ProxyHarness.run(environment: ["MAX_RETRIES": "0"]) { harness in
            harness.fake.enqueue(FakeReply(text: "Routine logs."), FakeReply.failing(529, "Overloaded"))
            let reply = try await harness.post("/v1/messages", json: Self.body(), headers: Self.beta)
            #expect(reply.status == 529)
            #expect(try reply.json["error"]?["type"] == "overloaded_error")
            #expect(harness.fake.receivedRequests.count == 2)
            let records = try await harness.records.waitFor(1)
            #expect(records.map(\.usage) == [Self.fakeUsage], "the summary's tokens, and nothing for the failed reply")
            #expect(records.first?.costUSD ?? 0 > 0)
        }
    }

    /// Gemini wants turns that alternate: the summary and the question go as one user turn.
    @Test func geminiTakesTheSummaryAndTheCompactedRequest() async throws {
        try await ProxyHarness.run(environment: ["BIG_MODEL": "gemini/gemini-2.5-pro", "SMALL_MODEL": "gemini/gemini-2.5-pro"]) { harness in
            harness.gemini.enqueue(FakeGeminiReply(text: "Routine logs."), FakeGeminiReply(text: "Nothing odd."))
            let reply = try await harness.post("/v1/messages", json: Self.body(stream: true), headers: Self.beta)
            #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
            #expect(try reply.message.content == [.compaction("Routine logs."), .text("Nothing odd.")])
            let sent = harness.gemini.generateRequests
            try #require(sent.count == 2)
            #expect(sent[1]["contents"]?.arrayValue?.count == 1)
            #expect(sent[1]["contents"]?[0]?["parts"] == [["text": .string(Self.summaryTurn)], ["text": "Anything odd at noon?"]])
        }
    }

    @Test func pausedTheCompactionIsTheWholeReply() async throws {
        try await ProxyHarness.run { harness in
            for stream in [false, true] {
                harness.fake.enqueue(FakeReply(text: "Routine logs."))
                let reply = try await harness.post("/v1/messages", json: Self.body(stream: stream, pause: true), headers: Self.beta)
                #expect(reply.status == 200)
                let message = try reply.message
                #expect(message.content == [.compaction("Routine logs.")])
                #expect(message.stopReason == .compaction)
                #expect(message.usage == Usage(compaction: Self.fakeUsage.counts), "its own counts are zero, the compaction's in iterations")
            }
            #expect(harness.fake.receivedRequests.count == 2, "one summary each, nothing more")
        }
    }

    /// A request the proxy compacts still says what cache diagnostics found, whole or streamed,
    /// paused or answered, and its reply's id names its prompt for the next request.
    @Test(arguments: [false, true])
    func aCompactedRequestSaysWhatCacheDiagnosticsFound(pause: Bool) async throws {
        try await ProxyHarness.run { harness in
            for stream in [false, true] {
                var body = try #require(Self.body(stream: stream, pause: pause).objectValue)
                body["diagnostics"] = ["previous_message_id": "msg_01NotKeptAnywhere00000000"]
                harness.fake.enqueue(FakeReply(text: "Routine logs."))
                if !pause { harness.fake.enqueue(FakeReply(text: "Nothing odd.")) }
                let first = try await harness.post("/v1/messages", json: .object(body), headers: Self.beta).message
                #expect(first.cacheDiagnosis == .missed(.previousMessageNotFound), "stream: \(stream)")
                body["diagnostics"] = ["previous_message_id": .string(first.id)]
                harness.fake.enqueue(FakeReply(text: "Routine logs."))
                if !pause { harness.fake.enqueue(FakeReply(text: "Nothing odd.")) }
                let again = try await harness.post("/v1/messages", json: .object(body), headers: Self.beta).message
                #expect(again.cacheDiagnosis == .unchanged, "the same prompt as the reply it names, stream: \(stream)")
            }
        }
    }

    /// The client's stream starts once the upstream has taken the summary's request: the
    /// compaction block is open, and pings flow while the summary is written.
    @Test func aStreamedCompactionFlowsWhileTheSummaryIsWritten() async throws {
        try await ProxyHarness.run(environment: ["PING_INTERVAL_SECONDS": "1"]) { harness in
            var summary = FakeReply(text: "Routine logs.")
            // Three ping intervals of silence, for a test process held up for a second (see
            // ClaudeCodeContinuityTests.silentUpstreamIsBridgedWithPings).
            summary.pauseAfterFirstChunk = .seconds(3)
            harness.fake.enqueue(summary, FakeReply(text: "Nothing odd."))
            let events = try await harness.post("/v1/messages", json: Self.body(stream: true), headers: Self.beta).events
            let opening = events.prefix { if case .contentBlockDelta = $0 { false } else { true } }
            guard case .messageStart? = opening.first else {
                Issue.record("the stream must open with message_start: \(events.prefix(3))")
                return
            }
            #expect(opening.dropFirst(2).first == .contentBlockStart(index: 0, block: .compaction()))
            #expect(opening.filter { $0 == .ping }.count >= 2, "the opening's ping, then at least one while the summary is written: \(opening)")
            var accumulator = StreamAccumulator()
            for event in events { try accumulator.consume(event) }
            #expect(try #require(accumulator.finalMessage).content == [.compaction("Routine logs."), .text("Nothing odd.")])
        }
    }

    /// Refused, the summary's request still goes to the next target: the client's stream has not
    /// started.
    @Test func aRefusedSummaryFallsBackBeforeTheStreamStarts() async throws {
        try await ProxyHarness.run(environment: ProxyHarness.fallbackEnvironment) { harness in
            harness.fake.enqueue(FakeReply.failing(529, "Overloaded"), FakeReply(text: "Routine logs."), FakeReply(text: "Nothing odd."))
            let reply = try await harness.post("/v1/messages", json: Self.body(stream: true), headers: Self.beta)
            #expect(reply.status == 200)
            #expect(reply.headers["x-proxy-upstream-model"] == "openai/gpt-4o:backup")
            #expect(try reply.message.content == [.compaction("Routine logs."), .text("Nothing odd.")])
            #expect(harness.fake.receivedRequests.map { $0["model"] } == ["gpt-4.1", "gpt-4o", "gpt-4o"])
        }
    }

    /// Once the stream has started, a refusal of the reply's own request is an error event after
    /// the compaction (a 400 is not tried again); what the summary took is billed.
    @Test func aReplyRefusedAfterTheCompactionEndsTheStreamWithAnError() async throws {
        try await ProxyHarness.run { harness in
            harness.fake.enqueue(FakeReply(text: "Routine logs."), FakeReply.failing(400, "Invalid request"))
            let reply = try await harness.post("/v1/messages", json: Self.body(stream: true), headers: Self.beta)
            #expect(reply.status == 200)
            let events = try reply.events
            #expect(events.contains(.contentBlockDelta(index: 0, delta: .compaction("Routine logs."))))
            guard case .error(let error)? = events.last else {
                Issue.record("the stream must end with an error event: \(events.suffix(3))")
                return
            }
            #expect(error.kind == .invalidRequest)
            #expect(error.message.contains("Invalid request"))
            #expect(harness.fake.receivedRequests.count == 2)
            let records = try await harness.records.waitFor(1)
            #expect(records.map(\.usage) == [Self.fakeUsage])
            #expect(records.map(\.attempts) == [1])
        }
    }

    /// The stream has started, so the reply's own request cannot go back to the attempt loop:
    /// an overloaded upstream is asked again there, after a backoff, and the session goes on
    /// from the summary it already has.
    @Test func anOverloadedReplyAfterAStreamedCompactionIsAskedAgain() async throws {
        try await ProxyHarness.run { harness in
            harness.fake.enqueue(FakeReply(text: "Routine logs."), FakeReply.failing(529, "Overloaded"), FakeReply(text: "Nothing odd."))
            let reply = try await harness.post("/v1/messages", json: Self.body(stream: true), headers: Self.beta)
            #expect(reply.status == 200)
            let message = try reply.message
            #expect(message.content == [.compaction("Routine logs."), .text("Nothing odd.")])
            #expect(message.stopReason == .endTurn)
            let sent = harness.fake.receivedRequests
            try #require(sent.count == 3, "one summary, then the reply's request twice")
            #expect(sent[2] == sent[1])
            #expect(sent[1]["messages"] == [["role": "user", "content": .string(Self.summaryTurn)], ["role": "user", "content": "Anything odd at noon?"]])
            let records = try await harness.records.waitFor(1)
            #expect(records.map(\.usage) == [Usage(inputTokens: 200, outputTokens: 40)], "both generations, and nothing for the refusal")
            #expect(records.map(\.attempts) == [2])
            #expect(records.map { $0.targets.map(\.model) } == [["gpt-4.1", "gpt-4.1"]])
            #expect(harness.logs.all.contains { $0.contains("openai/gpt-4.1 failed (529 overloaded_error: OpenAI upstream (model 'gpt-4.1') answered HTTP 529: Overloaded); trying openai/gpt-4.1 in") }, "\(harness.logs.all)")
            #expect(harness.logs.all.contains { $0.contains("→ openai/gpt-4.1 (attempt 2)") }, "the access log counts the attempt")
        }
    }

    /// Asked again as often as the retry budget allows, an upstream that stays overloaded ends
    /// the stream with its error.
    @Test func aReplyOverloadedBeyondTheRetriesEndsTheStreamWithItsError() async throws {
        try await ProxyHarness.run(environment: ["MAX_RETRIES": "1"]) { harness in
            harness.fake.enqueue(FakeReply(text: "Routine logs."), FakeReply.failing(529, "Overloaded"), FakeReply.failing(529, "Overloaded"))
            let events = try await harness.post("/v1/messages", json: Self.body(stream: true), headers: Self.beta).events
            guard case .error(let error)? = events.last else {
                Issue.record("the stream must end with an error event: \(events.suffix(3))")
                return
            }
            #expect(error.kind == .overloaded)
            #expect(harness.fake.receivedRequests.count == 3)
            let records = try await harness.records.waitFor(1)
            #expect(records.map(\.attempts) == [2])
        }
    }

    @Test func theNextTurnStartsFromTheCompaction() async throws {
        try await ProxyHarness.run { harness in
            harness.fake.enqueue(FakeReply(text: "Routine logs."), FakeReply(text: "Nothing odd."), FakeReply(text: "You are welcome."))
            let first = try await harness.post("/v1/messages", json: Self.body(), headers: Self.beta)
            let content = try #require(try first.json["content"])
            let next = Self.session + [["role": "assistant", "content": content], ["role": "user", "content": "Thanks."]]
            let second = try await harness.post("/v1/messages", json: Self.body(next), headers: Self.beta)
            #expect(try second.message.content == [.text("You are welcome.")], "the prompt is short again: no compaction")
            #expect(
                harness.fake.receivedRequests.last?["messages"] == [
                    ["role": "user", "content": .string(Self.summaryTurn)], ["role": "assistant", "content": "Nothing odd."], ["role": "user", "content": "Thanks."],
                ])
        }
    }

    /// `compaction: {"type": "summarize"}` (beta `compact-2026-09-04`): the conversation's summary
    /// alone, however short it is, whole and streamed.
    @Test func onDemandTheCompactionIsTheReply() async throws {
        try await ProxyHarness.run { harness in
            for stream in [false, true] {
                harness.fake.enqueue(FakeReply(text: "Greetings exchanged."))
                let body: JSONValue = [
                    "model": "claude-sonnet-4-5", "max_tokens": 1_024, "stream": .bool(stream), "compaction": ["type": "summarize"],
                    "messages": [["role": "user", "content": "Hi."], ["role": "assistant", "content": "Hello."]],
                ]
                let reply = try await harness.post("/v1/messages", json: body, headers: ["anthropic-beta": "compact-2026-09-04"])
                #expect(reply.status == 200, "\(String(decoding: reply.body, as: UTF8.self))")
                let message = try reply.message
                #expect(message.content == [.compaction("Greetings exchanged.")], "stream: \(stream)")
                #expect(message.stopReason == .compaction)
                #expect(message.usage == Usage(compaction: Self.fakeUsage.counts))
            }
            let sent = harness.fake.receivedRequests
            try #require(sent.count == 2, "one summary each, no reply asked for")
            #expect(
                sent[0]["messages"] == [
                    ["role": "user", "content": "Hi."], ["role": "assistant", "content": "Hello."],
                    ["role": "user", "content": .string(CompactionPlan.defaultInstructions)],
                ])
        }
    }
}
