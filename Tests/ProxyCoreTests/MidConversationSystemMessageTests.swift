import ProxyCore
import Testing

/// Mid-conversation system messages as Anthropic reads them: `tool_addition` / `tool_removal`
/// blocks change the tools from where they stand (beta `inline-tools-2026-09-15`, which the SDK's
/// tool runner sends for `add_tools` / `remove_tools`), `clear_at: "next_user_message"` hides a
/// message once a user message follows, and `output_config.effort` sets the next turn's effort.
@Suite struct MidConversationSystemMessageTests {
    private static let tools: [JSONValue] = [
        ["name": "Read", "description": "Reads a file.", "input_schema": ["type": "object"]],
        ["name": "Write", "description": "Writes a file.", "input_schema": ["type": "object"]],
        ["name": "Deploy", "description": "Deploys.", "input_schema": ["type": "object"], "defer_loading": true],
    ]

    private static let grep: JSONValue = ["name": "Grep", "description": "Searches files.", "input_schema": ["type": "object", "properties": ["pattern": ["type": "string"]]]]

    private static func addition(_ name: String) -> JSONValue { ["type": "tool_addition", "tool": ["type": "tool_reference", "name": .string(name)]] }
    private static func removal(_ name: String) -> JSONValue { ["type": "tool_removal", "tool": ["type": "tool_reference", "name": .string(name)]] }
    private static func definition(_ tool: JSONValue) -> JSONValue { ["type": "tool_addition", "tool": ["type": "tool_definition", "definition": tool]] }

    private static func body(_ messages: [JSONValue], tools: [JSONValue] = tools) -> JSONValue {
        ["model": "claude-opus-4-8", "max_tokens": 100, "tools": .array(tools), "messages": .array(messages)]
    }

    private static func request(_ messages: [JSONValue], tools: [JSONValue] = tools) throws -> MessagesRequest {
        try MessagesRequest(json: body(messages, tools: tools))
    }

    private static func decodingError(_ messages: [JSONValue]) -> AnthropicError? {
        #expect(throws: AnthropicError.self) { try request(messages) }
    }

    private static let toolLoop: [JSONValue] = [
        ["role": "user", "content": "Tidy the repository."],
        ["role": "system", "content": [removal("Write"), definition(grep)]],
        ["role": "assistant", "content": [["type": "tool_use", "id": "toolu_1", "name": "Grep", "input": ["pattern": "TODO"]]]],
        ["role": "user", "content": [["type": "tool_result", "tool_use_id": "toolu_1", "content": "3 matches"]]],
    ]

    @Test func theUpstreamIsOfferedTheToolsInEffectAtTheEnd() throws {
        let request = try Self.request(Self.toolLoop)
        #expect(request.tools.map(\.name) == ["Read", "Grep"])
        #expect(request.tools.last?.description == "Searches files.")
        #expect(
            request.messages[1] == MessagesRequest.Message(role: .system, content: [.text("Tool Write is no longer available."), .text("Tool Grep is now available.")]))
    }

    @Test func anAdditionByNameLoadsADeferredToolAndBringsARemovedOneBackInItsPlace() throws {
        let request = try Self.request(
            Self.toolLoop + [
                ["role": "system", "content": [Self.addition("Deploy"), Self.addition("Write"), Self.removal("Grep")]],
                ["role": "assistant", "content": "Ready to deploy."],
                ["role": "user", "content": "Go."],
            ])
        #expect(request.tools.map(\.name) == ["Read", "Write", "Deploy"])
    }

    @Test func aDefinitionStandsInForADeclaredToolOfTheSameName() throws {
        let narrower: JSONValue = ["name": "Read", "description": "Reads a file under src/ only.", "input_schema": ["type": "object"]]
        let request = try Self.request([["role": "user", "content": "Hi."], ["role": "system", "content": [Self.definition(narrower)]]])
        #expect(request.tools.map(\.name) == ["Write", "Read"])
        #expect(request.tools.last?.description == "Reads a file under src/ only.")
    }

    @Test func aServerToolCanBeDefinedAndRemoved() throws {
        let search: JSONValue = ["type": "web_search_20250305", "name": "web_search", "max_uses": 2]
        let added = try Self.request([["role": "user", "content": "Hi."], ["role": "system", "content": [Self.definition(search)]]])
        #expect(added.serverTools.map(\.name) == ["web_search"])
        #expect(added.serverTools.first?.maxUses == 2)
        let removed = try Self.request(
            [["role": "user", "content": "Hi."], ["role": "system", "content": [Self.removal("web_search")]]], tools: Self.tools + [search])
        #expect(removed.serverTools.isEmpty)
        #expect(removed.tools.map(\.name) == ["Read", "Write"])
    }

    @Test(arguments: [
        (
            [["role": "user", "content": "Hi."], ["role": "system", "content": [addition("Lint")]]] as [JSONValue],
            "messages.1.content: 'Lint' is neither declared in tools nor defined by an earlier tool_addition; declare it, or add it with a tool_definition"
        ),
        (
            [["role": "user", "content": [addition("Read")]]],
            "messages.0.content.0.type: 'tool_addition' blocks change the tools from where they are, and belong in a system message (role 'system')"
        ),
        (
            [["role": "user", "content": "Hi."], ["role": "system", "content": [["type": "tool_removal", "tool": ["type": "tool_definition", "definition": grep]]]]],
            "messages.1.content.0.tool.type: a tool_removal names its tool with a tool_reference, not a tool_definition"
        ),
        (
            [["role": "user", "content": "Hi."], ["role": "system", "content": [["type": "tool_addition", "tool": ["type": "mcp_toolset_reference", "mcp_server_name": "files"]]]]],
            "messages.1.content.0.tool.type: the MCP connector runs only on Anthropic itself, which connects to the servers for the model; route this model to an anthropic/ backend, or connect the MCP servers in your client and declare their tools"
        ),
        (
            [["role": "user", "content": "Hi.", "clear_at": "next_user_message"]],
            "messages.0.clear_at: only a system message (role 'system') takes clear_at"
        ),
        (
            [["role": "user", "content": "Hi."], ["role": "system", "content": "Be brief.", "clear_at": "later"]],
            "messages.1.clear_at: must be next_user_message or never, not 'later'"
        ),
        (
            [["role": "user", "content": "Hi."], ["role": "system", "content": "Be brief.", "output_config": ["format": ["type": "json_schema"]]]],
            "messages.1.output_config.format: is taken only at the top level (output_config.format), not on a message"
        ),
    ] as [([JSONValue], String)])
    func aChangeOrFieldThatCannotBeHonouredIsA400(messages: [JSONValue], message: String) {
        let error = Self.decodingError(messages)
        #expect(error?.status == 400)
        #expect(error?.kind == .invalidRequest)
        #expect(error?.message == message)
    }

    @Test func aMessageClearedAtTheNextUserMessageIsShownOnlyUntilOneFollows() throws {
        let note: JSONValue = ["role": "system", "content": "The user's last command was interrupted.", "clear_at": "next_user_message"]
        let firstTurn = try Self.request([["role": "user", "content": "Run the tests."], note])
        #expect(firstTurn.messages.map(\.role) == [.user, .system])
        let laterTurn = try Self.request([
            ["role": "user", "content": "Run the tests."], note, ["role": "assistant", "content": "Running them."], ["role": "user", "content": "And?"],
        ])
        #expect(laterTurn.messages.map(\.role) == [.user, .assistant, .user])
        #expect(laterTurn.decodedMessages == nil || laterTurn.decodedMessages?.map(\.message) == laterTurn.messages)
        let withoutTheNote = try Self.request([["role": "user", "content": "Run the tests."], ["role": "assistant", "content": "Running them."], ["role": "user", "content": "And?"]])
        #expect(laterTurn.messages == withoutTheNote.messages)
        #expect(TokenEstimator.estimate(laterTurn) == TokenEstimator.estimate(withoutTheNote), "a cleared message does not count as input")
    }

    @Test func aClosingSystemMessageSetsTheTurnsEffort() throws {
        func effort(_ messages: [JSONValue]) throws -> String? {
            try MessagesRequest(json: ["model": "claude-opus-4-8", "max_tokens": 100, "output_config": ["effort": "low"], "messages": .array(messages)]).effort
        }
        let thinkHard: JSONValue = ["role": "system", "content": "Think hard.", "output_config": ["effort": "high"]]
        #expect(try effort([["role": "user", "content": "Hi."], thinkHard]) == "high")
        #expect(
            try effort([["role": "user", "content": "Hi."], thinkHard, ["role": "assistant", "content": "Hello."], ["role": "user", "content": "Bye."]]) == "low",
            "an earlier turn's effort was that turn's")
    }

    @Test func aCompactionsToolChangesStandForTheSystemMessagesItSummarised() throws {
        let compaction: JSONValue = [
            "type": "compaction", "content": "Grep replaced Write.",
            "tool_changes": [
                Self.removal("Write"), Self.definition(Self.grep),
                ["type": "tool_addition", "tool": ["type": "mcp_tool_reference", "mcp_server_name": "files", "tool_name": "list"]],
            ],
        ]
        let messages: [JSONValue] = [
            ["role": "user", "content": "Tidy up."], ["role": "system", "content": [Self.removal("Read")]],
            ["role": "assistant", "content": [compaction]], ["role": "user", "content": "Go on."],
        ]
        let request = try Self.request(messages)
        #expect(request.tools.map(\.name) == ["Read", "Grep"], "the compaction's changes replace those before it; its MCP entry is passed over")
        #expect(request.messages.count == 2)
        let withoutChanges: JSONValue = ["type": "compaction", "content": "Grep replaced Write."]
        let older = try Self.request([messages[0], messages[1], ["role": "assistant", "content": [withoutChanges]], messages[3]])
        #expect(older.tools.map(\.name) == ["Write"], "without tool_changes the changes before it still hold")
    }

    @Test func theKeptConversationGivesWhatAFreshDecodeGives() throws {
        let conversations = ConversationPrefixCache()
        var history = Self.toolLoop
        for turn in 0..<3 {
            let parsed = try JSONParser.parseRequest(JSONWriter.encode(Self.body(history)), conversations: conversations)
            let derived = try #require(parsed.derivedFromMessages)
            let decoded = try MessagesRequest(json: parsed.value, derivedFromMessages: derived)
            #expect(decoded == (try MessagesRequest(json: parsed.value)))
            #expect(decoded.decodedMessages?.map(\.message) == decoded.messages)
            #expect(decoded.tools.map(\.name) == (turn == 0 ? ["Read", "Grep"] : ["Read", "Write", "Grep"]))
            history += [
                ["role": "system", "content": [Self.addition("Write")], "clear_at": "next_user_message"],
                ["role": "assistant", "content": "Done."], ["role": "user", "content": "More."],
            ]
        }
    }
}
