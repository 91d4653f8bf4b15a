import ProxyCore
import Testing

@Suite struct ThreadConversationTests {
    private let system: JSONValue = [["type": "text", "text": "Be brief.", "cache_control": ["type": "ephemeral"]]]
    private let tools: JSONValue = [["name": "Bash", "input_schema": ["type": "object"]]]

    private var conversation: ThreadConversation {
        ThreadConversation(
            owner: "", fields: ["system": system, "tools": tools],
            messages: [["role": "user", "content": "List files."], ["role": "assistant", "content": [["type": "text", "text": "Which folder?"]]]])
    }

    @Test func theCreateOnlyFieldsAreTakenAsSentAndOnlyWhenPresent() {
        #expect(ThreadConversation.fields(of: ["model": "m", "system": system, "tools": tools, "messages": []]) == ["system": system, "tools": tools])
        #expect(ThreadConversation.fields(of: ["model": "m", "system": .null, "messages": []]) == [:])
    }

    @Test func itsSizeIsCountedOnceAndKeptAsItGrows() {
        var grown = conversation
        #expect(grown.jsonBytes == JSONWriter.encodedCount(.array(conversation.messages)))
        let turn: [JSONValue] = [["role": "user", "content": "More."]]
        grown.append(turn, jsonBytes: 37)
        #expect(grown.messages == conversation.messages + turn)
        #expect(grown.jsonBytes == conversation.jsonBytes + 37)
        #expect(ThreadConversation(owner: "", fields: [:], messages: [], jsonBytes: 5) == ThreadConversation(owner: "", fields: [:], messages: []), "a size is an estimate, not compared")
    }

    /// Each kept message has a place for its decoding that lasts as the thread grows, so a
    /// continued turn decodes only its new messages.
    @Test func aKeptMessagesDecodingLastsFromTurnToTurn() throws {
        var grown = conversation
        let kept = grown.derived
        #expect(kept.count == grown.messages.count)
        grown.append([["role": "user", "content": "More."]], jsonBytes: 37)
        #expect(grown.derived.count == grown.messages.count)
        for index in kept.indices { #expect(grown.derived[index] === kept[index]) }

        let planted = MessagesRequest.Message(role: .user, content: [.text("planted")])
        grown.derived[0].set(DecodedMessage(planted, loadedTools: []))
        let turn: JSONObject = ["model": "m", "max_tokens": 10, "messages": [["role": "user", "content": "The src folder."]]]
        let request = try grown.request(continuing: turn)
        let decoded = try MessagesRequest(json: .object(request), derivedFromMessages: grown.derived + [DerivedValue()])
        #expect(decoded.messages.first == planted)
        #expect(decoded.messages.dropFirst() == (try MessagesRequest(json: .object(request))).messages.dropFirst())
    }

    @Test func aContinueTurnBecomesTheWholeRequestInOrder() throws {
        let turn: JSONObject = [
            "model": "claude-sonnet-4-6", "max_tokens": 100, "stream": true,
            "thread": ["type": "continue", "previous_message_id": "msg_1"],
            "messages": [["role": "user", "content": "The src folder."]],
        ]
        let request = try conversation.request(continuing: turn)
        #expect(request["thread"] == nil)
        #expect(request["model"] == "claude-sonnet-4-6")
        #expect(request["max_tokens"] == 100)
        #expect(request["stream"] == true)
        #expect(request["system"] == system)
        #expect(request["tools"] == tools)
        #expect(request["messages"]?.arrayValue?.compactMap { $0["role"]?.stringValue } == ["user", "assistant", "user"])
        #expect(request["messages"]?.arrayValue?.last == ["role": "user", "content": "The src folder."])
    }

    @Test func anEmptyTurnResumesFromTheHistoryAlone() throws {
        let request = try conversation.request(continuing: ["model": "m", "max_tokens": 5, "messages": []])
        #expect(request["messages"]?.arrayValue == conversation.messages)
    }

    @Test func theSameCreateOnlyFieldsMayBeSentAgainButOthersAreRefused() throws {
        _ = try conversation.request(continuing: ["model": "m", "system": system, "tools": tools, "messages": []])
        #expect(throws: AnthropicError.threadFingerprintMismatch(["system"])) {
            try conversation.request(continuing: ["model": "m", "system": "Be verbose.", "messages": []])
        }
        #expect(throws: AnthropicError.threadFingerprintMismatch(["system", "tools"])) {
            try conversation.request(continuing: ["model": "m", "system": "Be verbose.", "tools": [], "messages": []])
        }
        let bare = ThreadConversation(owner: "", fields: [:], messages: [])
        #expect(throws: AnthropicError.threadFingerprintMismatch(["tools"])) {
            try bare.request(continuing: ["model": "m", "tools": tools, "messages": []])
        }
    }

    @Test func heldMessagesLoseEveryBreakpointButKeepToolInputsAsTheyAre() {
        let input: JSONValue = ["command": "ls", "cache_control": "a value of the tool's own"]
        let messages: [JSONValue] = [
            ["role": "user", "content": "plain text stays", "cache_control": ["type": "ephemeral"]],
            [
                "role": "assistant",
                "content": [["type": "tool_use", "id": "toolu_1", "name": "Bash", "input": input, "cache_control": ["type": "ephemeral"]]],
            ],
            [
                "role": "user",
                "content": [
                    [
                        "type": "tool_result", "tool_use_id": "toolu_1", "cache_control": ["type": "ephemeral", "ttl": "1h"],
                        "content": [["type": "text", "text": "a.txt", "cache_control": ["type": "ephemeral"]]],
                    ],
                    ["type": "text", "text": "Next?"],
                ],
            ],
        ]
        let held = ThreadConversation.held(messages)
        #expect(held[0] == messages[0], "a message whose content is a string has no blocks to change")
        #expect(held[1] == ["role": "assistant", "content": [["type": "tool_use", "id": "toolu_1", "name": "Bash", "input": input]]])
        #expect(
            held[2] == [
                "role": "user",
                "content": [
                    ["type": "tool_result", "tool_use_id": "toolu_1", "content": [["type": "text", "text": "a.txt"]]],
                    ["type": "text", "text": "Next?"],
                ],
            ])
    }
}
