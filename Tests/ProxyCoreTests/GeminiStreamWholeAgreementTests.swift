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

        /// Each text or thought part split in two events; other parts one event each; the finish
        /// reason and usage in an event of their own.
        var stream: [SSEEvent] {
            var events: [JSONValue] = []
            for part in parts {
                if let text = part["text"]?.stringValue, text.count > 1, part["thoughtSignature"] == nil {
                    var head = part.objectValue!
                    var tail = head
                    head["text"] = .string(String(text.prefix(text.count / 2)))
                    tail["text"] = .string(String(text.dropFirst(text.count / 2)))
                    events += [GeminiReply.response([.object(head)]), GeminiReply.response([.object(tail)])]
                } else {
                    events.append(GeminiReply.response([part]))
                }
            }
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
}
