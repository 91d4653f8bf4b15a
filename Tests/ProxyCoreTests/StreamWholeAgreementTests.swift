import ProxyCore
import Testing

/// The same upstream answer, received whole or streamed, reaches the client as the same message:
/// the stream accumulates (as the SDKs' `get_final_message` does) to the whole translation.
@Suite struct StreamWholeAgreementTests {
    /// One upstream answer, described once and written both as a whole response and as a stream.
    struct Scenario: Sendable, CustomTestStringConvertible {
        struct ToolCall: Sendable {
            var id: String?
            var name: String
            var arguments: String
        }

        var name: String
        var reasoning: String?
        var text: String?
        var refusal: String?
        var toolCalls: [ToolCall] = []
        /// Stream the calls' openings first and then their arguments round-robin, as some servers
        /// do for parallel calls; otherwise each call is streamed whole before the next.
        var interleaved = false
        var finishReason = "stop"
        /// Members of the finishing choice besides `finish_reason` (vLLM's `stop_reason`).
        var choiceExtras: JSONObject = [:]
        var usage: JSONValue? = ChatCompletion.usage(prompt: 100, completion: 20)
        /// What both translations must say, so that agreeing on something wrong still fails.
        var stopReason: StopReason

        var testDescription: String { name }

        var whole: JSONValue {
            var message: JSONObject = ["role": "assistant", "content": text.map(JSONValue.string) ?? .null]
            if let reasoning { message["reasoning_content"] = .string(reasoning) }
            if let refusal { message["refusal"] = .string(refusal) }
            if !toolCalls.isEmpty {
                message["tool_calls"] = .array(
                    toolCalls.map { call in
                        var json: JSONObject = ["type": "function", "function": ["name": .string(call.name), "arguments": .string(call.arguments)]]
                        if let id = call.id { json["id"] = .string(id) }
                        return .object(json)
                    })
            }
            return ChatCompletion.response(message: .object(message), finishReason: .string(finishReason), usage: usage, choiceExtras: choiceExtras)
        }

        var stream: [SSEEvent] {
            var deltas: [JSONValue] = [["role": "assistant", "content": ""]]
            deltas += Self.fragments(of: reasoning).map { ["reasoning_content": .string($0)] }
            deltas += Self.fragments(of: text).map { ["content": .string($0)] }
            deltas += Self.fragments(of: refusal).map { ["refusal": .string($0)] }
            let openings = toolCalls.enumerated().map { index, call in
                ChatCompletion.toolCallDelta(index: index, id: call.id, name: call.name, arguments: "")
            }
            let arguments = toolCalls.enumerated().map { index, call in
                Self.fragments(of: call.arguments).map { ChatCompletion.toolCallDelta(index: index, arguments: $0) }
            }
            let calls =
                interleaved
                ? openings + (0..<(arguments.map(\.count).max() ?? 0)).flatMap { round in arguments.compactMap { round < $0.count ? $0[round] : nil } }
                : zip(openings, arguments).flatMap { [$0] + $1 }
            deltas += calls.map { ["tool_calls": [$0]] }
            var events = deltas.map { ChatCompletion.chunk($0) }
            events.append(ChatCompletion.chunk([:], finishReason: .string(finishReason), choiceExtras: choiceExtras))
            if let usage { events.append(ChatCompletion.usageChunk(usage)) }
            events.append(ChatCompletion.done)
            return events
        }

        /// `text` in three pieces (fewer when it is shorter).
        private static func fragments(of text: String?) -> [String] {
            guard let text, !text.isEmpty else { return [] }
            let characters = Array(text)
            let size = (characters.count + 2) / 3
            return stride(from: 0, to: characters.count, by: size).map { String(characters[$0..<min($0 + size, characters.count)]) }
        }
    }

    private static let bash = Scenario.ToolCall(id: "call_b1", name: "Bash", arguments: #"{"command":"ls -la","description":"List files"}"#)
    private static let read = Scenario.ToolCall(id: "call_b2", name: "Read", arguments: #"{"file_path":"/tmp/project/README.md"}"#)

    static let scenarios: [Scenario] = [
        Scenario(name: "text", text: "I'll look at the project structure first.", stopReason: .endTurn),
        Scenario(name: "reasoning and text", reasoning: "The user wants a number; 6 times 7.", text: "The answer is 42.", stopReason: .endTurn),
        Scenario(name: "one tool call", text: "Let me list the files.", toolCalls: [bash], finishReason: "tool_calls", stopReason: .toolUse),
        Scenario(name: "parallel tool calls", toolCalls: [read, bash], finishReason: "tool_calls", stopReason: .toolUse),
        Scenario(name: "interleaved tool calls", toolCalls: [read, bash], interleaved: true, finishReason: "tool_calls", stopReason: .toolUse),
        Scenario(
            name: "reasoning, text and a tool call", reasoning: "I should look first.", text: "Reading.", toolCalls: [read], finishReason: "tool_calls",
            stopReason: .toolUse),
        Scenario(
            name: "tool calls without ids, under an upstream name",
            toolCalls: [
                .init(id: nil, name: "mcp__github_create_issue_d5f23d1c", arguments: #"{"title":"Bug"}"#), .init(id: nil, name: "Bash", arguments: "{}"),
            ],
            finishReason: "tool_calls", stopReason: .toolUse),
        Scenario(name: "finish_reason length", text: "The list goes on and on and", finishReason: "length", stopReason: .maxTokens),
        Scenario(name: "refusal", refusal: "I can't help with that.", stopReason: .refusal),
        Scenario(name: "content filter", text: "Here is", finishReason: "content_filter", stopReason: .refusal),
        Scenario(name: "stop sequence matched", text: "All done", choiceExtras: ["stop_reason": "END"], stopReason: .stopSequence),
        Scenario(
            name: "usage with cached tokens", text: "Cached.", usage: ChatCompletion.usage(prompt: 2_000, completion: 5, cached: 1_536), stopReason: .endTurn),
        Scenario(name: "no usage", reasoning: "Short thought.", text: "Estimated reply.", usage: nil, stopReason: .endTurn),
        Scenario(name: "empty reply", stopReason: .endTurn),
    ]

    private static let context = OpenAIChatReplyContext.forTesting(tools: ["Bash", "Read", "mcp__github.create_issue"], stopSequences: ["END"])

    @Test(arguments: scenarios)
    func streamAccumulatesToTheWholeTranslation(scenario: Scenario) throws {
        let whole = try OpenAIChatResponseTranslator(context: Self.context).translate(scenario.whole)
        var translator = OpenAIChatStreamTranslator(context: Self.context)
        var streamed = try accumulate(translator.translateAll(scenario.stream))
        if scenario.usage == nil {
            // With no usage reported, a stream counts a token per chunk with output; a whole reply
            // can only count characters.
            #expect((1...whole.usage.outputTokens * 4).contains(streamed.usage.outputTokens))
            streamed.usage.outputTokens = whole.usage.outputTokens
        }
        #expect(streamed == whole)
        #expect(whole.stopReason == scenario.stopReason)
    }
}
