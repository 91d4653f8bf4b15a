import ProxyCore
import Testing

/// Bash, the text editor and memory, declared by type alone, become function tools any model can call.
@Suite struct AnthropicDefinedToolTests {
    private func tools(_ declared: String) throws -> [MessagesRequest.Tool] {
        try MessagesRequest(json: JSONParser.parse(#"{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"tools":\#(declared)}"#)).tools
    }

    private func properties(_ tool: MessagesRequest.Tool) -> [String] {
        tool.inputSchema["properties"]?.objectValue?.keys ?? []
    }

    private func commands(_ tool: MessagesRequest.Tool) -> [String] {
        tool.inputSchema["properties"]?["command"]?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    @Test func bashTakesACommandOrARestart() throws {
        let bash = try #require(try tools(#"[{"type":"bash_20250124","name":"bash"}]"#).first)
        #expect(bash.name == "bash")
        #expect(properties(bash) == ["command", "restart"])
        #expect(bash.inputSchema["required"] == nil, "a restart needs no command")
        #expect(bash.description?.contains("persists between calls") == true)
    }

    @Test func theNewerTextEditorsInsertInsertTextAndCannotUndo() throws {
        for type in ["text_editor_20250429", "text_editor_20250728"] {
            let editor = try #require(try tools(#"[{"type":"\#(type)","name":"str_replace_based_edit_tool","max_characters":10000}]"#).first)
            #expect(editor.name == "str_replace_based_edit_tool")
            #expect(commands(editor) == ["view", "create", "str_replace", "insert"])
            #expect(properties(editor) == ["command", "path", "file_text", "old_str", "new_str", "insert_line", "view_range", "insert_text"])
            #expect(editor.inputSchema["required"] == ["command", "path"])
        }
    }

    @Test func theOlderTextEditorsInsertNewStrAndCanUndo() throws {
        let editor = try #require(try tools(#"[{"type":"text_editor_20250124","name":"str_replace_editor"}]"#).first)
        #expect(editor.name == "str_replace_editor")
        #expect(commands(editor) == ["view", "create", "str_replace", "insert", "undo_edit"])
        #expect(!properties(editor).contains("insert_text"))
        #expect(editor.inputSchema["properties"]?["new_str"]?["description"] == "str_replace: the text that replaces old_str; insert: the text to insert.")
    }

    @Test func memoryHasTheSDKsSixCommands() throws {
        let memory = try #require(try tools(#"[{"type":"memory_20250818","name":"memory","cache_control":{"type":"ephemeral"}}]"#).first)
        #expect(memory.name == "memory")
        #expect(commands(memory) == ["view", "create", "str_replace", "insert", "delete", "rename"])
        #expect(properties(memory).contains("old_path") && properties(memory).contains("new_path") && properties(memory).contains("insert_text"))
        #expect(memory.description?.contains("/memories") == true)
    }

    @Test func theyStandBesideTheClientsOwnToolsInOrderAndDeferLikeThem() throws {
        let declared = #"[{"name":"Read","input_schema":{"type":"object"}},{"type":"bash_20250124","name":"bash"},{"type":"memory_20250818","name":"memory","defer_loading":true}]"#
        #expect(try tools(declared).map(\.name) == ["Read", "bash"], "a deferred tool waits for a tool_reference")
    }

    @Test func serverToolsAndComputerUseAreNotAmongThem() {
        #expect(AnthropicDefinedTool.tool(type: "code_execution_20250825", name: "code_execution", deferLoading: false) == nil)
        #expect(AnthropicDefinedTool.tool(type: "computer_20250124", name: "computer", deferLoading: false) == nil)
        #expect(AnthropicDefinedTool.tool(type: "web_search_20250305", name: "web_search", deferLoading: false) == nil)
    }
}
