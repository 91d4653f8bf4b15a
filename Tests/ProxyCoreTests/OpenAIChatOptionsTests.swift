import ProxyCore
import Testing

/// A preset's quirks reach the Chat Completions translators as data: parameters its provider
/// rejects are left out, DeepSeek gets its reasoning back, replies are read from its field.
@Suite struct OpenAIChatOptionsTests {
    private static let o3 = ModelProfile(maxOutputTokens: 100_000, contextWindow: 200_000, isOpenAIReasoningModel: true)
    private static let plain = ModelProfile(maxOutputTokens: 8_192)

    private func translate(_ body: JSONObject, preset: String?, profile: ModelProfile = plain) throws -> JSONValue {
        var request: JSONObject = ["model": "claude-sonnet-4-5", "max_tokens": 1_024, "messages": [["role": "user", "content": "Hi"]]]
        for member in body.members { request[member.key] = member.value }
        let options = preset.flatMap(ProviderPreset.named)?.chat ?? .standard
        return try OpenAIChatRequestTranslator(model: "m", profile: profile, options: options).translate(MessagesRequest(json: .object(request)))
    }

    @Test func xAIGetsNeitherStopNorReasoningEffort() throws {
        let fields: JSONObject = ["stop_sequences": ["END"], "thinking": ["type": "adaptive"], "tools": [["name": "Bash", "input_schema": ["type": "object"]]]]
        let standard = try translate(fields, preset: nil, profile: Self.o3)
        #expect(standard["reasoning_effort"] == "medium")
        let xai = try translate(fields, preset: "xai", profile: Self.o3)
        #expect(try translate(["stop_sequences": ["END"]], preset: nil)["stop"] == ["END"])
        #expect(try translate(["stop_sequences": ["END"]], preset: "xai")["stop"] == nil, "the proxy stops at them itself")
        #expect(xai["reasoning_effort"] == nil)
        #expect(xai["max_completion_tokens"] == 1_024)
        #expect(xai["tools"] == standard["tools"])
    }

    @Test func groqGetsNoReasoningEffort() throws {
        #expect(try translate(["thinking": ["type": "adaptive"]], preset: "groq", profile: Self.o3)["reasoning_effort"] == nil)
    }

    @Test(arguments: ["openrouter", "ollama", "lmstudio", "vllm", "azure", "deepseek"])
    func otherPresetsLeaveTheBodyAsOpenAIWouldHaveIt(preset: String) throws {
        let fields: JSONObject = ["stop_sequences": ["END"], "stream": true, "temperature": 0.5]
        #expect(try translate(fields, preset: preset) == translate(fields, preset: nil))
    }

    /// A DeepSeek thinking model's turn that called a tool, as the client sends it back.
    private static let deepSeekTurn = deepSeekTurn(thinking: ["type": "thinking", "thinking": "I should list it.", "signature": ""])

    private static func deepSeekTurn(thinking: JSONValue) -> JSONValue {
        [
            ["role": "user", "content": "What is in the directory?"],
            ["role": "assistant", "content": [thinking, ["type": "tool_use", "id": "call_1", "name": "Bash", "input": ["command": "ls"]]]],
            ["role": "user", "content": [["type": "tool_result", "tool_use_id": "call_1", "content": "a.txt"]]],
        ]
    }

    @Test func deepSeekGetsItsReasoningContentBackOnTheTurnThatCalledTools() throws {
        let messages = try translate(["messages": Self.deepSeekTurn], preset: "deepseek")["messages"]
        #expect(
            messages?[1] == [
                "role": "assistant", "content": "",
                "tool_calls": [["id": "call_1", "type": "function", "function": ["name": "Bash", "arguments": #"{"command":"ls"}"#]]],
                "reasoning_content": "I should list it.",
            ])
        #expect(try translate(["messages": Self.deepSeekTurn], preset: nil)["messages"]?[1]?["reasoning_content"] == nil)
    }

    /// The turn of a client that had the thinking text omitted: the reasoning came in the signature.
    @Test func deepSeekGetsReasoningCarriedInTheSignatureBack() throws {
        let turn = Self.deepSeekTurn(thinking: ["type": "thinking", "thinking": "", "signature": "openai-chat-reasoning:I should list it."])
        #expect(try translate(["messages": turn], preset: "deepseek")["messages"]?[1]?["reasoning_content"] == "I should list it.")
        #expect(try translate(["messages": turn], preset: nil)["messages"]?[1]?["reasoning_content"] == nil)
    }

    @Test func onlyThinkingThisAdapterReturnedIsReplayed() throws {
        let turn: JSONValue = [
            ["role": "user", "content": "Hi"],
            [
                "role": "assistant",
                "content": [
                    ["type": "thinking", "thinking": "Claude's own.", "signature": "EqQBCkYIBxgCKkB"],
                    ["type": "thinking", "thinking": "Mine.", "signature": ""], ["type": "text", "text": "Hello."],
                ],
            ],
        ]
        #expect(try translate(["messages": turn], preset: "deepseek")["messages"]?[1]?["reasoning_content"] == "Mine.")
    }

    @Test func repliesAreReadFromThePresetsReasoningFieldFirst() throws {
        let message: JSONValue = ["role": "assistant", "content": "Hi.", "reasoning": "From reasoning.", "reasoning_content": "From reasoning_content."]
        func thinking(_ field: String) throws -> ContentBlock? {
            let context = OpenAIChatReplyContext(
                requestedModel: "claude-sonnet-4-5", messageID: "msg_1", toolNames: ToolNameMapping(request: MessagesRequest(model: "m", maxTokens: 1, messages: [])),
                reasoningField: field)
            return try OpenAIChatResponseTranslator(context: context).translate(ChatCompletion.response(message: message)).content.first
        }
        #expect(try thinking("reasoning") == .thinking("From reasoning.", signature: ""))
        #expect(try thinking("reasoning_content") == .thinking("From reasoning_content.", signature: ""))
    }
}
