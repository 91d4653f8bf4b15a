import ProxyCore
import Testing

/// The same Gemini answer, received whole or streamed, reaches the client as the same message.
@Suite struct GeminiStreamWholeAgreementTests {
    /// One answer as its parts, written both as a whole response and as a stream that sends the
    /// parts a few at a time (text split across events, as Gemini streams it).
    struct Scenario: Sendable, CustomTestStringConvertible {
        var name: String
        var parts: [JSONValue]
        var finishReason = "STOP"
        var usage: JSONValue? = GeminiReply.usage(prompt: 100, candidates: 20)
        /// What both translations must say, so that agreeing on something wrong still fails.
        var stopReason: StopReason

        var testDescription: String { name }

        var whole: JSONValue {
            GeminiReply.response(parts, finishReason: finishReason, usage: usage)
        }

        /// The parts as `GeminiReply.partResponses` sends them; the finish reason and usage in an
        /// event of their own.
        var stream: [SSEEvent] {
            var events = GeminiReply.partResponses(parts)
            events.append(GeminiReply.response([], finishReason: finishReason, usage: usage))
            return events.map(GeminiReply.event)
        }
    }

    private static let signature = "CiQBjz1rX+/9kL2a/b+cQw=="

    static let scenarios: [Scenario] = [
        Scenario(name: "text", parts: [GeminiReply.text("I'll look at the project structure first.")], stopReason: .endTurn),
        Scenario(
            name: "thoughts and text",
            parts: [GeminiReply.thought("The user wants a number."), GeminiReply.thought(" Six times seven."), GeminiReply.text("42.")], stopReason: .endTurn),
        Scenario(
            name: "signed thoughts, then more thoughts",
            parts: [GeminiReply.thought("First idea.", signature: signature), GeminiReply.thought("Second idea."), GeminiReply.text("Done.")],
            stopReason: .endTurn),
        Scenario(
            name: "one tool call", parts: [GeminiReply.text("Let me list the files."), GeminiReply.call("Bash", ["command": "ls -la"], signature: signature)],
            stopReason: .toolUse),
        Scenario(
            name: "parallel tool calls, the first signed",
            parts: [GeminiReply.call("Read", ["file_path": "/tmp/README.md"], signature: signature), GeminiReply.call("Bash", ["command": "git status"])],
            stopReason: .toolUse),
        Scenario(
            name: "thoughts, text, a call, then more text",
            parts: [
                GeminiReply.thought("I should look first."), GeminiReply.text("Reading."), GeminiReply.call("Read", ["file_path": "/a"]),
                GeminiReply.text(" Back soon."),
            ], stopReason: .toolUse),
        Scenario(
            name: "a call whose signature comes later on an empty part",
            parts: [GeminiReply.call("Bash", ["command": "pwd"]), GeminiReply.text("", signature: signature)], stopReason: .toolUse),
        Scenario(name: "a call with Gemini's own id and no arguments", parts: [GeminiReply.call("Bash", nil, id: "fc_1")], stopReason: .toolUse),
        Scenario(
            name: "a call under an upstream name",
            parts: [GeminiReply.call(ToolNameMapping.upstreamName(for: "mcp__github.create_issue"), ["title": "Bug"])], stopReason: .toolUse),
        Scenario(name: "max tokens", parts: [GeminiReply.text("The list goes on and on and")], finishReason: "MAX_TOKENS", stopReason: .maxTokens),
        Scenario(name: "safety after some text", parts: [GeminiReply.text("Here is")], finishReason: "SAFETY", stopReason: .refusal),
        Scenario(name: "withheld with nothing", parts: [], finishReason: "PROHIBITED_CONTENT", stopReason: .refusal),
        Scenario(name: "an unknown finish reason", parts: [GeminiReply.text("Odd.")], finishReason: "TOO_MANY_TOOL_CALLS", stopReason: .endTurn),
        Scenario(
            name: "usage with cached tokens and thoughts", parts: [GeminiReply.text("Cached.")],
            usage: GeminiReply.usage(prompt: 2_000, candidates: 5, thoughts: 40, cached: 1_536), stopReason: .endTurn),
        Scenario(name: "no usage", parts: [GeminiReply.thought("Short thought."), GeminiReply.text("Estimated reply.")], usage: nil, stopReason: .endTurn),
        Scenario(name: "empty reply", parts: [], stopReason: .endTurn),
    ]

    private static let context = GeminiReplyContext.forTesting(tools: ["Bash", "Read", "mcp__github.create_issue"])

    @Test(arguments: scenarios)
    func streamAccumulatesToTheWholeTranslation(scenario: Scenario) throws {
        let whole = try GeminiResponseTranslator(context: Self.context).translate(scenario.whole)
        var translator = GeminiStreamTranslator(context: Self.context)
        let streamed = try accumulate(translator.translateAll(scenario.stream))
        #expect(streamed == whole)
        #expect(whole.stopReason == scenario.stopReason)
    }

    // MARK: - Requests with a web search or fetch

    /// A searched reply with what both translations must hold: the block types in order, and the
    /// searches counted.
    struct SearchedScenario: Sendable, CustomTestStringConvertible {
        var reply: GeminiSearchedReply
        var types: [String]
        var searches: Int

        var testDescription: String { reply.name }
    }

    static let searchedScenarios: [SearchedScenario] = {
        var reportedTwice = GeminiSearchedReply.swiftRelease
        reportedTwice.name = "grounding reported before the finish, then whole with it"
        reportedTwice.reportsGroundingTwice = true
        var ungrounded = GeminiSearchedReply.multibyte
        ungrounded.name = "no search made"
        ungrounded.groundingMetadata = nil
        var withCall = GeminiSearchedReply.filtered
        withCall.name = "a search, then a call"
        withCall.parts += [GeminiReply.call("Bash", ["command": "swift --version"], signature: signature)]
        var interleaved = GeminiSearchedReply.swiftRelease
        interleaved.name = "text between thoughts"
        interleaved.parts.insert(GeminiReply.thought("Now the date.", signature: signature), at: 2)
        interleaved.parts.insert(GeminiReply.thought("Done."), at: 4)
        var overMaxUses = GeminiSearchedReply.multibyte
        overMaxUses.name = "more searches than max_uses"
        overMaxUses.search?.maxUses = 1
        var fetched = GeminiSearchedReply.filtered
        fetched.name = "a search and a fetch"
        fetched.fetch = GeminiSearchedReply.webFetch
        fetched.urlContextMetadata = GeminiSearchedReply.urlContext([("https://www.swift.org/install/", "URL_RETRIEVAL_STATUS_SUCCESS")])
        var cutShort = GeminiSearchedReply.swiftRelease
        cutShort.name = "out of tokens"
        cutShort.finishReason = "MAX_TOKENS"
        cutShort.usage = nil
        var empty = GeminiSearchedReply.swiftRelease
        empty.name = "withheld with nothing"
        (empty.parts, empty.groundingMetadata, empty.finishReason) = ([], nil, "SAFETY")
        let search = ["server_tool_use", "web_search_tool_result"]
        return [
            SearchedScenario(reply: .swiftRelease, types: ["thinking"] + search + search + ["text", "text", "text", "text"], searches: 2),
            SearchedScenario(reply: .multibyte, types: search + search + ["text", "text", "text", "text", "text"], searches: 2),
            SearchedScenario(reply: .filtered, types: search + ["text", "text", "text"], searches: 1),
            SearchedScenario(reply: reportedTwice, types: ["thinking"] + search + search + ["text", "text", "text", "text"], searches: 2),
            SearchedScenario(reply: ungrounded, types: ["text"], searches: 0),
            SearchedScenario(reply: withCall, types: search + ["text", "text", "text", "tool_use"], searches: 1),
            SearchedScenario(reply: interleaved, types: ["thinking", "thinking"] + search + search + ["text", "text", "text", "text"], searches: 2),
            SearchedScenario(reply: overMaxUses, types: search + search + ["text", "text", "text", "text", "text"], searches: 1),
            SearchedScenario(reply: fetched, types: search + ["server_tool_use", "text", "text", "text"], searches: 1),
            SearchedScenario(reply: cutShort, types: ["thinking"] + search + search + ["text", "text", "text", "text"], searches: 2),
            SearchedScenario(reply: empty, types: ["text"], searches: 0),
        ]
    }()

    @Test(arguments: searchedScenarios)
    func searchedStreamAccumulatesToTheWholeTranslation(scenario: SearchedScenario) throws {
        let reply = scenario.reply
        let whole = try GeminiResponseTranslator(context: reply.context).translate(reply.whole)
        var translator = GeminiStreamTranslator(context: reply.context)
        let streamed = try accumulate(translator.translateAll(reply.stream))
        #expect(streamed == whole)
        #expect(whole.content.map { $0.json["type"]?.stringValue ?? "" } == scenario.types)
        #expect(whole.usage.webSearchRequests == scenario.searches)
    }
}
