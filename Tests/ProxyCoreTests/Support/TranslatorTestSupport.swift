import Foundation
import ProxyCore
import Testing

/// Files the test bundle carries under `Fixtures/`.
enum Fixture {
    /// The body of a recorded Claude Code request, `Fixtures/NAME.json`.
    static func claudeCodeRequest(_ name: String) throws -> JSONValue {
        try #require(try json(named: "\(name).json", in: "Fixtures")["body"])
    }

    /// An expected translation, `Fixtures/golden/NAME`.
    static func golden(_ name: String) throws -> JSONValue {
        try json(named: name, in: "Fixtures/golden")
    }

    private static func json(named name: String, in directory: String) throws -> JSONValue {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: directory), "no fixture \(directory)/\(name)")
        return try JSONParser.parse(Array(try Data(contentsOf: url)))
    }
}

extension AnthropicMessage {
    /// A translated reply as the test contexts make it (their message id and requested model);
    /// `declinedBecause` is a refusal's explanation.
    static func testReply(
        _ content: [ContentBlock], _ stopReason: StopReason = .endTurn, usage: Usage = Usage(inputTokens: 100, outputTokens: 20), declinedBecause: String? = nil
    ) -> AnthropicMessage {
        var message = AnthropicMessage(
            id: OpenAIChatReplyContext.testMessageID, model: OpenAIChatReplyContext.testRequestedModel, content: content, stopReason: stopReason, usage: usage)
        message.stopDetails = declinedBecause.map { RefusalDetails(explanation: $0) }
        return message
    }
}

extension OpenAIChatReplyContext {
    static let testMessageID = "msg_01TestReply"
    static let testRequestedModel = "claude-sonnet-4-5"

    /// A context with a fixed id and model, knowing the tools named `tools`.
    static func forTesting(
        tools: [String] = [], stopSequences: [String] = [], estimatedInputTokens: Int = 120, contextWindow: Int? = nil
    ) -> OpenAIChatReplyContext {
        let request = MessagesRequest(
            model: testRequestedModel, maxTokens: 1_024, messages: [],
            tools: tools.map { MessagesRequest.Tool(name: $0, inputSchema: ["type": "object"]) })
        return OpenAIChatReplyContext(
            requestedModel: testRequestedModel, messageID: testMessageID, toolNames: ToolNameMapping(request: request),
            stopSequences: stopSequences, estimatedInputTokens: estimatedInputTokens, contextWindow: contextWindow)
    }
}

/// Chat Completions replies, shaped as OpenAI sends them.
enum ChatCompletion {
    /// A whole `chat.completion` with one choice; `choiceExtras` adds members such as vLLM's `stop_reason`.
    static func response(message: JSONValue, finishReason: JSONValue = "stop", usage: JSONValue? = nil, choiceExtras: JSONObject = [:]) -> JSONValue {
        var choice: JSONObject = ["index": 0, "message": message, "logprobs": nil, "finish_reason": finishReason]
        for member in choiceExtras.members { choice[member.key] = member.value }
        var response: JSONObject = [
            "id": "chatcmpl-test", "object": "chat.completion", "created": 1_760_000_000, "model": "gpt-4.1-2025-04-14",
            "choices": [.object(choice)],
        ]
        if let usage { response["usage"] = usage }
        return .object(response)
    }

    /// One `chat.completion.chunk` event with one choice.
    static func chunk(_ delta: JSONValue, finishReason: JSONValue = nil, choiceExtras: JSONObject = [:]) -> SSEEvent {
        var choice: JSONObject = ["index": 0, "delta": delta, "logprobs": nil, "finish_reason": finishReason]
        for member in choiceExtras.members { choice[member.key] = member.value }
        return event(choices: [.object(choice)])
    }

    /// The last chunk `stream_options.include_usage` asks for: no choices, only usage.
    static func usageChunk(_ usage: JSONValue) -> SSEEvent {
        event(choices: [], usage: usage)
    }

    static let done = SSEEvent(data: "[DONE]")

    /// `usage` as OpenAI reports it; `cached` goes in `prompt_tokens_details.cached_tokens`.
    static func usage(prompt: Int, completion: Int, cached: Int? = nil) -> JSONValue {
        var usage: JSONObject = ["prompt_tokens": .int(prompt), "completion_tokens": .int(completion), "total_tokens": .int(prompt + completion)]
        if let cached { usage["prompt_tokens_details"] = ["cached_tokens": .int(cached)] }
        return .object(usage)
    }

    /// A `tool_calls` entry: the first fragment of a call carries `id`, `type` and `name`.
    static func toolCallDelta(index: Int, id: String? = nil, name: String? = nil, arguments: String) -> JSONValue {
        var call: JSONObject = ["index": .int(index)]
        var function: JSONObject = [:]
        if let id {
            call["id"] = .string(id)
            call["type"] = "function"
        }
        if let name { function["name"] = .string(name) }
        function["arguments"] = .string(arguments)
        call["function"] = .object(function)
        return .object(call)
    }

    private static func event(choices: [JSONValue], usage: JSONValue? = nil) -> SSEEvent {
        var chunk: JSONObject = [
            "id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1_760_000_000, "model": "gpt-4.1-2025-04-14",
            "choices": .array(choices),
        ]
        if let usage { chunk["usage"] = usage }
        return SSEEvent(data: JSONWriter.string(.object(chunk)))
    }
}

extension UpstreamStreamTranslator {
    /// Everything the translator emits for `events` followed by the end of the upstream's stream.
    mutating func translateAll(_ events: [SSEEvent]) -> [AnthropicStreamEvent] {
        var translated: [AnthropicStreamEvent] = []
        for event in events { translated += consume(event).events }
        return translated + finish().events
    }
}

extension StreamStep {
    /// The reply is over after this step.
    var isEnd: Bool {
        if case .end = self { return true }
        return false
    }
}

/// The message a client builds from `events`, checking the stream's grammar on the way.
func accumulate(_ events: [AnthropicStreamEvent]) throws -> AnthropicMessage {
    var accumulator = StreamAccumulator()
    for event in events { try accumulator.consume(event) }
    return try #require(accumulator.finalMessage, "the stream never reached message_stop")
}

/// Where `actual` first differs from `expected`, as a path such as `$.messages.3.content`, so that
/// a failing golden comparison says where to look.
func firstDifference(_ actual: JSONValue, _ expected: JSONValue, at path: String = "$") -> String? {
    switch (actual, expected) {
    case (.object(let actual), .object(let expected)):
        for key in actual.keys + expected.keys.filter({ actual[$0] == nil }) {
            guard let left = actual[key] else { return "\(path).\(key) is missing" }
            guard let right = expected[key] else { return "\(path).\(key) is not expected" }
            if let difference = firstDifference(left, right, at: "\(path).\(key)") { return difference }
        }
        return nil
    case (.array(let actual), .array(let expected)):
        for (index, (left, right)) in zip(actual, expected).enumerated() {
            if let difference = firstDifference(left, right, at: "\(path).\(index)") { return difference }
        }
        return actual.count == expected.count ? nil : "\(path) has \(actual.count) elements, expected \(expected.count)"
    default:
        return actual == expected ? nil : "\(path) is \(JSONWriter.string(actual)), expected \(JSONWriter.string(expected))"
    }
}
