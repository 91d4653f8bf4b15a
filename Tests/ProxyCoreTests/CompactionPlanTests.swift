import ProxyCore
import Testing

/// Server-side compaction (`compact_20260112`) on the backends that translate: when it runs, what
/// the summary request and the compacted request are, and the replies it makes, whole and streamed.
@Suite struct CompactionPlanTests {
    private static let configuration = try! ProxyConfiguration(environment: ["OPENAI_API_KEY": "sk"])

    /// A long session: a prompt, a 240,000-byte listing (60,000 estimated tokens) and the answer to
    /// it, then the turn being answered, `last`.
    private static func conversation(last: [JSONValue]) -> [JSONValue] {
        [
            ["role": "user", "content": "Look at the logs."],
            ["role": "assistant", "content": [["type": "tool_use", "id": "toolu_1", "name": "Bash", "input": ["command": "cat app.log"]]]],
            ["role": "user", "content": [["type": "tool_result", "tool_use_id": "toolu_1", "content": .string(String(repeating: "log line\n", count: 26_667))]]],
            ["role": "assistant", "content": "The log is all routine."],
        ] + last
    }

    private static let question: [JSONValue] = [["role": "user", "content": "Anything odd at noon?"]]

    private static func request(_ messages: [JSONValue], compact: JSONObject? = [:], stream: Bool = false) throws -> MessagesRequest {
        var body: JSONObject = [
            "model": "claude-sonnet-4-6", "max_tokens": 1_024, "stream": .bool(stream), "messages": .array(messages),
            "tools": [["name": "Bash", "input_schema": ["type": "object"]]],
        ]
        if var compact {
            compact["type"] = "compact_20260112"
            if compact["trigger"] == nil { compact["trigger"] = ["type": "input_tokens", "value": 50_000] }
            body["context_management"] = ["edits": [.object(compact)]]
        }
        return try MessagesRequest(json: .object(body))
    }

    private static func summaryTurn(_ summary: String) -> MessagesRequest.Message {
        MessagesRequest.Message(role: .user, content: [.text("This conversation was compacted; a summary of what came before it:\n\n\(summary)")])
    }

    @Test func itRunsOnlyOverItsTriggerAndWithSomethingBeforeTheTurn() throws {
        #expect(CompactionPlan(try Self.request(Self.conversation(last: Self.question))) != nil)
        #expect(CompactionPlan(try Self.request(Self.conversation(last: Self.question), compact: nil)) == nil, "no edit")
        #expect(CompactionPlan(try Self.request(Self.conversation(last: Self.question), compact: ["trigger": ["type": "input_tokens", "value": 70_000]])) == nil)
        #expect(CompactionPlan(try Self.request(Self.conversation(last: Self.question), compact: ["trigger": nil])) == nil, "the default trigger is 150,000")
        let alone: [JSONValue] = [["role": "user", "content": .string(String(repeating: "x", count: 240_000))]]
        #expect(CompactionPlan(try Self.request(alone)) == nil, "nothing comes before the turn being answered")
    }

    @Test func aTriggerUnderAnthropicsLowestIsA400() throws {
        let error = #expect(throws: AnthropicError.self) {
            try Self.request(Self.question, compact: ["trigger": ["type": "input_tokens", "value": 10_000]])
        }
        #expect(error?.message == "context_management.edits.0.trigger.value: must be at least 50000")
    }

    @Test func theSummaryIsAskedOfTheWholeConversationWithoutTools() throws {
        let request = try Self.request(Self.conversation(last: Self.question), stream: true)
        let summarising = try #require(CompactionPlan(request)).summaryRequest
        #expect(summarising.messages == request.messages + [MessagesRequest.Message(role: .user, content: [.text(CompactionPlan.defaultInstructions)])])
        #expect(summarising.stream, "streamed as the client's reply is, so that the client's stream starts at once")
        #expect(try #require(CompactionPlan(try Self.request(Self.conversation(last: Self.question)))).summaryRequest.stream == false)
        #expect(summarising.toolChoice == MessagesRequest.ToolChoice.none)
        #expect(summarising.maxTokens == 8_192)
        #expect(summarising.contextManagement == nil)
        let instructed = try #require(CompactionPlan(try Self.request(Self.conversation(last: Self.question), compact: ["instructions": "Keep only the errors."])))
        #expect(instructed.summaryRequest.messages.last == MessagesRequest.Message(role: .user, content: [.text("Keep only the errors.")]))
    }

    @Test func theReplyIsWrittenFromTheSummaryAndTheTurnBeingAnswered() throws {
        let plan = try #require(CompactionPlan(try Self.request(Self.conversation(last: Self.question))))
        let compacted = plan.compacted(summary: "Routine logs.")
        #expect(compacted.messages == [Self.summaryTurn("Routine logs."), MessagesRequest.Message(role: .user, content: [.text("Anything odd at noon?")])])
        #expect(compacted.contextManagement == ContextManagement(edits: []), "not asked to compact again")
        #expect(plan.compacted(summary: nil).messages == (try Self.request(Self.conversation(last: Self.question))).messages, "a failed summary leaves it whole")

        // A tool result keeps the call it answers.
        let toolTurn: [JSONValue] = [
            ["role": "assistant", "content": [["type": "tool_use", "id": "toolu_2", "name": "Bash", "input": ["command": "date"]]]],
            ["role": "user", "content": [["type": "tool_result", "tool_use_id": "toolu_2", "content": "noon"]]],
        ]
        let afterTools = try #require(CompactionPlan(try Self.request(Self.conversation(last: toolTurn)))).compacted(summary: "Routine logs.")
        #expect(afterTools.messages.map(\.role) == [.user, .assistant, .user])
        #expect(afterTools.messages[1].content == [.toolUse(id: "toolu_2", name: "Bash", input: ["command": "date"])])
    }

    @Test func repliesCarryTheCompactionFirstAndBothIterations() throws {
        let summaryUsage = Usage(inputTokens: 60_000, outputTokens: 300)
        let summaryReply = AnthropicMessage(id: "msg_1", model: "claude-sonnet-4-6", content: [.text("Routine logs.")], stopReason: .endTurn, usage: summaryUsage)
        #expect(CompactionPlan.summary(in: summaryReply) == "Routine logs.")
        #expect(CompactionPlan.summary(in: AnthropicMessage(id: "msg_1", model: "m", content: [.text(" \n")], stopReason: .endTurn, usage: summaryUsage)) == nil)

        let plan = try #require(CompactionPlan(try Self.request(Self.conversation(last: Self.question), compact: ["pause_after_compaction": true])))
        let paused = plan.pausedReply(summarising: summaryReply)
        #expect(paused.content == [.compaction("Routine logs.")])
        #expect(paused.stopReason == .compaction)
        #expect(
            paused.json["usage"] == [
                "input_tokens": 0, "output_tokens": 0, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
                "iterations": [["type": "compaction", "input_tokens": 60_000, "output_tokens": 300, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0]],
            ])
        #expect(paused.json["content"] == [["type": "compaction", "content": "Routine logs.", "tool_changes": []]], "no tool changed")
        #expect(paused.usage.billed == summaryUsage)

        let answer = AnthropicMessage(id: "msg_2", model: "claude-sonnet-4-6", content: [.text("Nothing odd.")], stopReason: .endTurn, usage: Usage(inputTokens: 400, outputTokens: 5))
        let reply = plan.reply(answer, afterCompaction: "Routine logs.", usage: summaryUsage)
        #expect(reply.content == [.compaction("Routine logs."), .text("Nothing odd.")])
        #expect(reply.usage.inputTokens == 400, "the top-level counts are the message's own, as Anthropic's")
        #expect(reply.usage.compaction == TokenCounts(inputTokens: 60_000, outputTokens: 300))
        #expect(
            reply.json["usage"]?["iterations"] == [
                ["type": "compaction", "input_tokens": 60_000, "output_tokens": 300, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0],
                ["type": "message", "input_tokens": 400, "output_tokens": 5, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0],
            ])
        #expect(reply.usage.billed == Usage(inputTokens: 60_400, outputTokens: 305))
    }

    @Test func theCompactionBlockWrittenIsReadBackAsTheHistorysStart() throws {
        let plan = try #require(CompactionPlan(try Self.request(Self.conversation(last: Self.question))))
        let reply = plan.reply(
            AnthropicMessage(id: "msg_2", model: "m", content: [.text("Nothing odd.")], stopReason: .endTurn, usage: Usage()), afterCompaction: "Routine logs.",
            usage: Usage())
        let next = try Self.request(Self.conversation(last: Self.question) + [["role": "assistant", "content": reply.json["content"]!], ["role": "user", "content": "Thanks."]])
        #expect(
            next.messages == [
                Self.summaryTurn("Routine logs."), MessagesRequest.Message(role: .assistant, content: [.text("Nothing odd.")]),
                MessagesRequest.Message(role: .user, content: [.text("Thanks.")]),
            ])
        #expect(CompactionPlan(next) == nil, "the compacted conversation is under the trigger")
    }

    /// As TranslatingBackend writes a compacting stream: the opening and the compaction block's
    /// start before the summary, its summary and end after, then the reply's own stream one index on.
    @Test func theStreamOpensWithTheCompactionAndShiftsTheRest() throws {
        let request = try Self.request(Self.conversation(last: Self.question), stream: true)
        let plan = try #require(CompactionPlan(request))
        let adapter = OpenAIChatAdapter(
            request: plan.compacted(summary: "Routine logs."),
            target: try ModelRouter(configuration: Self.configuration).route("openai/gpt-4.1"), catalog: ModelCatalog(configuration: Self.configuration))
        let stream = [
            ChatCompletion.chunk(["role": "assistant", "content": "Nothing odd."]), ChatCompletion.chunk([:], finishReason: "stop"),
            ChatCompletion.usageChunk(ChatCompletion.usage(prompt: 400, completion: 5)), ChatCompletion.done,
        ]
        let summaryUsage = Usage(inputTokens: 60_000, outputTokens: 300)
        var plain = adapter.makeStreamTranslator()
        var compacting = CompactionStreamTranslator(adapter.makeStreamTranslator(), compactionUsage: summaryUsage)
        let plainEvents = plain.start() + plain.translateAll(stream)
        #expect(compacting.start() == [], "the reply's opening was written before the summary")
        let events =
            plan.streamOpening(Array(plainEvents.prefix(2))) + CompactionPlan.blockEnd(summary: "Routine logs.") + compacting.translateAll(stream)
        #expect(Array(events.prefix(5)) == Array(plainEvents.prefix(2)) + [
            .contentBlockStart(index: 0, block: .compaction()), .contentBlockDelta(index: 0, delta: .compaction("Routine logs.")), .contentBlockStop(index: 0),
        ])
        #expect(events.dropFirst(5).prefix(3) == [.contentBlockStart(index: 1, block: .text), .contentBlockDelta(index: 1, delta: .text("Nothing odd.")), .contentBlockStop(index: 1)])
        #expect(
            events.suffix(2) == [
                .messageDelta(
                    stopReason: .endTurn, stopSequence: nil,
                    usage: Usage(inputTokens: 400, outputTokens: 5, compaction: TokenCounts(inputTokens: 60_000, outputTokens: 300))),
                .messageStop,
            ])
        var accumulator = StreamAccumulator()
        for event in events { try accumulator.consume(event) }
        #expect(accumulator.finalMessage?.content == [.compaction("Routine logs."), .text("Nothing odd.")])
        #expect(events.first { $0.name == "content_block_delta" }?.json == ["type": "content_block_delta", "index": 0, "delta": ["type": "compaction_delta", "content": "Routine logs."]])
    }

    @Test func aPausedStreamEndsAfterTheCompaction() throws {
        let plan = try #require(CompactionPlan(try Self.request(Self.conversation(last: Self.question), compact: ["pause_after_compaction": true], stream: true)))
        let summaryUsage = Usage(inputTokens: 60_000, outputTokens: 300)
        let opening = AnthropicStreamEvent.opening(messageID: "msg_1", model: "claude-sonnet-4-6", estimatedInputTokens: 60_000)
        let events = plan.streamOpening(opening) + CompactionPlan.blockEnd(summary: "Routine logs.") + plan.pausedClosing(summarising: summaryUsage)
        var accumulator = StreamAccumulator()
        for event in events { try accumulator.consume(event) }
        let streamed = try #require(accumulator.finalMessage)
        let whole = plan.pausedReply(
            summarising: AnthropicMessage(id: "msg_1", model: "claude-sonnet-4-6", content: [.text("Routine logs.")], stopReason: .endTurn, usage: summaryUsage))
        #expect(streamed.content == whole.content)
        #expect(streamed.stopReason == .compaction)
        #expect(streamed.usage == whole.usage)
        #expect(streamed.usage == Usage(compaction: summaryUsage.counts))
    }

    /// On demand (`compaction: {"type": "summarize"}`): the whole conversation, whatever its length.
    private static func onDemand(_ messages: [JSONValue], _ compaction: JSONValue = ["type": "summarize"], extra: JSONObject = [:]) throws -> MessagesRequest {
        var body: JSONObject = ["model": "claude-sonnet-4-6", "max_tokens": 1_024, "messages": .array(messages), "compaction": compaction]
        for key in extra.keys { body[key] = extra[key] }
        return try MessagesRequest(json: .object(body))
    }

    @Test func onDemandTheWholeShortConversationIsSummarisedAndThatIsTheReply() throws {
        let short: [JSONValue] = [["role": "user", "content": "Hi."], ["role": "assistant", "content": "Hello."]]
        let request = try Self.onDemand(short)
        #expect(request.onDemandCompaction == OnDemandCompaction())
        let plan = try #require(CompactionPlan(request), "no trigger: asking is enough")
        #expect(plan.pausesAfterCompaction)
        #expect(plan.summaryRequest.messages == request.messages + [MessagesRequest.Message(role: .user, content: [.text(CompactionPlan.defaultInstructions)])])
        #expect(plan.summaryRequest.onDemandCompaction == nil)
        let instructed = try #require(CompactionPlan(try Self.onDemand(short, ["type": "summarize", "instructions": "Only the decisions."])))
        #expect(instructed.summaryRequest.messages.last == MessagesRequest.Message(role: .user, content: [.text("Only the decisions.")]))
        #expect(try Self.onDemand(short, ["type": "summarize", "instructions": "  \n"]).onDemandCompaction?.instructions == nil, "blank counts as absent")
        #expect(
            try MessagesRequest(json: ["model": "m", "messages": .array(short), "compaction": ["type": "other"]], countingTokens: true).onDemandCompaction == nil,
            "count_tokens takes the parameter and ignores it")
    }

    @Test(arguments: [
        (["type": "condense"] as JSONValue, [:] as JSONObject, "compaction.type: must be 'summarize', not 'condense'"),
        (
            ["type": "summarize"], ["context_management": ["edits": [["type": "clear_thinking_20251015", "keep": "all"]]]],
            "context_management: cannot be sent with compaction: a compaction request returns the compaction block alone, no reply"
        ),
        (["type": "summarize"], ["stop_sequences": ["END"]], "stop_sequences: cannot be sent with compaction: a compaction request returns the compaction block alone, no reply"),
        (["type": "summarize"], ["tool_choice": ["type": "any"]], "tool_choice: cannot be sent with compaction: a compaction request returns the compaction block alone, no reply"),
        (
            ["type": "summarize"], ["output_config": ["format": ["type": "json_schema", "schema": ["type": "object"]]]],
            "output_config.format: cannot be sent with compaction: a compaction request returns the compaction block alone, no reply"
        ),
    ] as [(JSONValue, JSONObject, String)])
    func onDemandWithWhatShapesAReplyIsA400(compaction: JSONValue, extra: JSONObject, message: String) {
        let error = #expect(throws: AnthropicError.self) { try Self.onDemand([["role": "user", "content": "Hi."]], compaction, extra: extra) }
        #expect(error?.status == 400)
        #expect(error?.message == message)
    }

    @Test func onDemandAfterUnansweredToolCallsIsA400() {
        let error = #expect(throws: AnthropicError.self) { try Self.onDemand(Array(Self.conversation(last: []).prefix(2))) }
        #expect(error?.message == "messages: the last turn has tool calls without results; send their results (or leave the turn out) before compacting")
    }

    private static let timeTool: JSONValue = ["name": "get_time", "description": "The local time.", "input_schema": ["type": "object"]]
    private static let tools: JSONValue = [
        ["name": "Bash", "input_schema": ["type": "object"]], ["name": "Grep", "input_schema": ["type": "object"], "defer_loading": true],
    ]

    /// The compaction block says what the conversation did to the tools `tools` declares: the SDK's
    /// tool runner keeps the block alone in place of the conversation, and the tools in effect must
    /// outlive it.
    @Test func theCompactionBlockCarriesTheToolChangesOfTheConversation() throws {
        let changes: JSONValue = [
            ["type": "tool_addition", "tool": ["type": "tool_definition", "definition": Self.timeTool]],
            ["type": "tool_removal", "tool": ["type": "tool_reference", "name": "Bash"]],
            ["type": "tool_addition", "tool": ["type": "tool_reference", "name": "Grep"]],
        ]
        let conversation: [JSONValue] = [["role": "user", "content": "Look at the logs."], ["role": "system", "content": changes], ["role": "user", "content": "Now?"]]
        let request = try Self.onDemand(conversation, extra: ["tools": Self.tools])
        #expect(request.tools.map(\.name) == ["Grep", "get_time"])
        let plan = try #require(CompactionPlan(request))
        let time = try #require(Self.timeTool.objectValue)
        #expect(
            plan.toolChanges == [
                .removal(name: "Bash"), .addition(.named("Grep")),
                .addition(.defined(.client(MessagesRequest.Tool(name: "get_time", description: "The local time.", inputSchema: ["type": "object"])), definition: .object(time))),
            ])
        let summaryReply = AnthropicMessage(id: "msg_1", model: "m", content: [.text("Logs read.")], stopReason: .endTurn, usage: Usage())
        let block = try #require(plan.pausedReply(summarising: summaryReply).json["content"]?[0])
        #expect(
            block == [
                "type": "compaction", "content": "Logs read.",
                "tool_changes": [
                    ["type": "tool_removal", "tool": ["type": "tool_reference", "name": "Bash"]],
                    ["type": "tool_addition", "tool": ["type": "tool_reference", "name": "Grep"]],
                    ["type": "tool_addition", "tool": ["type": "tool_definition", "definition": Self.timeTool]],
                ],
            ])
        // As the runner goes on: the block alone, then the next turn; the same tools are offered.
        let next = try MessagesRequest(
            json: [
                "model": "claude-sonnet-4-6", "max_tokens": 1_024, "tools": Self.tools,
                "messages": [["role": "assistant", "content": [block]], ["role": "user", "content": "And now?"]],
            ])
        #expect(next.tools == request.tools)
        #expect(next.messages.first == Self.summaryTurn("Logs read."))
    }

    /// With no tool changes in the conversation, the block says `[]` (what Anthropic writes when
    /// the range changed no tool), or adds the deferred tools the conversation loaded.
    @Test func withoutToolChangesTheBlockAddsOnlyTheDeferredToolsLoaded() throws {
        #expect(try #require(CompactionPlan(try Self.onDemand([["role": "user", "content": "Hi."]], extra: ["tools": Self.tools]))).toolChanges == [])
        let searched: [JSONValue] = [
            ["role": "user", "content": "Find the TODOs."],
            ["role": "assistant", "content": [["type": "tool_use", "id": "toolu_1", "name": "ToolSearch", "input": ["query": "grep"]]]],
            ["role": "user", "content": [["type": "tool_result", "tool_use_id": "toolu_1", "content": [["type": "tool_reference", "tool_name": "Grep"]]]]],
        ]
        let plan = try #require(CompactionPlan(try Self.onDemand(searched, extra: ["tools": Self.tools])))
        #expect(plan.toolChanges == [.addition(.named("Grep"))])
    }
}
