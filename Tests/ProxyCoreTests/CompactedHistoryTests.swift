import ProxyCore
import Testing

/// Compaction blocks from Anthropic's server-side compaction, sent back in a history that now goes
/// to another backend (routed there by need, or by a model switch): the prompt starts at the last
/// summary, as on Anthropic, instead of a 400 for an unknown block.
@Suite struct CompactedHistoryTests {
    private static func compaction(_ content: JSONValue) -> JSONValue {
        ["type": "compaction", "content": content, "signature": "sig", "encrypted_content": "opaque"]
    }

    private static let history: [JSONValue] = [
        ["role": "user", "content": "Start the refactor."],
        ["role": "assistant", "content": [compaction("The user asked for a refactor; nothing done yet.")]],
        ["role": "user", "content": "Rename the module."],
        ["role": "assistant", "content": "Renamed."],
        ["role": "user", "content": "Now the tests."],
        ["role": "assistant", "content": [["type": "text", "text": "Thinking it over."], compaction("Module renamed; tests next."), ["type": "text", "text": "Continuing."]]],
        ["role": "user", "content": "Go on."],
    ]

    private static func request(_ messages: [JSONValue]) throws -> MessagesRequest {
        try MessagesRequest(json: ["model": "claude-sonnet-4-6", "max_tokens": 100, "messages": .array(messages)])
    }

    private static func summary(_ text: String) -> MessagesRequest.Message {
        MessagesRequest.Message(role: .user, content: [.text("This conversation was compacted; a summary of what came before it:\n\n\(text)")])
    }

    @Test func thePromptStartsAtTheLastSummary() throws {
        #expect(
            try Self.request(Self.history).messages == [
                Self.summary("Module renamed; tests next."),
                MessagesRequest.Message(role: .assistant, content: [.text("Continuing.")]),
                MessagesRequest.Message(role: .user, content: [.text("Go on.")]),
            ])
    }

    @Test func aCompactionWithoutASummaryIsANoOp() throws {
        let messages: [JSONValue] = [
            ["role": "user", "content": "Hi."],
            ["role": "assistant", "content": [Self.compaction(nil)]],
            ["role": "user", "content": "Still there?"],
            ["role": "assistant", "content": [Self.compaction(nil), ["type": "text", "text": "Yes."]]],
        ]
        #expect(
            try Self.request(messages).messages == [
                MessagesRequest.Message(role: .user, content: [.text("Hi.")]),
                MessagesRequest.Message(role: .user, content: [.text("Still there?")]),
                MessagesRequest.Message(role: .assistant, content: [.text("Yes.")]),
            ], "a message of a failed compaction alone is left out")
    }

    @Test func theKeptConversationGivesWhatAFreshDecodeGives() throws {
        let conversations = ConversationPrefixCache()
        var history = Self.history
        for _ in 0..<2 {
            let parsed = try JSONParser.parseRequest(JSONWriter.encode(["model": "claude-sonnet-4-6", "max_tokens": 100, "messages": .array(history)]), conversations: conversations)
            let derived = try #require(parsed.derivedFromMessages)
            let decoded = try MessagesRequest(json: parsed.value, derivedFromMessages: derived)
            #expect(decoded == (try MessagesRequest(json: parsed.value)))
            #expect(decoded.decodedMessages?.map(\.message) == decoded.messages)
            #expect(decoded.messages.first == Self.summary("Module renamed; tests next."))
            history += [["role": "assistant", "content": "Going on."], ["role": "user", "content": "And now?"]]
        }
    }

    @Test(arguments: [
        (JSONValue(""), "messages.1.content.0.content: must not be empty; a compaction that failed has null content"),
        (JSONValue(3), "messages.1.content.0.content: must be a string or null, not number"),
    ])
    func aSummaryThatIsNotOneIsA400(content: JSONValue, message: String) throws {
        let error = #expect(throws: AnthropicError.self) {
            try Self.request([["role": "user", "content": "Hi."], ["role": "assistant", "content": [Self.compaction(content)]]])
        }
        #expect(error?.status == 400)
        #expect(error?.message == message)
    }

    @Test func theUpstreamReadsTheSummaryAsAUserTurn() throws {
        let configuration = try ProxyConfiguration(environment: ["OPENAI_API_KEY": "sk"])
        let adapter = OpenAIChatAdapter(
            request: try Self.request(Self.history), target: try ModelRouter(configuration: configuration).route("openai/gpt-4.1"),
            catalog: ModelCatalog(configuration: configuration))
        let messages = try JSONParser.parse(try adapter.requestBody())["messages"]?.arrayValue ?? []
        #expect(messages.map { $0["role"] } == ["user", "assistant", "user"])
        #expect(messages.first?["content"] == "This conversation was compacted; a summary of what came before it:\n\nModule renamed; tests next.")
    }
}
