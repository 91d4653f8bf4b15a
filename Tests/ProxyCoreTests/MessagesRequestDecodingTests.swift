import ProxyCore
import Testing

/// Request validation: every problem is a 400 `invalid_request_error` whose message starts with the
/// exact path of the field, and real Claude Code requests decode.
@Suite struct MessagesRequestDecodingTests {
    private static let validMessages = #"[{"role":"user","content":"hi"}]"#

    private func decode(_ body: String, countingTokens: Bool = false) throws -> MessagesRequest {
        try MessagesRequest(json: try JSONParser.parse(body), countingTokens: countingTokens)
    }

    /// The body with `extra` members added to a minimal valid request.
    private func body(_ extra: String = "", model: String = #""claude-sonnet-4-6""#, maxTokens: String = "100", messages: String = validMessages) -> String {
        #"{"model":\#(model),"max_tokens":\#(maxTokens),"messages":\#(messages)\#(extra.isEmpty ? "" : "," + extra)}"#
    }

    private func decodingError(_ body: String) throws -> AnthropicError? {
        let json = try JSONParser.parse(body)
        do {
            _ = try MessagesRequest(json: json)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Invalid fields

    @Test(arguments: [
        // Top level
        ("[]", "body: must be an object, not array"),
        (#"{"max_tokens":1,"messages":[]}"#, "model: Field required"),
        (#"{"model":null,"max_tokens":1,"messages":[]}"#, "model: Field required"),
        (#"{"model":5,"max_tokens":1,"messages":[]}"#, "model: must be a string, not number"),
        (#"{"model":"m","messages":[]}"#, "max_tokens: Field required"),
        (#"{"model":"m","max_tokens":"100","messages":[]}"#, "max_tokens: must be an integer, not string"),
        (#"{"model":"m","max_tokens":1.5,"messages":[]}"#, "max_tokens: must be an integer, not number"),
        (#"{"model":"m","max_tokens":1e300,"messages":[]}"#, "max_tokens: must be an integer, not number"),
        (#"{"model":"m","max_tokens":0,"messages":[]}"#, "max_tokens: must be at least 1"),
        (#"{"model":"m","max_tokens":-5,"messages":[]}"#, "max_tokens: must be at least 1"),
        (#"{"model":"m","max_tokens":1}"#, "messages: Field required"),
        (#"{"model":"m","max_tokens":1,"messages":{}}"#, "messages: must be an array, not object"),
        (#"{"model":"m","max_tokens":1,"messages":[]}"#, "messages: at least one message is required"),
        // Messages
        (#"{"model":"m","max_tokens":1,"messages":[1]}"#, "messages.0: must be an object, not number"),
        (#"{"model":"m","max_tokens":1,"messages":[{"content":"x"}]}"#, "messages.0.role: Field required"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"tool","content":"x"}]}"#, "messages.0.role: must be 'user', 'assistant' or 'system', not 'tool'"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user"}]}"#, "messages.0.content: Field required"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":5}]}"#, "messages.0.content: must be a string or an array of content blocks, not number"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"},{"role":"user","content":[{"type":"video"}]}]}"#,
         "messages.2.content.0.type: 'video' blocks are not supported by this backend (supported: text, image, document, search_result, tool_use, tool_result, thinking, redacted_thinking, server_tool_use, web_search_tool_result, web_fetch_tool_result, tool_reference, compaction, fallback, and tool_addition and tool_removal in system messages)"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":["text"]}]}"#, "messages.0.content.0: must be an object, not string"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"text":"x"}]}]}"#, "messages.0.content.0.type: Field required"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text"}]}]}"#, "messages.0.content.1.text: Field required"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"text","text":7}]}]}"#, "messages.0.content.0.text: must be a string, not number"),
        // Images and documents
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"image"}]}]}"#, "messages.0.content.0.source: Field required"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]}"#,
         "messages.0.content.0.source.type: source type 'file' is not supported (supported: base64, url, text)"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","data":"AA=="}}]}]}"#,
         "messages.0.content.0.source.media_type: Field required"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"url"}}]}]}"#, "messages.0.content.0.source.url: Field required"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"text","data":"d"},"title":1}]}]}"#,
         "messages.0.content.0.title: must be a string, not number"),
        // Tool use and results
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"},{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"n","input":[]}]}]}"#,
         "messages.1.content.0.input: must be an object"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":[{"type":"tool_use","name":"n","input":{}}]}]}"#, "messages.0.content.0.id: Field required"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","input":{}}]}]}"#, "messages.0.content.0.name: Field required"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"tool_result","content":"x"}]}]}"#, "messages.0.content.0.tool_use_id: Field required"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","is_error":"yes"}]}]}"#,
         "messages.0.content.0.is_error: must be a boolean, not string"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"tool_use","id":"x","name":"n"}]}]}]}"#,
         "messages.0.content.0.content.0.type: 'tool_use' blocks are not allowed here (expected document, image, search_result, text, tool_reference)"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":7}]}]}"#,
         "messages.0.content.0.content: must be a string or an array of content blocks, not number"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":[{"type":"thinking","signature":"s"}]}]}"#, "messages.0.content.0.thinking: Field required"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":[{"type":"redacted_thinking"}]}]}"#, "messages.0.content.0.data: Field required"),
        // System
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"system":5}"#, "system: must be a string or an array of text blocks, not number"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"system":[{"type":"image","source":{}}]}"#, "system.0.type: must be 'text', not 'image'"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"system":[{"type":"text","text":"a"},{"type":"text"}]}"#, "system.1.text: Field required"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"system":["plain"]}"#, "system.0: must be an object, not string"),
        // Tools
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"tools":{}}"#, "tools: must be an array, not object"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"tools":[{"input_schema":{}}]}"#, "tools.0.name: Field required"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"tools":[{"name":"a"}]}"#, "tools.0.input_schema: Field required"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"tools":[{"name":"a","input_schema":{}},{"name":"b","input_schema":"object"}]}"#, "tools.1.input_schema: must be an object"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"tools":[{"name":"a","input_schema":{},"description":["x"]}]}"#, "tools.0.description: must be a string, not array"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"tools":[{"name":"a","input_schema":{},"type":5}]}"#, "tools.0.type: must be a string, not number"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"mcp_servers":[{"type":"url","url":"https://mcp.example.com/sse","name":"example"}]}"#,
         "mcp_servers: the MCP connector runs only on Anthropic itself, which connects to the servers for the model; route this model to an anthropic/ backend, or connect the MCP servers in your client and declare their tools"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"mcp_servers":{}}"#, "mcp_servers: must be an array, not object"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"tools":[{"type":"mcp_toolset","mcp_server_name":"example"}],"mcp_servers":[{"type":"url","url":"https://mcp.example.com/sse","name":"example"}]}"#,
         "tools.0.type: the MCP connector runs only on Anthropic itself, which connects to the servers for the model; route this model to an anthropic/ backend, or connect the MCP servers in your client and declare their tools"),
        // Tool choice
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"tool_choice":"auto"}"#, "tool_choice: must be an object, not string"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"tool_choice":{}}"#, "tool_choice.type: Field required"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"tool_choice":{"type":"sometimes"}}"#, "tool_choice.type: must be auto, any, tool or none, not 'sometimes'"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"tool_choice":{"type":"tool"}}"#, "tool_choice.name: Field required"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"tool_choice":{"type":"auto","disable_parallel_tool_use":"yes"}}"#,
         "tool_choice.disable_parallel_tool_use: must be a boolean, not string"),
        // Thinking
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"thinking":true}"#, "thinking: must be an object, not boolean"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"thinking":{}}"#, "thinking.type: Field required"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"thinking":{"type":"on"}}"#, "thinking.type: must be enabled, adaptive, between_tools or disabled, not 'on'"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"thinking":{"type":"enabled"}}"#, "thinking.budget_tokens: Field required"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"thinking":{"type":"enabled","budget_tokens":"lots"}}"#, "thinking.budget_tokens: must be an integer, not string"),
        // Sampling and the rest
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"stream":"true"}"#, "stream: must be a boolean, not string"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"temperature":"hot"}"#, "temperature: must be a number, not string"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"top_p":[]}"#, "top_p: must be a number, not array"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"top_k":1.5}"#, "top_k: must be an integer, not number"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"stop_sequences":"END"}"#, "stop_sequences: must be an array, not string"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"stop_sequences":["a",1]}"#, "stop_sequences.1: must be a string"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"output_config":"high"}"#, "output_config: must be an object, not string"),
        (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"}],"output_config":{"effort":3}}"#, "output_config.effort: must be a string, not number"),
    ])
    func invalidFieldsAre400sThatStartWithTheirPath(body: String, message: String) throws {
        let error = try #require(try decodingError(body), "\(body) decoded")
        #expect(error.status == 400)
        #expect(error.kind == .invalidRequest)
        #expect(error.message == message)
        #expect(error.headers.isEmpty)
    }

    @Test(arguments: ["code_execution_20250522", "code_execution_20250825", "computer_20250124"])
    func anthropicServerToolsAreRejectedWithAWayToReachAnthropic(type: String) throws {
        let error = try #require(try decodingError(body(#""tools":[{"name":"Read","input_schema":{}},{"type":"\#(type)","name":"server_tool","max_uses":5}]"#)))
        #expect(error.status == 400)
        #expect(
            error.message
                == "tools.1.type: 'server_tool' is an Anthropic server tool (\(type)); only Anthropic itself can run it, so route this model to an anthropic/ backend or remove the tool")
        #expect(error.message.contains("anthropic/"))
    }

    @Test func customToolsWithAnExplicitTypeAreAccepted() throws {
        let request = try decode(body(#""tools":[{"type":"custom","name":"Read","input_schema":{"type":"object"}}]"#))
        #expect(request.tools == [MessagesRequest.Tool(name: "Read", inputSchema: ["type": "object"])])
    }

    // MARK: - Valid requests

    @Test func anEmptyListOfMCPServersAsksForNothing() throws {
        #expect(try decode(body(#""mcp_servers":[]"#)).messages.count == 1)
    }

    @Test func aMinimalRequestTakesItsDefaults() throws {
        let request = try decode(body())
        #expect(
            request
                == MessagesRequest(model: "claude-sonnet-4-6", maxTokens: 100, messages: [MessagesRequest.Message(role: .user, content: [.text("hi")])]))
        #expect(request.stream == false)
        #expect(request.thinking == .disabled)
        #expect(request.toolChoice == nil)
        #expect(request.disableParallelToolUse == false)
    }

    @Test func everyFieldIsDecoded() throws {
        let json = #"""
            {
              "model": "claude-opus-5-5", "max_tokens": 1e3, "stream": true, "temperature": 0.5, "top_p": 0.9, "top_k": 40,
              "stop_sequences": ["END", "STOP"], "metadata": {"user_id": "u"}, "output_config": {"effort": "high"},
              "system": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}, {"type": "text", "text": "Be kind."}],
              "tools": [{"name": "Read", "description": "Reads a file", "input_schema": {"type": "object", "properties": {"path": {"type": "string"}}}}],
              "tool_choice": {"type": "tool", "name": "Read", "disable_parallel_tool_use": true},
              "thinking": {"type": "enabled", "budget_tokens": 2048},
              "messages": [
                {"role": "user", "content": [
                  {"type": "text", "text": "Look:"},
                  {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBO"}},
                  {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}},
                  {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBE"}, "title": "Spec"},
                  {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "plain"}}
                ]},
                {"role": "assistant", "content": [
                  {"type": "thinking", "thinking": "Hmm.", "signature": "sig"},
                  {"type": "redacted_thinking", "data": "opaque"},
                  {"type": "text", "text": "Reading."},
                  {"type": "tool_use", "id": "toolu_1", "name": "Read", "input": {"path": "/a"}},
                  {"type": "tool_use", "id": "toolu_2", "name": "Read"}
                ]},
                {"role": "user", "content": [
                  {"type": "tool_result", "tool_use_id": "toolu_1", "content": "file text"},
                  {"type": "tool_result", "tool_use_id": "toolu_2", "is_error": true,
                   "content": [{"type": "text", "text": "missing"}, {"type": "image", "source": {"type": "url", "url": "https://x/y.png"}}]},
                  {"type": "tool_result", "tool_use_id": "toolu_3"}
                ]}
              ]
            }
            """#
        let expected = MessagesRequest(
            model: "claude-opus-5-5", maxTokens: 1000,
            messages: [
                MessagesRequest.Message(
                    role: .user,
                    content: [
                        .text("Look:"), .image(.base64(mediaType: "image/png", data: "iVBO")), .image(.url("https://example.com/a.png")),
                        .document(.base64(mediaType: "application/pdf", data: "JVBE"), title: "Spec"), .document(.text("plain"), title: nil),
                    ]),
                MessagesRequest.Message(
                    role: .assistant,
                    content: [
                        .thinking("Hmm.", signature: "sig"), .redactedThinking(data: "opaque"), .text("Reading."),
                        .toolUse(id: "toolu_1", name: "Read", input: ["path": "/a"]), .toolUse(id: "toolu_2", name: "Read", input: [:]),
                    ]),
                MessagesRequest.Message(
                    role: .user,
                    content: [
                        .toolResult(toolUseID: "toolu_1", content: [.text("file text")], isError: false),
                        .toolResult(toolUseID: "toolu_2", content: [.text("missing"), .image(.url("https://x/y.png"))], isError: true),
                        .toolResult(toolUseID: "toolu_3", content: [], isError: false),
                    ]),
            ],
            system: ["Be brief.", "Be kind."],
            tools: [
                MessagesRequest.Tool(
                    name: "Read", description: "Reads a file", inputSchema: ["type": "object", "properties": ["path": ["type": "string"]]])
            ],
            toolChoice: .tool(name: "Read"), disableParallelToolUse: true, stream: true, temperature: 0.5, topP: 0.9, topK: 40,
            stopSequences: ["END", "STOP"], thinking: .enabled(budgetTokens: 2048), effort: "high", userID: "u",
            cacheBreakpoint: CacheBreakpoint(messageIndex: nil))
        #expect(try decode(json) == expected)
    }

    @Test(arguments: [
        (#"{"type":"auto"}"#, MessagesRequest.ToolChoice.auto), (#"{"type":"any"}"#, .any), (#"{"type":"none"}"#, .none),
        (#"{"type":"tool","name":"Bash"}"#, .tool(name: "Bash")),
    ])
    func toolChoices(json: String, choice: MessagesRequest.ToolChoice) throws {
        let request = try decode(body(#""tool_choice":\#(json)"#))
        #expect(request.toolChoice == choice)
        #expect(request.disableParallelToolUse == false)
    }

    @Test func thinkingTypes() throws {
        #expect(try decode(body(#""thinking":{"type":"adaptive","display":"omitted"}"#)).thinking == .adaptive)
        #expect(try decode(body(#""thinking":{"type":"disabled"}"#)).thinking == .disabled)
        #expect(try decode(body(#""thinking":{"type":"enabled","budget_tokens":10000}"#)).thinking == .enabled(budgetTokens: 10_000))
    }

    @Test func systemRoleMessagesAreAcceptedInPlace() throws {
        let request = try decode(
            body(messages: #"[{"role":"user","content":"a"},{"role":"system","content":"Mind the rules."},{"role":"system","content":[{"type":"text","text":"More."}]}]"#))
        #expect(request.messages.map(\.role) == [.user, .system, .system])
        #expect(request.messages[1].content == [.text("Mind the rules.")])
        #expect(request.messages[2].content == [.text("More.")])
    }

    @Test func systemAsAStringIsOneBlockAndEmptyIsNone() throws {
        #expect(try decode(body(#""system":"Be brief.""#)).system == ["Be brief."])
        #expect(try decode(body(#""system":"""#)).system == [])
        #expect(try decode(body(#""system":[]"#)).system == [])
    }

    @Test func nullOptionalFieldsCountAsAbsent() throws {
        let request = try decode(
            body(#""system":null,"tools":null,"tool_choice":null,"thinking":null,"stream":null,"temperature":null,"stop_sequences":null,"output_config":null"#))
        #expect(request == MessagesRequest(model: "claude-sonnet-4-6", maxTokens: 100, messages: [MessagesRequest.Message(role: .user, content: [.text("hi")])]))
    }

    @Test func unknownTopLevelAndBlockFieldsAreIgnored() throws {
        let request = try decode(
            body(
                #""metadata":{"user_id":"x"},"context_management":{"edits":[]},"service_tier":"auto""#,
                messages: #"[{"role":"user","content":[{"type":"text","text":"hi","cache_control":{"type":"ephemeral"},"citations":null}]}]"#))
        #expect(request.messages == [MessagesRequest.Message(role: .user, content: [.text("hi")])])
    }

    @Test func countTokensBodiesNeedNoMaxTokens() throws {
        #expect(try decode(#"{"model":"m","messages":[]}"#, countingTokens: true).maxTokens == 1)
        #expect(try decode(#"{"model":"m","max_tokens":50,"messages":[]}"#, countingTokens: true).maxTokens == 50)
        #expect(try decodingError(#"{"model":"m","messages":[]}"#) == .invalidRequest("max_tokens: Field required"))
    }

    @Test func wholeNumbersWrittenAsDecimalsOrExponentsAreIntegers() throws {
        #expect(try decode(body(maxTokens: "4096.0")).maxTokens == 4096)
        #expect(try decode(body(maxTokens: "4.096e3")).maxTokens == 4096)
    }

    // MARK: - Claude Code

    @Test(arguments: ClaudeCodeFixture.allCases)
    func claudeCodeRequestsDecode(fixture: ClaudeCodeFixture) throws {
        let request = try MessagesRequest(json: try loadClaudeCodeFixture(fixture))
        #expect(request.model == "claude-opus-5-5")
        #expect(request.maxTokens == 128_000)
        #expect(request.stream == true)
        #expect(request.thinking == .adaptive)
        #expect(request.effort == "medium")
        #expect(request.system.count == 3)
        #expect(
            request.tools.map(\.name) == ["Agent", "Bash", "Edit", "ListAgents", "Read", "ReportFindings", "ScheduleWakeup", "Skill", "ToolSearch", "Workflow", "Write"],
            "DeferredToolPlaceholder is deferred and never loaded")
        #expect(request.toolChoice == nil)
        #expect(request.messages.first?.role == .user)
        #expect(request.messages.first?.content.count == 2)
        #expect(request.messages[1].role == .system)
    }

    @Test func theToolResultTurnCarriesTheCallAndItsResult() throws {
        let request = try MessagesRequest(json: try loadClaudeCodeFixture(.toolResultTurn))
        #expect(request.messages.map(\.role) == [.user, .system, .assistant, .user])
        #expect(
            request.messages[2].content == [
                .toolUse(
                    id: "call_97aa7dff889e4c29", name: "Bash",
                    input: ["command": "echo round-trip-$((6*7))", "description": "Run the requested command"])
            ])
        #expect(request.messages[3].content == [.toolResult(toolUseID: "call_97aa7dff889e4c29", content: [.text("round-trip-42")], isError: false)])
    }

    @Test func theParallelTurnCarriesBothCallsAndBothResults() throws {
        let request = try MessagesRequest(json: try loadClaudeCodeFixture(.parallelToolResultsTurn))
        let calls = request.messages[2].content.compactMap { block -> String? in
            if case .toolUse(let id, _, _) = block { return id }
            return nil
        }
        let results = request.messages[3].content.compactMap { block -> String? in
            if case .toolResult(let id, _, _) = block { return id }
            return nil
        }
        #expect(calls == ["call_2d93f099778048b1", "call_a9b19014b18d49df"])
        #expect(results == calls)
    }

    @Test func searchResultsReadAsTextWhereverTheyStand() throws {
        let result = #"{"type":"search_result","source":"https://docs.example.com/api","title":"API limits","content":[{"type":"text","text":"100 requests a minute."},{"type":"text","text":"Bursts of 20."}]}"#
        let request = try decode(
            body(messages: #"[{"role":"user","content":[\#(result),{"type":"text","text":"What is the limit?"}]},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"search","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[\#(result)]}]}]"#))
        let text = ContentBlock.text("Search result: API limits\nSource: https://docs.example.com/api\n\n100 requests a minute.\n\nBursts of 20.")
        #expect(request.messages[0].content == [text, .text("What is the limit?")])
        #expect(request.messages[2].content == [.toolResult(toolUseID: "t1", content: [text], isError: false)])
        let error = try decodingError(body(messages: #"[{"role":"user","content":[{"type":"search_result","source":"s","title":"t","content":[{"type":"image"}]}]}]"#))
        #expect(error?.message == "messages.0.content.0.content.0.type: must be 'text', not 'image'")
    }

    @Test func aFallbackBoundaryIsKeptOutOfThePrompt() throws {
        let request = try decode(
            body(messages: #"[{"role":"user","content":"Hi"},{"role":"assistant","content":[{"type":"fallback","from":{"model":"claude-opus-4-8"},"to":{"model":"claude-sonnet-4-6"},"trigger":null},{"type":"text","text":"Hello."}]}]"#))
        #expect(request.messages[1].content == [.text("Hello.")])
    }

    @Test func thinkingBetweenToolsIsThinkingOff() throws {
        #expect(try decode(body(#""thinking":{"type":"between_tools"}"#)).thinking == .disabled)
    }
}
